// Package twilio is Hookline's carrier adapter for Twilio's REST API: texts
// through the Messages resource and ringless-style voicemail drops through
// the Calls resource with asynchronous answering machine detection. It
// speaks plain net/http form posts so that tests can point it at any host.
package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hookline"
)

// DefaultAPIURL is Twilio's REST API host.
const DefaultAPIURL = "https://api.twilio.com"

// DefaultCallbackPath is where Hookline serves Handler, below PublicURL.
const DefaultCallbackPath = "/carrier/twilio"

// apiVersion prefixes every path of Twilio's 2010-04-01 REST API.
const apiVersion = "/2010-04-01"

// Config configures a Client. AccountSID, AuthToken and PublicURL are
// required, and so is one of From and MessagingServiceSID.
type Config struct {
	AccountSID string
	AuthToken  string
	// From is the default sender (E.164) of texts and the caller id of
	// voicemail calls, used when a message names no sender.
	From string
	// MessagingServiceSID, when set, sends texts through that Messaging
	// Service instead of from a number; it takes precedence over From.
	MessagingServiceSID string
	// APIURL is Twilio's REST host, DefaultAPIURL when empty. A trailing
	// "/2010-04-01" is tolerated.
	APIURL string
	// PublicURL is Hookline's public base URL as Twilio reaches it, e.g.
	// "https://hooks.example.com". Callback URLs are built from it and
	// signatures are checked against it (PublicURL + the request-target as
	// received), so TLS-terminating proxies do not matter. A path in
	// PublicURL is a prefix that a proxy strips before Hookline sees it.
	PublicURL string
	// CallbackPath is where Handler is mounted below PublicURL,
	// DefaultCallbackPath when empty.
	CallbackPath string
	HTTPClient   *http.Client
	// Reporter receives delivery statuses from Twilio's callbacks.
	Reporter hookline.StatusReporter
	// Inbound receives texts that phones send to our numbers.
	Inbound hookline.InboundHandler
	// Logger logs refused callbacks and failed reports; slog.Default()
	// when nil.
	Logger *slog.Logger
	Now    func() time.Time
}

// Client sends texts and voicemails through Twilio. It is safe for
// concurrent use.
type Client struct {
	cfg      Config
	apiURL   string
	callback string // PublicURL + CallbackPath, without a trailing slash
}

var (
	_ hookline.SMSSender       = (*Client)(nil)
	_ hookline.VoicemailSender = (*Client)(nil)
)

// New returns a Client for cfg, filling in defaults.
func New(cfg Config) (*Client, error) {
	switch {
	case cfg.AccountSID == "":
		return nil, errors.New("twilio: AccountSID is required")
	case cfg.AuthToken == "":
		return nil, errors.New("twilio: AuthToken is required")
	case cfg.From == "" && cfg.MessagingServiceSID == "":
		return nil, errors.New("twilio: From or MessagingServiceSID is required")
	}
	pub, err := url.Parse(cfg.PublicURL)
	if err != nil || (pub.Scheme != "https" && pub.Scheme != "http") || pub.Host == "" {
		return nil, fmt.Errorf("twilio: PublicURL %q must be an absolute http(s) URL", cfg.PublicURL)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.CallbackPath == "" {
		cfg.CallbackPath = DefaultCallbackPath
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg}
	c.apiURL = strings.TrimSuffix(strings.TrimRight(cfg.APIURL, "/"), apiVersion)
	c.callback = strings.TrimRight(cfg.PublicURL, "/") + "/" + strings.Trim(cfg.CallbackPath, "/")
	return c, nil
}

// Name returns the carrier's name, "twilio".
func (c *Client) Name() string { return "twilio" }

// callbackURL returns the public URL of one of Handler's routes with query q.
func (c *Client) callbackURL(route string, q url.Values) string {
	u := c.callback + "/" + route
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// resource is the subset of Twilio's Message and Call JSON we read.
type resource struct {
	SID    string `json:"sid"`
	Status string `json:"status"`
}

// post sends form to an account-scoped API path (such as "/Messages.json")
// and decodes the resource Twilio answers with. Failures are
// *hookline.CarrierError.
func (c *Client) post(ctx context.Context, path string, form url.Values) (*resource, error) {
	endpoint := c.apiURL + apiVersion + "/Accounts/" + url.PathEscape(c.cfg.AccountSID) + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &hookline.CarrierError{Code: "twilio_request", Permanent: true, Err: err}
	}
	req.SetBasicAuth(c.cfg.AccountSID, c.cfg.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, &hookline.CarrierError{Code: "twilio_network", Err: fmt.Errorf("post %s: %w", path, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &hookline.CarrierError{Code: "twilio_network", Err: fmt.Errorf("read %s: %w", path, err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, apiError(resp.StatusCode, body)
	}
	var r resource
	if err := json.Unmarshal(body, &r); err != nil || r.SID == "" {
		// Twilio accepted the request, so retrying could send twice; but
		// without a sid no receipt can be matched. Fail loudly.
		return nil, &hookline.CarrierError{Code: "twilio_bad_response", Permanent: true,
			Err: fmt.Errorf("post %s: unreadable %d answer: %.200q", path, resp.StatusCode, body)}
	}
	return &r, nil
}
