package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"hookline/carrier/smpp/smpptest"
)

// mustRunSMPP boots a node that sends texts through the test SMSC.
func mustRunSMPP(t *testing.T, smsc *smpptest.SMSC, mutate ...func(*Config)) *Main {
	t.Helper()
	return MustRunMain(t, append([]func(*Config){func(c *Config) {
		c.SMSCarrier = "smpp"
		c.DeliverWorkers = 8
		c.Carriers.SMPP = SMPPConfig{
			Addr: smsc.Addr(), SystemID: smpptest.SystemID, Password: smpptest.Password,
			SourceAddr: "12345", BindMode: "transceiver", Window: 10,
		}
	}}, mutate...)...)
}

// fireHook calls a webhook for phone and returns the message id.
func fireHook(t *testing.T, hook, phone string) string {
	t.Helper()
	r := Do(t, "GET", hook+"?phone="+url.QueryEscape(phone)+"&first=Ann", "", nil)
	if r.Status != 200 || r.Body["status"] != "queued" {
		t.Fatalf("webhook %s: %d %s", phone, r.Status, r.Raw)
	}
	return r.Body["id"].(string)
}

// eventStatuses lists the statuses of a message's events, in order.
func eventStatuses(r *apiResponse) string {
	var out []string
	events, _ := r.Body["events"].([]any)
	for _, e := range events {
		out = append(out, e.(map[string]any)["status"].(string))
	}
	return strings.Join(out, ",")
}

// TestSMPPEndToEnd drives Hookline with --sms-carrier smpp against the
// node-smpp SMSC: webhook → submit_sm → receipt → delivered; a UCS-2 text
// split in parts; a number the SMSC refuses and one it cannot deliver to;
// and an inbound STOP that opts the phone out, so its next webhook is
// refused.
func TestSMPPEndToEnd(t *testing.T) {
	t.Parallel()
	smsc := smpptest.Start(t)
	m := mustRunSMPP(t, smsc)
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hi {first}, thanks!")

	const phone = "+17755382277"
	id := fireHook(t, hook, phone)
	msg := WaitStatus(t, m, key, id, "delivered")
	if got, want := eventStatuses(msg), "queued,sending,sent,delivered"; got != want {
		t.Fatalf("events = %s, want %s", got, want)
	}
	subs := smsc.SubmitsTo(phone)
	if len(subs) != 1 || subs[0].Text != "Hi Ann, thanks!" || subs[0].Src != "12345" || subs[0].DC != 0 {
		t.Fatalf("submits to %s = %+v", phone, subs)
	}
	if msg.Body["carrier_id"] != nil && msg.Body["carrier_id"] != subs[0].ID {
		t.Errorf("carrier_id = %v, want the SMSC's id %s", msg.Body["carrier_id"], subs[0].ID)
	}

	t.Run("ucs2 long", func(t *testing.T) {
		text := strings.Repeat("Привет, мир! ", 8) // 104 UCS-2 characters: two parts
		_, longHook := MustCreateTrigger(t, m, key, text)
		const phone = "+17755382278"
		msg := WaitStatus(t, m, key, fireHook(t, longHook, phone), "delivered")
		if msg.Body["encoding"] != "UCS-2" || msg.Body["segments"] != 2.0 {
			t.Errorf("message = %s, want UCS-2 in 2 segments", msg.Raw)
		}
		subs := smsc.SubmitsTo(phone)
		var joined string
		for _, s := range subs {
			if s.DC != 8 || !strings.HasPrefix(s.UDH, "050003") {
				t.Errorf("submit %+v: want data_coding 8 with a concatenation UDH", s)
			}
			joined += s.Text
		}
		if len(subs) != 2 || joined != text {
			t.Errorf("SMSC got %d parts %q, want 2 parts of %q", len(subs), joined, text)
		}
	})

	t.Run("refused and undeliverable", func(t *testing.T) {
		for _, tc := range []struct{ phone, status, code string }{
			{smpptest.RefusedPhone, "failed", "ESME_RINVDSTADR"},
			{smpptest.UndeliverablePhone, "undelivered", "smpp_err:001"},
		} {
			msg := WaitStatus(t, m, key, fireHook(t, hook, tc.phone), tc.status)
			if msg.Body["error_code"] != tc.code {
				t.Errorf("%s: error_code = %v, want %s (%s)", tc.phone, msg.Body["error_code"], tc.code, msg.Raw)
			}
		}
	})

	t.Run("inbound STOP", func(t *testing.T) {
		smsc.MO(phone, "12345", "STOP")
		waitOptedOut(t, m, key, phone)
		r := Do(t, "GET", hook+"?phone="+url.QueryEscape(phone), "", nil)
		if r.Status != 422 || r.Body["error"] != "recipient_opted_out" {
			t.Fatalf("webhook after STOP: %d %s, want 422 recipient_opted_out", r.Status, r.Raw)
		}
	})
}

