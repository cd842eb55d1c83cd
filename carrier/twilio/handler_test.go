package twilio

import (
	"net/url"
	"strings"
	"testing"

	"hookline"
)

func TestInboundSMS(t *testing.T) {
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	params := url.Values{
		"AccountSid": {testAccountSID}, "MessageSid": {"SM0123456789abcdef0123456789abcdef"},
		"From": {"+15005550101"}, "To": {testFrom}, "Body": {"STOP please 👋"}, "NumMedia": {"0"},
	}
	body := rig.mustPost(t, rig.Client.callbackURL(routeSMS, nil), params)
	if !strings.HasSuffix(body, "<Response/>") {
		t.Errorf("answer = %q, want empty TwiML", body)
	}
	msgs := rig.Inbound.all()
	if len(msgs) != 1 {
		t.Fatalf("got %d inbound texts, want 1", len(msgs))
	}
	got, want := *msgs[0], hookline.InboundMessage{
		From: "+15005550101", To: testFrom, Text: "STOP please 👋", Carrier: "twilio",
		CarrierID: "SM0123456789abcdef0123456789abcdef", ReceivedAt: testNow,
	}
	if got != want {
		t.Errorf("inbound = %+v, want %+v", got, want)
	}
}

func TestMessageStatusCallbacks(t *testing.T) {
	tests := []struct {
		status, errorCode string
		want              hookline.MessageStatus
		wantCode          string
	}{
		{"queued", "", "", ""},
		{"sent", "", "", ""},
		{"delivered", "", hookline.StatusDelivered, ""},
		{"read", "", hookline.StatusDelivered, ""},
		{"undelivered", "30003", hookline.StatusUndelivered, "twilio_30003"},
		{"undelivered", "", hookline.StatusUndelivered, "twilio_undelivered"},
		{"failed", "30008", hookline.StatusFailed, "twilio_30008"},
	}
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	u := rig.Client.callbackURL(routeStatus, url.Values{paramMessageID: {"msg-7"}})
	for _, tt := range tests {
		params := url.Values{"MessageSid": {"SM7"}, "MessageStatus": {tt.status}}
		if tt.errorCode != "" {
			params.Set("ErrorCode", tt.errorCode)
		}
		rig.mustPost(t, u, params)
		if tt.want == "" {
			rig.noReport(t)
			continue
		}
		r := rig.nextReport(t)
		if r.MessageID != "msg-7" || r.CarrierID != "SM7" || r.Status != tt.want || r.ErrorCode != tt.wantCode || !r.At.Equal(testNow) {
			t.Errorf("%s/%s: report = %+v, want %s %q", tt.status, tt.errorCode, r, tt.want, tt.wantCode)
		}
	}
}

func TestNewValidates(t *testing.T) {
	ok := Config{AccountSID: testAccountSID, AuthToken: testToken, From: testFrom, PublicURL: testPublicURL}
	for name, edit := range map[string]func(*Config){
		"no sid":        func(c *Config) { c.AccountSID = "" },
		"no token":      func(c *Config) { c.AuthToken = "" },
		"no sender":     func(c *Config) { c.From = "" },
		"no public URL": func(c *Config) { c.PublicURL = "" },
		"relative URL":  func(c *Config) { c.PublicURL = "/hooks" },
	} {
		cfg := ok
		edit(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	if _, err := New(ok); err != nil {
		t.Errorf("New(%+v): %v", ok, err)
	}
}
