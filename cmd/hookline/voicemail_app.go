package main

import (
	"context"
	"fmt"
	"os"

	"hookline"
	"hookline/audio"
	"hookline/sqlstore"
	"hookline/voicemail"
)

// mediaSecretName names the server secret that signs public media URLs.
const mediaSecretName = "media_url"

// newVoicemail builds the voicemail audio service from the config: the safe
// fetcher for audio= URLs, the upload limits, and the media URL secret
// shared by every node through the database.
func (m *Main) newVoicemail(ctx context.Context) (*voicemail.Service, error) {
	ac := m.Config.Audio
	allow, err := ac.allowCIDRs()
	if err != nil {
		return nil, err
	}
	secret, err := m.DB.ServerSecret(ctx, mediaSecretName)
	if err != nil {
		return nil, fmt.Errorf("media secret: %w", err)
	}
	fetcher := audio.NewFetcher(audio.Config{
		Client:   audio.ClientOptions{AllowCIDRs: allow, Timeout: ac.FetchTimeout},
		MaxBytes: ac.FetchMaxBytes,
		Limits:   ac.limits(),
		CacheTTL: ac.CacheTTL,
	})
	return voicemail.New(voicemail.Config{
		Store:          m.DB,
		Fetcher:        fetcher,
		Limits:         ac.limits(),
		MaxUploadBytes: ac.FetchMaxBytes,
		URLCacheTTL:    ac.CacheTTL,
		MediaSecret:    secret,
	}), nil
}

// uploadAudioFile stores the MP3 at path as the account's audio and returns
// its id, for `hookline triggers create --kind rvm --audio-file f.mp3`. An
// empty path returns "".
func uploadAudioFile(ctx context.Context, cfg Config, db *sqlstore.DB, t *hookline.Trigger, path string) (string, error) {
	if path == "" {
		return "", nil
	} else if t.Kind != hookline.KindRVM {
		return "", hookline.Errorf(hookline.EInvalid, "--audio-file is only for --kind rvm triggers.")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	svc := voicemail.New(voicemail.Config{Store: db, Limits: cfg.Audio.limits(), MaxUploadBytes: cfg.Audio.FetchMaxBytes})
	a, err := svc.Upload(ctx, t.AccountID, data)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}
