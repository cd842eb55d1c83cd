// Package carriertest is the conformance suite that the simulator and every
// carrier adapter pass. An adapter's test builds a Harness around a real peer
// (or the vendor's published contract) and calls RunSMS or RunVoicemail.
package carriertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hookline"
)

// SMSHarness is an SMS adapter wired to a peer, as one test sees it.
type SMSHarness struct {
	Sender hookline.SMSSender
	// Reports receives the statuses the adapter reported asynchronously.
	Reports <-chan hookline.StatusReport
	// Received returns the texts the far end got for a phone, whole
	// (concatenated segments joined). Nil when the peer cannot show it.
	Received func(phone string) []string
	// FailPhone is a number the peer refuses permanently; empty when the
	// peer cannot be told to.
	FailPhone string
	// From is the sender to use.
	From string
}

// VoicemailHarness is a voicemail adapter wired to a peer.
type VoicemailHarness struct {
	Sender  hookline.VoicemailSender
	Reports <-chan hookline.StatusReport
	// Received returns how many voicemails the far end got for a phone.
	Received  func(phone string) int
	FailPhone string
	From      string
	// Audio is the 8 kHz G.711 audio to drop, per codec.
	Audio func(ctx context.Context, codec hookline.G711Codec) ([]byte, error)
}

// Timeout bounds each wait for a peer.
var Timeout = 15 * time.Second

// RunSMS runs the SMS conformance suite. newHarness is called once per
// subtest so subtests do not share state.
func RunSMS(t *testing.T, newHarness func(t *testing.T) *SMSHarness) {
	t.Run("GSM7", func(t *testing.T) {
		h := newHarness(t)
		sendAndExpect(t, h, "+15005550101", "Hi Ann, thanks for signing up!")
	})
	t.Run("UCS2", func(t *testing.T) {
		h := newHarness(t)
		sendAndExpect(t, h, "+15005550102", "Привет Ann 👋 — thanks!")
	})
	t.Run("Concatenated", func(t *testing.T) {
		h := newHarness(t)
		long := strings.Repeat("A long text {with} extension chars € and more. ", 8)
		sendAndExpect(t, h, "+15005550103", long)
	})
	t.Run("ConcatenatedUCS2", func(t *testing.T) {
		h := newHarness(t)
		long := strings.Repeat("Emoji 😀 between words, ", 9)
		sendAndExpect(t, h, "+15005550104", long)
	})
	t.Run("PermanentFailure", func(t *testing.T) {
		h := newHarness(t)
		if h.FailPhone == "" {
			t.Skip("peer cannot be told to fail a number")
		}
		id := newID()
		res, err := h.Sender.SendSMS(ctx(t), &hookline.OutboundSMS{MessageID: id, From: h.From, To: h.FailPhone, Body: "x"})
		if err != nil {
			if !hookline.IsPermanent(err) {
				t.Fatalf("SendSMS to failing phone: %v, want a permanent CarrierError", err)
			}
			return
		}
		r := waitReport(t, h.Reports, id, res.CarrierID)
		if r.Status != hookline.StatusUndelivered && r.Status != hookline.StatusFailed {
			t.Fatalf("report status = %s, want undelivered or failed", r.Status)
		}
		if r.ErrorCode == "" {
			t.Fatal("failed report has no error code")
		}
	})
	t.Run("Batch", func(t *testing.T) {
		h := newHarness(t)
		if _, ok := h.Sender.(hookline.BatchSMSSender); !ok {
			t.Skip("adapter takes texts one by one")
		}
		batch(t, h)
	})
	t.Run("Canceled", func(t *testing.T) {
		h := newHarness(t)
		c, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := h.Sender.SendSMS(c, &hookline.OutboundSMS{MessageID: newID(), From: h.From, To: "+15005550105", Body: "never"})
		if err == nil {
			t.Fatal("SendSMS with a canceled context succeeded")
		}
		if hookline.IsPermanent(err) {
			t.Fatalf("cancellation is not a permanent failure: %v", err)
		}
	})
}

