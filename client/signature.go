package client

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how old a signed callback may be before
// VerifySignature refuses it as a possible replay.
const DefaultTolerance = 5 * time.Minute

// ErrBadSignature is returned for a callback that Hookline did not sign
// with this secret, or signed too long ago.
var ErrBadSignature = errors.New("hookline: bad callback signature")

// VerifySignature checks a status callback's Hookline-Signature header,
// "t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>", against the raw
// request body, and that t is within tolerance of now. Pass the body exactly
// as received, before any JSON decoding.
func VerifySignature(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrBadSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrBadSignature
}
