// Package voicemail joins the audio package to the rest of Hookline: it
// resolves the audio of an RVM webhook (the trigger's default or a fetched
// audio= URL, stored once per SHA-256), stores uploads, signs the public
// media URLs that carriers fetch, and gives the delivery worker the
// voicemail's duration and its G.711 audio, transcoded once per audio and
// codec.
package voicemail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"hookline"
	"hookline/audio"
)

// Config configures a Service. Zero fields take the defaults.
type Config struct {
	Store hookline.AudioService
	// Fetcher downloads audio= URLs; its cache and limits apply.
	Fetcher *audio.Fetcher
	// Limits bound uploads, as the Fetcher's bound fetched files.
	Limits audio.Limits
	// MaxUploadBytes bounds uploads; default audio.DefaultMaxBytes.
	MaxUploadBytes int64
	// URLCacheTTL keeps the audio id of a fetched URL, so repeated webhooks
	// naming it touch neither the network nor the database; default
	// audio.DefaultCacheTTL.
	URLCacheTTL time.Duration
	// MaxTranscodedBytes bounds the in-memory cache of G.711 audio;
	// default 64 MiB (about 2 hours of 8 kHz G.711).
	MaxTranscodedBytes int64
	// MediaSecret signs public media URLs (HMAC-SHA256 of the audio id).
	MediaSecret []byte
	Now         hookline.Clock
}

// Service resolves, stores and serves voicemail audio. It is safe for
// concurrent use.
type Service struct {
	cfg       Config
	mediaBase atomic.Pointer[string]

	mu       sync.Mutex
	urls     map[urlKey]urlEntry
	resolves map[urlKey]*flight[string]

	transcoded *lru
	meta       sync.Map // audio id -> *hookline.Audio; audio is immutable
}

type urlKey struct {
	account int64
	url     string
}

type urlEntry struct {
	id      string
	expires time.Time
}

// maxURLEntries bounds the url→id cache; beyond it expired entries are
// dropped, then everything (it is only a cache).
const maxURLEntries = 4096

// New returns a Service for cfg.
func New(cfg Config) *Service {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = audio.DefaultMaxBytes
	}
	if cfg.URLCacheTTL <= 0 {
		cfg.URLCacheTTL = audio.DefaultCacheTTL
	}
	if cfg.MaxTranscodedBytes <= 0 {
		cfg.MaxTranscodedBytes = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Fetcher == nil {
		cfg.Fetcher = audio.NewFetcher(audio.Config{Limits: cfg.Limits})
	}
	return &Service{cfg: cfg, urls: map[urlKey]urlEntry{}, resolves: map[urlKey]*flight[string]{}, transcoded: newLRU(cfg.MaxTranscodedBytes)}
}

// ResolveAudio returns the audio id of an RVM webhook call: the audio at
// audioURL, fetched, validated and stored (once per SHA-256), or the
// trigger's default when audioURL is empty. Concurrent calls naming one URL
// for one account share a single fetch and a single insert.
func (s *Service) ResolveAudio(ctx context.Context, t *hookline.Trigger, audioURL string) (string, error) {
	if audioURL == "" {
		if t.AudioID == "" {
			return "", hookline.Errorf(hookline.EAudioRequired, "This voicemail trigger has no default audio; pass audio=<public MP3 URL>.")
		}
		return t.AudioID, nil
	}
	key := urlKey{account: t.AccountID, url: audioURL}
	s.mu.Lock()
	if e, ok := s.urls[key]; ok && s.cfg.Now().Before(e.expires) {
		s.mu.Unlock()
		return e.id, nil
	}
	f, ok := s.resolves[key]
	if !ok {
		f = newFlight[string]()
		s.resolves[key] = f
		go s.resolve(context.WithoutCancel(ctx), key, f)
	}
	s.mu.Unlock()
	return f.wait(ctx)
}

func (s *Service) resolve(ctx context.Context, key urlKey, f *flight[string]) {
	id, err := s.fetchAndStore(ctx, key)
	s.mu.Lock()
	delete(s.resolves, key)
	if err == nil {
		if len(s.urls) >= maxURLEntries {
			s.pruneURLs()
		}
		s.urls[key] = urlEntry{id: id, expires: s.cfg.Now().Add(s.cfg.URLCacheTTL)}
	}
	s.mu.Unlock()
	f.finish(id, err)
}

func (s *Service) fetchAndStore(ctx context.Context, key urlKey) (string, error) {
	got, err := s.cfg.Fetcher.Fetch(ctx, key.url)
	if err != nil {
		return "", err
	}
	a, err := s.cfg.Store.CreateAudio(ctx, &hookline.Audio{AccountID: key.account, SHA256: got.SHA256, Duration: got.Info.Duration, SourceURL: key.url}, got.Data)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

// pruneURLs drops expired entries, or all when none expired; s.mu is held.
func (s *Service) pruneURLs() {
	now := s.cfg.Now()
	for k, e := range s.urls {
		if !now.Before(e.expires) {
			delete(s.urls, k)
		}
	}
	if len(s.urls) >= maxURLEntries {
		clear(s.urls)
	}
}

// Upload validates an MP3 and stores it for the account, returning the
// existing audio when the account already has the same file.
func (s *Service) Upload(ctx context.Context, accountID int64, data []byte) (*hookline.Audio, error) {
	if int64(len(data)) > s.cfg.MaxUploadBytes {
		return nil, hookline.Errorf(hookline.EAudioTooLarge, "The audio file is larger than the %d MiB limit.", s.cfg.MaxUploadBytes>>20)
	}
	info, err := audio.Validate(data, s.cfg.Limits)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return s.cfg.Store.CreateAudio(ctx, &hookline.Audio{AccountID: accountID, SHA256: hex.EncodeToString(sum[:]), Duration: info.Duration}, data)
}

// MaxUploadBytes is the largest upload Upload accepts.
func (s *Service) MaxUploadBytes() int64 { return s.cfg.MaxUploadBytes }

// FindAudio returns the account's audio metadata.
func (s *Service) FindAudio(ctx context.Context, accountID int64, id string) (*hookline.Audio, error) {
	return s.cfg.Store.FindAudioByID(ctx, accountID, id)
}

// AudioData returns the MP3 bytes of an audio.
func (s *Service) AudioData(ctx context.Context, id string) ([]byte, error) {
	return s.cfg.Store.AudioData(ctx, id)
}

// flight is one shared computation that many callers wait for.
type flight[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func newFlight[T any]() *flight[T] { return &flight[T]{done: make(chan struct{})} }

func (f *flight[T]) finish(v T, err error) {
	f.val, f.err = v, err
	close(f.done)
}

// wait returns the result, or ctx's error when ctx ends first; the work
// goes on for the other callers.
func (f *flight[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
