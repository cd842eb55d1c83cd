package hookline

import (
	"bytes"
	"encoding/json"
)

// RateLimit bounds how many webhook calls a trigger accepts per window,
// across every node sharing the database.
type RateLimit struct {
	Requests      int `json:"requests"`
	WindowSeconds int `json:"window_seconds"`
}

// Validate checks a rate limit before it is saved.
func (l *RateLimit) Validate() error {
	if l == nil {
		return nil
	}
	if l.Requests < 1 || l.WindowSeconds < 1 || l.WindowSeconds > 86400 {
		return Errorf(EInvalid, "rate_limit needs requests ≥ 1 and window_seconds from 1 to 86400.")
	}
	return nil
}

// RateLimitPatch is the rate_limit of a PATCH body: absent keeps the limit,
// null removes it.
type RateLimitPatch struct {
	Set   bool
	Limit *RateLimit
}

// UnmarshalJSON is only called when the field is present.
func (p *RateLimitPatch) UnmarshalJSON(b []byte) error {
	p.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		p.Limit = nil
		return nil
	}
	p.Limit = &RateLimit{}
	return json.Unmarshal(b, p.Limit)
}
