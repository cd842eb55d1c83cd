package main

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"hookline/audio"
)

// AudioConfig is the settings of voicemail audio: how audio= URLs are
// fetched and which files are accepted.
type AudioConfig struct {
	// FetchAllow lists networks (CIDR) that audio= URLs may reach although
	// they are private or special-purpose, e.g. 10.0.0.0/8 for an internal
	// media server. Nothing is allowed by default.
	FetchAllow    []string
	FetchTimeout  time.Duration
	FetchMaxBytes int64
	MinDuration   time.Duration
	MaxDuration   time.Duration
	// CacheTTL keeps fetched audio= URLs, so a burst of webhooks naming one
	// URL fetches it once.
	CacheTTL time.Duration
}

func defaultAudioConfig() AudioConfig {
	return AudioConfig{
		FetchTimeout:  audio.DefaultTimeout,
		FetchMaxBytes: audio.DefaultMaxBytes,
		MinDuration:   audio.DefaultMinDuration,
		MaxDuration:   audio.DefaultMaxDuration,
		CacheTTL:      audio.DefaultCacheTTL,
	}
}

// addAudioFlags adds the audio flags of hookline serve.
func addAudioFlags(fs *pflag.FlagSet, c *AudioConfig) {
	fs.StringSliceVar(&c.FetchAllow, "fetch-allow", c.FetchAllow, "CIDR networks audio= URLs may reach although private (comma-separated)")
	fs.DurationVar(&c.FetchTimeout, "fetch-timeout", c.FetchTimeout, "how long fetching an audio= URL may take")
	fs.Int64Var(&c.FetchMaxBytes, "fetch-max-bytes", c.FetchMaxBytes, "largest MP3 fetched or uploaded")
	fs.DurationVar(&c.MinDuration, "audio-min-duration", c.MinDuration, "shortest voicemail audio accepted")
	fs.DurationVar(&c.MaxDuration, "audio-max-duration", c.MaxDuration, "longest voicemail audio accepted")
	fs.DurationVar(&c.CacheTTL, "audio-cache-ttl", c.CacheTTL, "how long a fetched audio= URL is reused")
}

// allowCIDRs parses FetchAllow; a bare address is a single-host network.
func (c AudioConfig) allowCIDRs() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range c.FetchAllow {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("--fetch-allow %q: not a CIDR like 10.0.0.0/8", s)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// limits are the audio limits of uploads and fetches.
func (c AudioConfig) limits() audio.Limits {
	return audio.Limits{MinDuration: c.MinDuration, MaxDuration: c.MaxDuration}
}
