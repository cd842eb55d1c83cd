package hookline

import (
	"strings"
	"unicode"
)

// KeywordAction is what an inbound text asks for.
type KeywordAction string

// The keyword actions. KeywordNone is an ordinary reply, only stored.
const (
	KeywordNone   KeywordAction = ""
	KeywordOptOut KeywordAction = "opt_out"
	KeywordOptIn  KeywordAction = "opt_in"
	KeywordHelp   KeywordAction = "help"
)

// NormalizeKeyword upper-cases s and trims the spaces and punctuation around
// it, so " stop. " and "Stop!" both read STOP.
func NormalizeKeyword(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	return strings.ToUpper(s)
}

// Classify returns the action of an inbound text: a keyword must be the
// whole text, so "please stop by tomorrow" opts nobody out.
func (s *ComplianceSettings) Classify(text string) KeywordAction {
	k := NormalizeKeyword(text)
	if k == "" {
		return KeywordNone
	}
	for _, c := range []struct {
		words  []string
		action KeywordAction
	}{{s.OptOutKeywords, KeywordOptOut}, {s.OptInKeywords, KeywordOptIn}, {s.HelpKeywords, KeywordHelp}} {
		for _, w := range c.words {
			if w == k {
				return c.action
			}
		}
	}
	return KeywordNone
}

// Reply returns the text sent back for an action; "" for none.
func (s *ComplianceSettings) Reply(a KeywordAction) string {
	switch a {
	case KeywordOptOut:
		return s.OptOutReply
	case KeywordOptIn:
		return s.OptInReply
	case KeywordHelp:
		return s.HelpReply
	}
	return ""
}

// Validate normalizes the keywords and checks the settings before they are
// saved: an opt-out keyword must always exist, and no word may mean two
// things.
func (s *ComplianceSettings) Validate() error {
	seen := map[string]string{}
	lists := []struct {
		name  string
		words *[]string
	}{{"opt_out_keywords", &s.OptOutKeywords}, {"opt_in_keywords", &s.OptInKeywords}, {"help_keywords", &s.HelpKeywords}}
	for _, l := range lists {
		if len(*l.words) > 50 {
			return Errorf(EInvalid, "%s holds at most 50 keywords.", l.name)
		}
		out := make([]string, 0, len(*l.words))
		for _, w := range *l.words {
			k := NormalizeKeyword(w)
			if k == "" || len(k) > 40 || strings.ContainsFunc(k, unicode.IsSpace) {
				return Errorf(EInvalid, "%s: %q is not a keyword; a keyword is one word of at most 40 characters.", l.name, w)
			}
			if prev, ok := seen[k]; ok && prev != l.name {
				return Errorf(EInvalid, "The keyword %s is in both %s and %s.", k, prev, l.name)
			} else if !ok {
				out = append(out, k)
			}
			seen[k] = l.name
		}
		*l.words = out
	}
	if len(s.OptOutKeywords) == 0 {
		return Errorf(EInvalid, "opt_out_keywords needs at least one keyword; people must always be able to opt out.")
	}
	for name, r := range map[string]string{"opt_out_reply": s.OptOutReply, "opt_in_reply": s.OptInReply, "help_reply": s.HelpReply} {
		if strings.TrimSpace(r) == "" || len(r) > 480 {
			return Errorf(EInvalid, "%s is a text of 1 to 480 characters.", name)
		}
	}
	return nil
}

// KeywordReplyTrigger is the trigger_id of the confirmations and help texts
// sent in answer to keywords. They belong to no trigger and pass the opt-out
// gate: the opt-out confirmation goes to a phone that just opted out.
const KeywordReplyTrigger = "keyword-reply"
