package twilio

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/carriertest"
)

// Test credentials. The SIDs match the patterns of Twilio's OpenAPI
// document, which Prism enforces.
const (
	testAccountSID = "AC0123456789abcdef0123456789abcdef"
	testToken      = "test-auth-token"
	testService    = "MG0123456789abcdef0123456789abcdef"
	testFrom       = "+15005550006"
	testPublicURL  = "https://hooks.example.test"
	testAudioURL   = "https://hooks.example.test/audio/9f2c1e?sig=a&x=1"
)

var testNow = time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)

// testRig is a Client whose Handler is served the way the lead mounts it.
type testRig struct {
	Client  *Client
	Server  *httptest.Server // serves Handler at /carrier/twilio/
	Reports carriertest.ChanReporter
	Inbound *inboundRecorder
}

// mustRig returns a Client talking to apiURL, its Handler served by an
// httptest server standing in for PublicURL.
func mustRig(t *testing.T, apiURL string, edit func(*Config)) *testRig {
	t.Helper()
	rig := &testRig{Reports: make(carriertest.ChanReporter, 16), Inbound: &inboundRecorder{}}
	cfg := Config{
		AccountSID: testAccountSID,
		AuthToken:  testToken,
		From:       testFrom,
		APIURL:     apiURL,
		PublicURL:  testPublicURL,
		Reporter:   rig.Reports,
		Inbound:    rig.Inbound,
		Now:        func() time.Time { return testNow },
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	rig.Client = c
	mux := http.NewServeMux()
	mux.Handle("/carrier/twilio/", c.Handler())
	rig.Server = httptest.NewServer(mux)
	t.Cleanup(rig.Server.Close)
	return rig
}

// post sends params to callbackURL (a public Hookline URL) as Twilio
// would, signed with token, and returns the status and body.
func (rig *testRig) post(t *testing.T, callbackURL string, params url.Values, token string) (int, string) {
	t.Helper()
	sig := ""
	if token != "" {
		sig = Signature(token, callbackURL, params)
	}
	return rig.postSigned(t, callbackURL, params, sig)
}

func (rig *testRig) postSigned(t *testing.T, callbackURL string, params url.Values, sig string) (int, string) {
	t.Helper()
	u, err := url.Parse(callbackURL)
	if err != nil || !strings.HasPrefix(callbackURL, testPublicURL) {
		t.Fatalf("callback URL %q is not below PublicURL", callbackURL)
	}
	req, _ := http.NewRequest(http.MethodPost, rig.Server.URL+u.RequestURI(), strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set(SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", callbackURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// mustPost is post with the right token, failing on a non-2xx answer.
func (rig *testRig) mustPost(t *testing.T, callbackURL string, params url.Values) string {
	t.Helper()
	code, body := rig.post(t, callbackURL, params, testToken)
	if code < 200 || code > 299 {
		t.Fatalf("post %s: %d %s", callbackURL, code, body)
	}
	return body
}

// nextReport waits for the next status report.
func (rig *testRig) nextReport(t *testing.T) hookline.StatusReport {
	t.Helper()
	select {
	case r := <-rig.Reports:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no status report")
	}
	return hookline.StatusReport{}
}

// noReport fails if a status report is waiting.
func (rig *testRig) noReport(t *testing.T) {
	t.Helper()
	select {
	case r := <-rig.Reports:
		t.Fatalf("unexpected report %+v", r)
	default:
	}
}

type inboundRecorder struct {
	mu   sync.Mutex
	msgs []*hookline.InboundMessage
}

func (r *inboundRecorder) HandleInbound(ctx context.Context, m *hookline.InboundMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *inboundRecorder) all() []*hookline.InboundMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*hookline.InboundMessage(nil), r.msgs...)
}
