package audio

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// Defaults of ClientOptions.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultTimeout        = 20 * time.Second
	DefaultMaxRedirects   = 3
)

// ErrBlockedAddress is the cause of every refusal to connect to an
// address that is not public or not allowed.
var ErrBlockedAddress = errors.New("blocked address")

// ClientOptions configure NewSafeClient. Zero fields take the defaults.
type ClientOptions struct {
	// AllowCIDRs are networks the operator allows even though they are
	// private or special-purpose (config --fetch-allow). Any port is
	// allowed in them. Nothing is allowed by default.
	AllowCIDRs []netip.Prefix
	// Ports are the ports allowed outside AllowCIDRs; default 80 and 443.
	Ports []uint16
	// ConnectTimeout bounds each TCP connect; Timeout bounds the whole
	// exchange, redirects and body included.
	ConnectTimeout time.Duration
	Timeout        time.Duration
	// MaxRedirects is the number of redirects followed; default 3.
	// Negative follows none.
	MaxRedirects int
}

func (o ClientOptions) withDefaults() ClientOptions {
	if len(o.Ports) == 0 {
		o.Ports = []uint16{80, 443}
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	return o
}

// guard decides which addresses may be dialled.
type guard struct {
	allow    []netip.Prefix
	ports    []uint16
	guardian *ssrf.Guardian
}

func newGuard(o ClientOptions) *guard {
	return &guard{allow: o.AllowCIDRs, ports: o.Ports, guardian: ssrf.New(ssrf.WithAnyPort())}
}

// check refuses ap unless it is public or in the allow list, and its port
// is allowed. IPv4-mapped IPv6 addresses are judged as IPv4.
func (g *guard) check(ap netip.AddrPort) error {
	ip := ap.Addr().Unmap()
	if ip.Zone() != "" {
		return fmt.Errorf("%w: %s has a zone", ErrBlockedAddress, ip)
	}
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if !slices.Contains(g.ports, ap.Port()) {
		return fmt.Errorf("%w: port %d is not allowed", ErrBlockedAddress, ap.Port())
	}
	if err := g.guardian.SafeAddr(ip); err != nil {
		return fmt.Errorf("%w: %w", ErrBlockedAddress, err)
	}
	return nil
}

// control is the net.Dialer Control hook: it runs after DNS resolution,
// for every address actually dialled.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("%w: network %s", ErrBlockedAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBlockedAddress, err)
	}
	return g.check(ap)
}

// checkURL checks the scheme and, for hosts written as IP addresses in
// any notation, the address; it rewrites such hosts to canonical form so
// that the resolver cannot read them differently.
func (g *guard) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("URL has user information")
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("URL has no host")
	}
	ip, numeric, err := parseNumericHost(host)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBlockedAddress, err)
	}
	if !numeric {
		return nil
	}
	port := uint16(80)
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscan(p, &n); err != nil || n <= 0 || n > 65535 {
			return fmt.Errorf("bad port %q", p)
		}
		port = uint16(n)
	}
	if err := g.check(netip.AddrPortFrom(ip, port)); err != nil {
		return err
	}
	u.Host = netip.AddrPortFrom(ip.Unmap(), port).String()
	return nil
}

// NewSafeClient returns an HTTP client for user-supplied URLs. It only
// speaks http and https, ignores proxy settings, checks every dialled
// address (after DNS resolution, for the first request and each redirect)
// against the guard, follows at most MaxRedirects redirects and bounds
// connect and total time. Errors caused by the guard wrap
// ErrBlockedAddress. It is meant for audio fetches and status callbacks.
func NewSafeClient(opts ClientOptions) *http.Client {
	o := opts.withDefaults()
	g := newGuard(o)
	dialer := &net.Dialer{Timeout: o.ConnectTimeout, Control: g.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   o.ConnectTimeout,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConns:          16,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: &checkingTransport{guard: g, next: tr},
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects || o.MaxRedirects < 0 {
				return fmt.Errorf("stopped after %d redirects", len(via)-1)
			}
			return nil
		},
	}
}

// checkingTransport applies checkURL to every request, redirects included.
type checkingTransport struct {
	guard *guard
	next  http.RoundTripper
}

func (t *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	if err := t.guard.checkURL(&u); err != nil {
		return nil, err
	}
	if u.Host != req.URL.Host {
		r := req.Clone(req.Context())
		r.URL = &u
		r.Host = req.Host
		req = r
	}
	return t.next.RoundTrip(req)
}
