package hookline

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// TriggerSettings are a trigger's delivery policies, stored together as the
// JSON of the triggers.settings column and shown as top-level fields of the
// trigger. Add fields here; never remove or rename one, stored rows use them.
type TriggerSettings struct {
	// SendWindow is the quiet-hours window; nil sends at any time
	// (transactional messages).
	SendWindow *SendWindow `json:"send_window"`
	// FrequencyCap, when set, bounds messages to one phone per period.
	FrequencyCap *FrequencyCap `json:"frequency_cap,omitempty"`
	// RateLimit, when set, bounds webhook calls per window across nodes.
	RateLimit *RateLimit `json:"rate_limit,omitempty"`
}

// ParseTriggerSettings reads the stored JSON. A row that has no send_window
// key (written before quiet hours existed) gets the default window; an
// explicit null keeps quiet hours off.
func ParseTriggerSettings(raw string) (TriggerSettings, error) {
	var s TriggerSettings
	if strings.TrimSpace(raw) == "" {
		raw = "{}"
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &keys); err != nil {
		return s, err
	}
	if _, ok := keys["send_window"]; !ok {
		s.SendWindow = DefaultSendWindow()
	}
	return s, nil
}

// Validate checks the settings before they are saved.
func (s *TriggerSettings) Validate() error {
	if s.SendWindow != nil {
		if err := s.SendWindow.Validate(); err != nil {
			return err
		}
	}
	if err := s.RateLimit.Validate(); err != nil {
		return err
	}
	if s.FrequencyCap != nil {
		return s.FrequencyCap.Validate()
	}
	return nil
}

// FrequencyCap allows at most Max messages from one trigger to one phone
// within Period, like {"max":3,"period":"24h"}.
type FrequencyCap struct {
	Max    int    `json:"max"`
	Period string `json:"period"` // a Go duration, or whole days like "7d"
}

// Duration returns the period; zero when it is not valid.
func (c *FrequencyCap) Duration() time.Duration {
	if days, ok := strings.CutSuffix(c.Period, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0
		}
		return time.Duration(n) * 24 * time.Hour
	}
	d, err := time.ParseDuration(c.Period)
	if err != nil {
		return 0
	}
	return d
}

// Validate checks the cap's bounds.
func (c *FrequencyCap) Validate() error {
	d := c.Duration()
	switch {
	case c.Max < 1 || c.Max > 10000:
		return Errorf(EInvalid, "frequency_cap.max is a number from 1 to 10000.")
	case d < time.Minute || d > 366*24*time.Hour:
		return Errorf(EInvalid, "frequency_cap.period is a duration from \"1m\" to \"366d\", like \"24h\" or \"7d\".")
	}
	return nil
}

// FrequencyCapPatch is the frequency_cap of a PATCH body: absent keeps the
// cap, null removes it.
type FrequencyCapPatch struct {
	Set bool
	Cap *FrequencyCap
}

// UnmarshalJSON is only called when the field is present.
func (p *FrequencyCapPatch) UnmarshalJSON(b []byte) error {
	p.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		p.Cap = nil
		return nil
	}
	p.Cap = &FrequencyCap{}
	return json.Unmarshal(b, p.Cap)
}