func sendAndExpect(t *testing.T, h *SMSHarness, phone, body string) {
	t.Helper()
	id := newID()
	res, err := h.Sender.SendSMS(ctx(t), &hookline.OutboundSMS{MessageID: id, From: h.From, To: phone, Body: body})
	if err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if res.CarrierID == "" {
		t.Fatal("SendSMS returned no carrier id")
	}
	if res.Status != hookline.StatusSent && res.Status != hookline.StatusDelivered {
		t.Fatalf("SendSMS status = %q, want sent or delivered", res.Status)
	}
	if res.Status == hookline.StatusSent {
		if r := waitReport(t, h.Reports, id, res.CarrierID); r.Status != hookline.StatusDelivered {
			t.Fatalf("receipt status = %s (%s), want delivered", r.Status, r.ErrorCode)
		}
	}
	if h.Received == nil {
		return
	}
	deadline := time.Now().Add(Timeout)
	for {
		for _, got := range h.Received(phone) {
			if got == body {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("peer did not receive %q for %s; got %q", body, phone, h.Received(phone))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// batch sends texts in one SendSMSBatch call, a refused number among them
// when the peer can be told to refuse one: each answers as SendSMS would, in
// order, and the others are received and reported delivered.
func batch(t *testing.T, h *SMSHarness) {
	t.Helper()
	b := h.Sender.(hookline.BatchSMSSender)
	msgs := []*hookline.OutboundSMS{
		{MessageID: newID(), From: h.From, To: "+15005550111", Body: "First of a batch"},
		{MessageID: newID(), From: h.From, To: "+15005550112", Body: "Second of a batch 👋"},
	}
	fail := -1
	if h.FailPhone != "" {
		fail = 1
		msgs = slices.Insert(msgs, fail, &hookline.OutboundSMS{MessageID: newID(), From: h.From, To: h.FailPhone, Body: "refused"})
	}
	out := b.SendSMSBatch(ctx(t), msgs)
	if len(out) != len(msgs) {
		t.Fatalf("SendSMSBatch answered %d outcomes for %d texts", len(out), len(msgs))
	}
	sent := map[string]string{} // message id: carrier id, for those a receipt follows
	for i, m := range msgs {
		o := out[i]
		switch {
		case i == fail && o.Err != nil:
			if !hookline.IsPermanent(o.Err) {
				t.Fatalf("text to the refused number: %v, want a permanent CarrierError", o.Err)
			}
		case o.Err != nil || o.Result == nil || o.Result.CarrierID == "":
			t.Fatalf("text %d to %s: result %+v, error %v", i, m.To, o.Result, o.Err)
		case o.Result.Status == hookline.StatusSent:
			sent[m.MessageID] = o.Result.CarrierID
		}
	}
	for id, r := range waitReports(t, h.Reports, sent) {
		refused := fail >= 0 && id == msgs[fail].MessageID
		if refused == (r.Status == hookline.StatusDelivered) {
			t.Fatalf("message %s (refused %v): receipt status %s (%s)", id, refused, r.Status, r.ErrorCode)
		}
	}
	if h.Received == nil {
		return
	}
	deadline := time.Now().Add(Timeout)
	for i, m := range msgs {
		for i != fail && !slices.Contains(h.Received(m.To), m.Body) {
			if time.Now().After(deadline) {
				t.Fatalf("peer did not receive %q for %s; got %q", m.Body, m.To, h.Received(m.To))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// waitReports waits for a report of each message of want (message id:
// carrier id), in any order.
func waitReports(t *testing.T, reports <-chan hookline.StatusReport, want map[string]string) map[string]hookline.StatusReport {
	t.Helper()
	byCarrier := map[string]string{}
	for id, cid := range want {
		byCarrier[cid] = id
	}
	got := map[string]hookline.StatusReport{}
	timer := time.NewTimer(Timeout)
	defer timer.Stop()
	for len(got) < len(want) {
		select {
		case r := <-reports:
			id := r.MessageID
			if _, ok := want[id]; !ok {
				id = byCarrier[r.CarrierID]
			}
			if _, ok := want[id]; ok {
				got[id] = r
			}
		case <-timer.C:
			t.Fatalf("status reports within %s: %d of %d", Timeout, len(got), len(want))
		}
	}
	return got
}

// RunVoicemail runs the voicemail conformance suite.
func RunVoicemail(t *testing.T, newHarness func(t *testing.T) *VoicemailHarness) {
	t.Run("Drop", func(t *testing.T) {
		h := newHarness(t)
		id := newID()
		res, err := h.Sender.SendVoicemail(ctx(t), &hookline.OutboundVoicemail{MessageID: id, From: h.From, To: "+15005550201", Audio: h.Audio, Duration: time.Second, HumanAnswer: "hangup"})
		if err != nil {
			t.Fatalf("SendVoicemail: %v", err)
		}
		if res.Status == hookline.StatusSent {
			if r := waitReport(t, h.Reports, id, res.CarrierID); r.Status != hookline.StatusDelivered {
				t.Fatalf("report status = %s, want delivered", r.Status)
			}
		}
		if h.Received != nil && h.Received("+15005550201") != 1 {
			t.Fatalf("peer received %d voicemails, want 1", h.Received("+15005550201"))
		}
	})
	t.Run("PermanentFailure", func(t *testing.T) {
		h := newHarness(t)
		if h.FailPhone == "" {
			t.Skip("peer cannot be told to fail a number")
		}
		id := newID()
		res, err := h.Sender.SendVoicemail(ctx(t), &hookline.OutboundVoicemail{MessageID: id, From: h.From, To: h.FailPhone, Audio: h.Audio, Duration: time.Second})
		if err != nil {
			if !hookline.IsPermanent(err) {
				t.Fatalf("SendVoicemail to failing phone: %v, want permanent", err)
			}
			return
		}
		r := waitReport(t, h.Reports, id, res.CarrierID)
		if r.Status != hookline.StatusUndelivered && r.Status != hookline.StatusFailed {
			t.Fatalf("report status = %s, want undelivered or failed", r.Status)
		}
	})
}

func waitReport(t *testing.T, reports <-chan hookline.StatusReport, messageID, carrierID string) hookline.StatusReport {
	t.Helper()
	if reports == nil {
		t.Fatal("harness has no Reports channel but the adapter answered sent")
	}
	timer := time.NewTimer(Timeout)
	defer timer.Stop()
	for {
		select {
		case r := <-reports:
			if (r.MessageID != "" && r.MessageID == messageID) || (r.CarrierID != "" && r.CarrierID == carrierID) {
				return r
			}
		case <-timer.C:
			t.Fatalf("no status report for message %s (carrier id %s) within %s", messageID, carrierID, Timeout)
		}
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), Timeout)
	t.Cleanup(cancel)
	return c
}

var seq atomic.Int64

func init() { seq.Store(time.Now().UnixNano()) }

func newID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", seq.Add(1)&0xffffffffffff)
}

// ChanReporter is a hookline.StatusReporter that forwards reports to a
// channel, for harnesses.
type ChanReporter chan hookline.StatusReport

// ReportStatus implements hookline.StatusReporter.
func (c ChanReporter) ReportStatus(ctx context.Context, r hookline.StatusReport) error {
	select {
	case c <- r:
		return nil
	case <-ctx.Done():
		return errors.New("report dropped: " + ctx.Err().Error())
	}
}
