package hookline

import (
	"context"
	"time"
)

// OptOut is one phone on an account's suppression list. It covers every
// kind of message (SMS and voicemail) of every trigger of the account.
type OptOut struct {
	AccountID int64  `json:"-"`
	Phone     string `json:"phone"`
	// Source says how the phone got on the list.
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// The sources of an opt-out.
const (
	OptOutKeyword = "keyword" // the phone texted an opt-out keyword
	OptOutAPI     = "api"     // POST /api/v1/opt-outs
	OptOutImport  = "import"  // a CSV import
)

// OptOutFilter selects opt-outs of one account, newest first.
type OptOutFilter struct {
	AccountID int64
	Cursor    string
	Limit     int
}

// OptOutService keeps the suppression lists.
type OptOutService interface {
	// AddOptOuts puts phones on the list; phones already there keep their
	// first source and time. It returns how many were new.
	AddOptOuts(ctx context.Context, accountID int64, phones []string, source string) (int, error)
	// RemoveOptOut takes a phone off the list and reports whether it was on.
	RemoveOptOut(ctx context.Context, accountID int64, phone string) (bool, error)
	IsOptedOut(ctx context.Context, accountID int64, phone string) (bool, error)
	// OptedOutAmong returns which of the phones are on the account's list.
	OptedOutAmong(ctx context.Context, accountID int64, phones []string) (map[string]bool, error)
	FindOptOuts(ctx context.Context, f OptOutFilter) ([]*OptOut, string, error)
}

// InboundFilter selects inbound messages of one account, newest first.
type InboundFilter struct {
	AccountID int64
	Phone     string
	Cursor    string
	Limit     int
}

// InboundStore keeps the texts phones sent back.
type InboundStore interface {
	// AddInbound stores m (with its AccountID) and sets its ID.
	AddInbound(ctx context.Context, m *InboundMessage) error
	FindInbound(ctx context.Context, f InboundFilter) ([]*InboundMessage, string, error)
	// AccountsForPhone returns the accounts that have messaged the phone,
	// most recent first, limited to those that sent from the address
	// "from" when it is not empty and any did.
	AccountsForPhone(ctx context.Context, phone, from string) ([]int64, error)
}

// ComplianceSettings are an account's keyword lists and the replies sent to
// them. Keywords are matched against a whole inbound text, ignoring case and
// surrounding spaces and punctuation.
type ComplianceSettings struct {
	OptOutKeywords []string `json:"opt_out_keywords"`
	OptInKeywords  []string `json:"opt_in_keywords"`
	HelpKeywords   []string `json:"help_keywords"`
	OptOutReply    string   `json:"opt_out_reply"`
	OptInReply     string   `json:"opt_in_reply"`
	HelpReply      string   `json:"help_reply"`
}

// DefaultComplianceSettings returns the settings of an account that has not
// changed them: the carrier-industry keywords and plain, non-marketing
// confirmations.
func DefaultComplianceSettings() ComplianceSettings {
	return ComplianceSettings{
		OptOutKeywords: []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"},
		OptInKeywords:  []string{"START", "UNSTOP"},
		HelpKeywords:   []string{"HELP", "INFO"},
		OptOutReply:    "You are unsubscribed and will receive no more messages from us. Reply START to resubscribe.",
		OptInReply:     "You are subscribed again. Reply STOP to unsubscribe, HELP for help.",
		HelpReply:      "Reply STOP to unsubscribe or START to resubscribe. Msg & data rates may apply.",
	}
}

// ComplianceSettingsPatch holds the fields of a PATCH; nil fields are kept.
type ComplianceSettingsPatch struct {
	OptOutKeywords *[]string `json:"opt_out_keywords"`
	OptInKeywords  *[]string `json:"opt_in_keywords"`
	HelpKeywords   *[]string `json:"help_keywords"`
	OptOutReply    *string   `json:"opt_out_reply"`
	OptInReply     *string   `json:"opt_in_reply"`
	HelpReply      *string   `json:"help_reply"`
}

// Apply copies the set fields of p onto s.
func (p ComplianceSettingsPatch) Apply(s *ComplianceSettings) {
	for _, f := range []struct {
		dst *[]string
		src *[]string
	}{{&s.OptOutKeywords, p.OptOutKeywords}, {&s.OptInKeywords, p.OptInKeywords}, {&s.HelpKeywords, p.HelpKeywords}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	set(&s.OptOutReply, p.OptOutReply)
	set(&s.OptInReply, p.OptInReply)
	set(&s.HelpReply, p.HelpReply)
}

// SettingsService keeps per-account compliance settings.
type SettingsService interface {
	// FindComplianceSettings returns the account's settings, the defaults
	// when it has none.
	FindComplianceSettings(ctx context.Context, accountID int64) (*ComplianceSettings, error)
	UpdateComplianceSettings(ctx context.Context, accountID int64, p ComplianceSettingsPatch) (*ComplianceSettings, error)
}