// waitOptedOut polls the opt-out list until it holds phone.
func waitOptedOut(t *testing.T, m *Main, key, phone string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := Do(t, "GET", m.URL+"/api/v1/opt-outs", key, nil)
		if strings.Contains(string(r.Raw), `"`+phone+`"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("opt-outs do not hold %s: %s", phone, r.Raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSMPPSMSCRestart kills the SMSC (SIGKILL) while texts are being
// submitted and starts it again on the same port. No message is lost: each
// reaches the SMSC and ends delivered, except that a receipt the SMSC had
// not sent yet dies with it (the message then stays sent, as with a real
// SMSC that loses its store). A submit whose response died with the link is
// sent again (SMPP has no idempotency key), so duplicates are bounded by the
// window, not zero.
func TestSMPPSMSCRestart(t *testing.T) {
	t.Parallel()
	smsc := smpptest.Start(t)
	// 150 submits/s keeps texts in flight long enough to kill mid-run.
	m := mustRunSMPP(t, smsc, func(c *Config) { c.Carriers.SMPP.Throughput = 150 })
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hello {first}")

	const n = 60
	ids := make([]string, n)
	phone := func(i int) string { return fmt.Sprintf("+1775538%04d", 3000+i) }
	for i := range n {
		ids[i] = fireHook(t, hook, phone(i))
	}
	for len(smsc.Submits()) < n/3 {
		time.Sleep(2 * time.Millisecond)
	}
	smsc.Kill()
	beforeKill := len(smsc.Submits())
	time.Sleep(300 * time.Millisecond)
	smsc.Restart()

	index := map[string][]int{} // phone digits → positions in the record
	waitAll(t, m, key, ids, "sent", "delivered")
	for i, s := range smsc.Submits() {
		index[s.Dst] = append(index[s.Dst], i)
	}
	dups, receiptsLost := 0, 0
	for i, id := range ids {
		pos := index[strings.TrimPrefix(phone(i), "+")]
		if len(pos) == 0 {
			t.Errorf("%s: the SMSC never got its text", phone(i))
			continue
		}
		dups += len(pos) - 1
		if pos[len(pos)-1] >= beforeKill {
			WaitStatus(t, m, key, id, "delivered")
		} else if r := Do(t, "GET", m.URL+"/api/v1/messages/"+id, key, nil); r.Body["status"] != "delivered" {
			receiptsLost++
		}
	}
	if dups > 10 {
		t.Errorf("%d texts submitted twice, more than the window of 10 in flight at the kill", dups)
	}
	t.Logf("%d messages, %d submitted before the kill, %d resubmitted, %d receipts lost with the SMSC", n, beforeKill, dups, receiptsLost)
}

// waitAll polls messages until each has one of the statuses.
func waitAll(t *testing.T, m *Main, key string, ids []string, statuses ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range ids {
		for {
			r := Do(t, "GET", m.URL+"/api/v1/messages/"+id, key, nil)
			st, _ := r.Body["status"].(string)
			if slices.Contains(statuses, st) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("message %s: status %q, want one of %v (%s)", id, st, statuses, r.Raw)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestCarrierConfigErrors: a node with a carrier it cannot build refuses
// to start, naming the flag to fix.
func TestCarrierConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"unknown sms", func(c *Config) { c.SMSCarrier = "pigeon" }, "--sms-carrier"},
		{"unknown rvm", func(c *Config) { c.RVMCarrier = "pigeon" }, "--rvm-carrier"},
		{"smpp without addr", func(c *Config) { c.SMSCarrier = "smpp" }, "--smpp-addr"},
		{"smpp bad ton", func(c *Config) { c.SMSCarrier, c.Carriers.SMPP.SourceTON = "smpp", "300" }, "--smpp-source-ton"},
		{"twilio without base url", func(c *Config) { c.SMSCarrier = "twilio" }, "--base-url"},
		{"sip without uri", func(c *Config) { c.RVMCarrier = "sip" }, "--sip-uri"},
		{"sip bad ports", func(c *Config) { c.RVMCarrier, c.Carriers.SIP.RTPPorts = "sip", "20-10" }, "--sip-rtp-ports"},
		{"sip bad header", func(c *Config) { c.RVMCarrier, c.Carriers.SIP.Headers = "sip", []string{"nocolon"} }, "--sip-headers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
			tc.edit(&cfg)
			m := NewMain(cfg)
			m.Logger = testLogger()
			err := m.Run(t.Context())
			m.Close()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run: %v, want an error naming %s", err, tc.want)
			}
		})
	}
}
