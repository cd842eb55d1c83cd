package sip

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Defaults of Config.
const (
	DefaultMaxConcurrentCalls = 10
	DefaultSetupTimeout       = 30 * time.Second
	DefaultListenAddr         = "0.0.0.0:5060"
	DefaultTransport          = "udp"
)

// Config configures a Client. The zero values of optional fields take the
// defaults above.
type Config struct {
	// URI is the request-URI template of the voicemail platform, for
	// example "sip:{phone}@vm.example.net:5060". {phone} expands to the
	// recipient's E.164 number without the leading "+" (15005550201) and
	// {e164} to the number with it (+15005550201). A template without
	// either sends every call to the same URI with the number in the To
	// header only.
	URI string
	// Transport is "udp" (default) or "tcp".
	Transport string
	// From is the default caller ID (E.164 or any SIP user part);
	// OutboundVoicemail.From overrides it.
	From string
	// FromDomain is the host part of the From URI; the URI's host when empty.
	FromDomain string
	// Headers are extra headers added to every INVITE, for trunks that
	// want them (for example "X-Voicemail-Deposit": "1").
	Headers map[string]string
	// Username and Password answer 401 and 407 digest challenges.
	Username string
	Password string
	// MaxConcurrentCalls bounds the calls in progress; callers beyond it
	// wait (respecting their context). Default 10.
	MaxConcurrentCalls int
	// SetupTimeout bounds the time from INVITE to 200 OK. Default 30 s.
	SetupTimeout time.Duration
	// ListenAddr is the local host:port of SIP (default 0.0.0.0:5060; port
	// 0 picks a free one). RTP sockets bind to the same IP.
	ListenAddr string
	// ExternalHost is the address put in Contact, Via and SDP. When empty
	// it is ListenAddr's IP, or, when that is unspecified, the local IP the
	// system routes the URI's host through.
	ExternalHost string
	// RTPPortMin and RTPPortMax bound the local RTP ports (both
	// inclusive). Zero means any free port.
	RTPPortMin, RTPPortMax int
	// Logger receives call-level logs; slog.Default() when nil.
	Logger *slog.Logger
}

// withDefaults returns c with its defaults filled in, or an error naming the
// first invalid setting.
func (c Config) withDefaults() (Config, error) {
	if c.URI == "" {
		return c, errors.New("sip: URI is required")
	}
	if _, err := c.requestURI("+15005550000"); err != nil {
		return c, err
	}
	if c.Transport == "" {
		c.Transport = DefaultTransport
	}
	c.Transport = strings.ToLower(c.Transport)
	if c.Transport != "udp" && c.Transport != "tcp" {
		return c, fmt.Errorf("sip: transport %q: want udp or tcp", c.Transport)
	}
	if c.MaxConcurrentCalls <= 0 {
		c.MaxConcurrentCalls = DefaultMaxConcurrentCalls
	}
	if c.SetupTimeout <= 0 {
		c.SetupTimeout = DefaultSetupTimeout
	}
	if c.ListenAddr == "" {
		c.ListenAddr = DefaultListenAddr
	}
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		return c, fmt.Errorf("sip: listen address: %w", err)
	}
	if c.RTPPortMin < 0 || c.RTPPortMax > 65535 || c.RTPPortMin > c.RTPPortMax {
		return c, fmt.Errorf("sip: RTP port range %d-%d is invalid", c.RTPPortMin, c.RTPPortMax)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

// requestURI expands the URI template for phone, an E.164 number.
func (c Config) requestURI(phone string) (sip.Uri, error) {
	digits := strings.TrimPrefix(phone, "+")
	s := strings.NewReplacer("{phone}", digits, "{e164}", "+"+digits).Replace(c.URI)
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return u, fmt.Errorf("sip: request-URI %q: %w", s, err)
	}
	if u.Host == "" {
		return u, fmt.Errorf("sip: request-URI %q has no host", s)
	}
	return u, nil
}

// toUser is the user part of the To header: the request-URI's user when the
// template names the number, else the number without "+".
func (c Config) toUser(uri sip.Uri, phone string) string {
	if strings.Contains(c.URI, "{phone}") || strings.Contains(c.URI, "{e164}") {
		return uri.User
	}
	return strings.TrimPrefix(phone, "+")
}
