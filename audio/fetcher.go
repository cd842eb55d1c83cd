package audio

import (
	"container/list"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Cache defaults of a Fetcher.
const (
	DefaultCacheTTL        = 10 * time.Minute
	DefaultFailureTTL      = 30 * time.Second
	DefaultMaxCacheEntries = 128
	DefaultMaxCacheBytes   = 128 << 20
)

// Config configures a Fetcher. Zero fields take the defaults.
type Config struct {
	Client ClientOptions
	// HTTPClient replaces the client NewSafeClient(Client) would build.
	HTTPClient *http.Client
	MaxBytes   int64 // default DefaultMaxBytes
	Limits     Limits
	// CacheTTL keeps successful fetches; FailureTTL keeps failures
	// (negative: not at all). The cache holds at most MaxCacheEntries
	// entries and MaxCacheBytes of audio, evicting the least recently used.
	CacheTTL        time.Duration
	FailureTTL      time.Duration
	MaxCacheEntries int
	MaxCacheBytes   int64
	Now             func() time.Time
}

// Fetcher downloads, validates and caches MP3 files by URL. Concurrent
// fetches of one URL share a single download. It is safe for concurrent
// use.
type Fetcher struct {
	cfg    Config
	client *http.Client

	mu    sync.Mutex
	calls map[string]*call
	items map[string]*list.Element // of *entry
	lru   list.List
	bytes int64
}

type call struct {
	done chan struct{}
	res  *Fetched
	err  error
}

type entry struct {
	url     string
	res     *Fetched
	err     error
	expires time.Time
}

// NewFetcher returns a Fetcher for cfg.
func NewFetcher(cfg Config) *Fetcher {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	if cfg.FailureTTL == 0 {
		cfg.FailureTTL = DefaultFailureTTL
	}
	if cfg.MaxCacheEntries <= 0 {
		cfg.MaxCacheEntries = DefaultMaxCacheEntries
	}
	if cfg.MaxCacheBytes <= 0 {
		cfg.MaxCacheBytes = DefaultMaxCacheBytes
	}
	cfg.Now = nowOr(cfg.Now)
	client := cfg.HTTPClient
	if client == nil {
		client = NewSafeClient(cfg.Client)
	}
	return &Fetcher{cfg: cfg, client: client, calls: map[string]*call{}, items: map[string]*list.Element{}}
}

// Fetch returns the validated MP3 at rawURL, from the cache when it was
// fetched recently. Failures are *hookline.Error values with the codes
// audio_unreachable, audio_blocked_address, audio_too_large,
// audio_invalid and audio_too_long. The returned data must not be
// modified. When ctx ends first Fetch returns ctx.Err(), while the
// download goes on for the other callers and the cache.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Fetched, error) {
	rawURL = strings.TrimSpace(rawURL)
	f.mu.Lock()
	if res, err, ok := f.lookup(rawURL); ok {
		f.mu.Unlock()
		return res, err
	}
	c, ok := f.calls[rawURL]
	if !ok {
		c = &call{done: make(chan struct{})}
		f.calls[rawURL] = c
		go f.run(context.WithoutCancel(ctx), rawURL, c)
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f *Fetcher) run(ctx context.Context, rawURL string, c *call) {
	c.res, c.err = f.get(ctx, rawURL)
	f.mu.Lock()
	delete(f.calls, rawURL)
	f.store(rawURL, c.res, c.err)
	f.mu.Unlock()
	close(c.done)
}

// lookup returns a live cache entry; f.mu must be held.
func (f *Fetcher) lookup(rawURL string) (*Fetched, error, bool) {
	el, ok := f.items[rawURL]
	if !ok {
		return nil, nil, false
	}
	e := el.Value.(*entry)
	if !f.cfg.Now().Before(e.expires) {
		f.remove(el)
		return nil, nil, false
	}
	f.lru.MoveToFront(el)
	return e.res, e.err, true
}

// store caches a result and evicts the least recently used entries over
// the limits; f.mu must be held.
func (f *Fetcher) store(rawURL string, res *Fetched, err error) {
	ttl := f.cfg.CacheTTL
	if err != nil {
		ttl = f.cfg.FailureTTL
	}
	if ttl <= 0 || (res != nil && int64(len(res.Data)) > f.cfg.MaxCacheBytes) {
		return
	}
	if el, ok := f.items[rawURL]; ok {
		f.remove(el)
	}
	e := &entry{url: rawURL, res: res, err: err, expires: f.cfg.Now().Add(ttl)}
	f.items[rawURL] = f.lru.PushFront(e)
	f.bytes += e.size()
	for f.lru.Len() > f.cfg.MaxCacheEntries || f.bytes > f.cfg.MaxCacheBytes {
		f.remove(f.lru.Back())
	}
}

func (f *Fetcher) remove(el *list.Element) {
	e := el.Value.(*entry)
	f.lru.Remove(el)
	delete(f.items, e.url)
	f.bytes -= e.size()
}

func (e *entry) size() int64 {
	if e.res == nil {
		return 0
	}
	return int64(len(e.res.Data))
}
