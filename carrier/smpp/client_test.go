package smpp

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/carriertest"
	"hookline/carrier/smpp/smpptest"
)

// inboundChan is a hookline.InboundHandler feeding a channel.
type inboundChan chan *hookline.InboundMessage

func (c inboundChan) HandleInbound(ctx context.Context, m *hookline.InboundMessage) error {
	select {
	case c <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// testClient is a started Client wired to channels.
type testClient struct {
	*Client
	reports carriertest.ChanReporter
	inbound inboundChan
}

// MustStartClient starts a Client against peer with test-friendly timings;
// edit adjusts the Config.
func MustStartClient(t testing.TB, peer *smpptest.SMSC, edit func(*Config)) *testClient {
	t.Helper()
	tc := &testClient{reports: make(carriertest.ChanReporter, 10000), inbound: make(inboundChan, 100)}
	cfg := Config{
		Addr: peer.Addr(), SystemID: "hook", Password: "secret", SourceAddr: "+15550001111",
		Reporter: tc.reports, Inbound: tc.inbound,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		ThrottleBackoff: 20 * time.Millisecond, ReceiptHold: 2 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Start(context.Background())
	t.Cleanup(func() { c.Close() })
	tc.Client = c
	return tc
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitReport returns the next report that names messageID or carrierID.
func (tc *testClient) waitReport(t testing.TB, messageID, carrierID string) hookline.StatusReport {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case r := <-tc.reports:
			if (messageID != "" && r.MessageID == messageID) || (carrierID != "" && r.CarrierID == carrierID) {
				return r
			}
		case <-timeout:
			t.Fatalf("no report for message %q / carrier id %q", messageID, carrierID)
		}
	}
}

func TestConformance(t *testing.T) {
	peer := smpptest.Start(t)
	for _, mode := range []string{BindTransceiver, BindTransmitterReceiver} {
		t.Run(mode, func(t *testing.T) {
			carriertest.RunSMS(t, func(t *testing.T) *carriertest.SMSHarness {
				tc := MustStartClient(t, peer, func(c *Config) { c.BindMode = mode })
				return &carriertest.SMSHarness{
					Sender: tc, Reports: tc.reports, Received: peer.Received,
					FailPhone: "+15005550999", From: "Hookline",
				}
			})
		})
	}
}

func TestReceipts(t *testing.T) {
	peer := smpptest.Start(t)
	tc := MustStartClient(t, peer, nil)
	tests := []struct {
		name, to, body string
		status         hookline.MessageStatus
		code           string
	}{
		{"Delivered", "+15005550201", "hello", hookline.StatusDelivered, ""},
		{"Undelivered", "+15005550998", "hello", hookline.StatusUndelivered, "smpp_err:001"},
		{"DecimalTextID", "+15005550444", "hello", hookline.StatusDelivered, ""},
		{"ReceiptBeforeResp", "+15005550777", "hello", hookline.StatusDelivered, ""},
		{"MultiPartOnce", "+15005550202", strings.Repeat("x", 400), hookline.StatusDelivered, ""},
		{"MultiPartBeforeResp", "+15005550777", strings.Repeat("y", 320), hookline.StatusDelivered, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "msg-" + tt.name
			res, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: id, To: tt.to, Body: tt.body})
			if err != nil {
				t.Fatal(err)
			}
			r := tc.waitReport(t, id, "")
			if r.Status != tt.status || r.ErrorCode != tt.code || r.CarrierID != res.CarrierID {
				t.Fatalf("report = %+v, want status %s code %q carrier id %s", r, tt.status, tt.code, res.CarrierID)
			}
			// Receipts of the other parts must not report the message again.
			select {
			case r := <-tc.reports:
				t.Fatalf("second report %+v", r)
			case <-time.After(150 * time.Millisecond):
			}
		})
	}
}

func TestPermanentError(t *testing.T) {
	peer := smpptest.Start(t)
	tc := MustStartClient(t, peer, nil)
	_, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "m1", To: "+15005550999", Body: "x"})
	var ce *hookline.CarrierError
	if !errors.As(err, &ce) || !ce.Permanent || ce.Code != "ESME_RINVDSTADR" {
		t.Fatalf("err = %v, want permanent ESME_RINVDSTADR", err)
	}
}

