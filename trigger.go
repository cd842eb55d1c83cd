package hookline

import (
	"context"
	"strings"
	"time"
)

// TriggerKind says what a trigger sends.
type TriggerKind string

// The kinds of trigger.
const (
	KindSMS TriggerKind = "sms"
	KindRVM TriggerKind = "rvm"
)

// Trigger is a custom trigger: a message template behind a secret webhook
// URL. Its ID is a random UUID v4 and is the capability that lets anyone who
// knows it send through the trigger.
type Trigger struct {
	ID                string      `json:"id"`
	AccountID         int64       `json:"-"`
	Kind              TriggerKind `json:"kind"`
	Name              string      `json:"name"`
	Body              string      `json:"body,omitempty"`
	AudioID           string      `json:"audio_id,omitempty"`
	From              string      `json:"from,omitempty"`
	Enabled           bool        `json:"enabled"`
	StatusCallbackURL string      `json:"status_callback_url,omitempty"`
	// TriggerSettings (send_window, frequency_cap, ...) are shown as
	// top-level fields and stored as the settings JSON column.
	TriggerSettings
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TriggerUpdate holds the fields of a PATCH; nil fields are left alone.
type TriggerUpdate struct {
	Name              *string `json:"name"`
	Body              *string `json:"body"`
	AudioID           *string `json:"audio_id"`
	From              *string `json:"from"`
	Enabled           *bool   `json:"enabled"`
	StatusCallbackURL *string `json:"status_callback_url"`
	// SendWindow and FrequencyCap tell an absent field from null.
	SendWindow   SendWindowPatch   `json:"send_window"`
	FrequencyCap FrequencyCapPatch `json:"frequency_cap"`
	RateLimit    RateLimitPatch    `json:"rate_limit"`
}

// Apply copies the set fields of upd onto t.
func (upd TriggerUpdate) Apply(t *Trigger) {
	set(&t.Name, upd.Name)
	set(&t.Body, upd.Body)
	set(&t.AudioID, upd.AudioID)
	set(&t.From, upd.From)
	set(&t.StatusCallbackURL, upd.StatusCallbackURL)
	if upd.Enabled != nil {
		t.Enabled = *upd.Enabled
	}
	if upd.SendWindow.Set {
		t.SendWindow = upd.SendWindow.Window
	}
	if upd.FrequencyCap.Set {
		t.FrequencyCap = upd.FrequencyCap.Cap
	}
	if upd.RateLimit.Set {
		t.RateLimit = upd.RateLimit.Limit
	}
}

func set(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

// Validate checks a trigger before it is saved.
func (t *Trigger) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	switch {
	case t.Name == "":
		return Errorf(EInvalid, "A trigger needs a name.")
	case len(t.Name) > 200:
		return Errorf(EInvalid, "A trigger name is at most 200 characters.")
	}
	switch t.Kind {
	case KindSMS:
		if strings.TrimSpace(t.Body) == "" {
			return Errorf(EInvalid, "An SMS trigger needs a body.")
		} else if len(t.Body) > 1600 {
			return Errorf(EInvalid, "An SMS body is at most 1600 bytes.")
		}
		if _, err := ParseTemplate(t.Body); err != nil {
			return err
		}
		if t.AudioID != "" {
			return Errorf(EInvalid, "An SMS trigger has no audio.")
		}
	case KindRVM:
		if t.Body != "" {
			return Errorf(EInvalid, "An RVM trigger has no body; it plays audio.")
		}
	default:
		return Errorf(EInvalid, "Trigger kind must be \"sms\" or \"rvm\".")
	}
	if err := t.TriggerSettings.Validate(); err != nil {
		return err
	}
	if t.From != "" && !validFrom(t.From) {
		return Errorf(EInvalid, "The from address must be an E.164 number or up to 11 letters and digits.")
	}
	return nil
}

// validFrom accepts an E.164 number or an alphanumeric sender ID.
func validFrom(s string) bool {
	if strings.HasPrefix(s, "+") {
		if len(s) < 8 || len(s) > 16 {
			return false
		}
		for _, r := range s[1:] {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if len(s) > 11 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ') {
			return false
		}
	}
	return true
}

// TriggerFilter selects triggers of one account.
type TriggerFilter struct {
	AccountID int64
	Kind      TriggerKind
}

// TriggerService manages triggers.
type TriggerService interface {
	// FindTriggerByID returns the account's trigger or ETriggerNotFound.
	// An accountID of 0 finds any account's trigger (the webhook path).
	FindTriggerByID(ctx context.Context, accountID int64, id string) (*Trigger, error)
	FindTriggers(ctx context.Context, filter TriggerFilter) ([]*Trigger, error)
	CreateTrigger(ctx context.Context, t *Trigger) error
	UpdateTrigger(ctx context.Context, accountID int64, id string, upd TriggerUpdate) (*Trigger, error)
	DeleteTrigger(ctx context.Context, accountID int64, id string) error
}
