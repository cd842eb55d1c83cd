package audio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"hookline"
)

// DefaultMaxBytes is the default size limit of a fetched MP3.
const DefaultMaxBytes = 10 << 20

// Fetched is a downloaded and validated MP3.
type Fetched struct {
	URL    string
	Data   []byte
	SHA256 string // hex
	Info   Info
}

// get downloads and validates one URL without caching.
func (f *Fetcher) get(ctx context.Context, rawURL string) (*Fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, wrapError(hookline.Errorf(hookline.EAudioUnreachable,
			"The audio URL is not a valid http or https URL."), err)
	}
	req.Header.Set("Accept", "audio/mpeg, audio/*;q=0.9, */*;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, requestError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, hookline.Errorf(hookline.EAudioUnreachable,
			"The audio URL answered with HTTP status %d; it must answer 200 with the MP3.", resp.StatusCode)
	}
	if resp.ContentLength > f.cfg.MaxBytes {
		return nil, f.tooLarge(fmt.Errorf("content-length %d", resp.ContentLength))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.cfg.MaxBytes+1))
	if err != nil {
		return nil, requestError(err)
	}
	if int64(len(data)) > f.cfg.MaxBytes {
		return nil, f.tooLarge(errors.New("body exceeds the limit"))
	}
	info, err := Validate(data, f.cfg.Limits)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &Fetched{URL: rawURL, Data: data, SHA256: hex.EncodeToString(sum[:]), Info: info}, nil
}

func (f *Fetcher) tooLarge(cause error) error {
	return wrapError(hookline.Errorf(hookline.EAudioTooLarge,
		"The audio file is larger than the %d MiB limit.", f.cfg.MaxBytes>>20), cause)
}

// requestError maps a failed request to audio_blocked_address or
// audio_unreachable.
func requestError(err error) error {
	if errors.Is(err, ErrBlockedAddress) {
		return wrapError(hookline.Errorf(hookline.EAudioBlockedAddress,
			"The audio URL points to an address that is not allowed; use a public http or https URL."), err)
	}
	msg := "The audio URL could not be fetched."
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		msg = "The audio URL did not answer in time."
	}
	return wrapError(hookline.Errorf(hookline.EAudioUnreachable, "%s", msg), err)
}

// nowOr returns now, or time.Now when now is nil.
func nowOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