func TestThrottled(t *testing.T) {
	peer := smpptest.Start(t, "--throttle-n", "3")
	strict := MustStartClient(t, peer, func(c *Config) { c.ThrottleRetries = 1 })
	_, err := strict.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "t1", To: "+15005550888", Body: "x"})
	var ce *hookline.CarrierError
	if !errors.As(err, &ce) || ce.Permanent || ce.Code != CodeThrottled {
		t.Fatalf("err = %v, want transient %s after 1 retry", err, CodeThrottled)
	}
	// The SMSC throttled twice so far; the third refusal is retried.
	tc := MustStartClient(t, peer, nil)
	if _, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "t2", To: "+15005550888", Body: "x"}); err != nil {
		t.Fatalf("SendSMS after throttling: %v", err)
	}
	if got := len(peer.Received("+15005550888")); got != 1 {
		t.Fatalf("SMSC accepted %d messages, want 1", got)
	}
}

func TestInbound(t *testing.T) {
	peer := smpptest.Start(t)
	tc := MustStartClient(t, peer, nil)
	if _, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "i0", To: "+15005550301", Body: "bound?"}); err != nil {
		t.Fatal(err) // makes sure the bind is up before injecting
	}
	tests := []struct {
		text  string
		parts int
		ucs2  bool
	}{
		{"STOP", 1, false},
		{"Stop sending {please} €5 — merci 😀", 2, true},
		{strings.Repeat("concatenated GSM ", 12), 2, false},
	}
	for _, tt := range tests {
		peer.MOParts("+15551234567", "12345", tt.text, tt.parts, tt.ucs2)
		select {
		case m := <-tc.inbound:
			want := hookline.InboundMessage{From: "+15551234567", To: "12345", Text: tt.text, Carrier: "smpp"}
			if m.From != want.From || m.To != want.To || m.Text != want.Text || m.Carrier != want.Carrier {
				t.Fatalf("inbound = %+v, want %+v", m, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("inbound %q not handled", tt.text)
		}
	}
}

// TestReceiptAfterRestart sends a message whose receipt comes late, closes
// the client, and checks a new client (with no memory of it) reports the
// receipt by carrier id.
func TestReceiptAfterRestart(t *testing.T) {
	peer := smpptest.Start(t, "--late-ms", "500")
	first := MustStartClient(t, peer, nil)
	res, err := first.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "r1", To: "+15005550666", Body: "late"})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	second := MustStartClient(t, peer, nil)
	r := second.waitReport(t, "", res.CarrierID)
	if r.MessageID != "" || r.Status != hookline.StatusDelivered {
		t.Fatalf("report = %+v, want delivered by carrier id only", r)
	}
}

func TestLinkDown(t *testing.T) {
	c, err := New(Config{Addr: "127.0.0.1:1", MinBackoff: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	c.Start(context.Background())
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.SendSMS(ctx, &hookline.OutboundSMS{MessageID: "d1", To: "+15005550101", Body: "x"})
	var ce *hookline.CarrierError
	if !errors.As(err, &ce) || ce.Permanent || ce.Code != CodeLinkDown {
		t.Fatalf("err = %v, want transient %s", err, CodeLinkDown)
	}
}

// TestEnquireLink keeps an idle bind alive with enquire_link: the SMSC
// answers, so the session outlives several keep-alive periods.
func TestEnquireLink(t *testing.T) {
	peer := smpptest.Start(t)
	tc := MustStartClient(t, peer, func(c *Config) { c.EnquireLink = 50 * time.Millisecond; c.RespTimeout = 200 * time.Millisecond })
	if _, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "e1", To: "+15005550701", Body: "a"}); err != nil {
		t.Fatal(err)
	}
	s := tc.tx.Load()
	time.Sleep(600 * time.Millisecond)
	if _, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "e2", To: "+15005550701", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if tc.tx.Load() != s {
		t.Fatalf("idle bind was dropped: %v", s.err)
	}
}
