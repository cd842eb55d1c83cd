package main

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hookline/carrier/twilio"
	"hookline/carrier/twilio/twiliotest"
)

// TestTwilioEndToEnd drives Hookline with --sms-carrier twilio against
// Prism serving Twilio's OpenAPI document: the webhook's text is posted to
// Messages.json (Prism refuses a request that breaks Twilio's contract, and
// the message would fail), a signed status callback to
// /carrier/twilio/status marks it delivered, an unsigned one is refused with
// 403, and a signed inbound STOP opts the phone out.
func TestTwilioEndToEnd(t *testing.T) {
	t.Parallel()
	api := twiliotest.StartPrism(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	m := MustRunMain(t, func(c *Config) {
		c.Addr, c.BaseURL = addr, base
		c.SMSCarrier = "twilio"
		c.Carriers.Twilio = TwilioConfig{AccountSID: twiliotest.AccountSID, AuthToken: twiliotest.AuthToken, From: twiliotest.From, APIURL: api}
	})
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hi {first}, thanks!")
	const phone = "+17755382277"
	id := fireHook(t, hook, phone)
	WaitStatus(t, m, key, id, "sent")

	status := base + "/carrier/twilio/status?message_id=" + url.QueryEscape(id)
	form := url.Values{"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "MessageStatus": {"delivered"}, "AccountSid": {twiliotest.AccountSID}}
	if code := postTwilio(t, status, form, ""); code != http.StatusForbidden {
		t.Fatalf("unsigned callback: %d, want 403", code)
	}
	if code := postTwilio(t, status, form, twilio.Signature(twiliotest.AuthToken, status, form)); code != http.StatusNoContent {
		t.Fatalf("signed callback: %d, want 204", code)
	}
	msg := WaitStatus(t, m, key, id, "delivered")
	if got, want := eventStatuses(msg), "queued,sending,sent,delivered"; got != want {
		t.Errorf("events = %s, want %s", got, want)
	}

	inbound := base + "/carrier/twilio/sms"
	stop := url.Values{"MessageSid": {"SM1123456789abcdef0123456789abcdef"}, "From": {phone}, "To": {twiliotest.From}, "Body": {"STOP"}}
	if code := postTwilio(t, inbound, stop, twilio.Signature(twiliotest.AuthToken, inbound, stop)); code != http.StatusOK {
		t.Fatalf("inbound STOP: %d, want 200", code)
	}
	waitOptedOut(t, m, key, phone)
	if r := Do(t, "GET", hook+"?phone="+url.QueryEscape(phone), "", nil); r.Status != 422 || r.Body["error"] != "recipient_opted_out" {
		t.Fatalf("webhook after STOP: %d %s, want 422 recipient_opted_out", r.Status, r.Raw)
	}
}

// postTwilio posts form to u as Twilio would, with signature sig when set.
func postTwilio(t *testing.T, u string, form url.Values, sig string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set(twilio.SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
