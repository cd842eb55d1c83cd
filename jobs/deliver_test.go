package jobs

import (
	"context"
	"testing"

	"hookline"
)

// batchSender answers SendSMSBatch with fixed outcomes.
type batchSender struct{ out []hookline.SendOutcome }

func (b *batchSender) Name() string { return "batch" }

func (b *batchSender) SendSMS(context.Context, *hookline.OutboundSMS) (*hookline.SendResult, error) {
	panic("the worker sends texts one by one to a batch carrier")
}

func (b *batchSender) SendSMSBatch(context.Context, []*hookline.OutboundSMS) []hookline.SendOutcome {
	return b.out
}

// TestSendBatchOutcomes checks how the worker turns a batch carrier's
// outcomes into status changes: a result is "sent", a permanent error fails
// its text, a transient one (or an outcome with neither result nor error)
// leaves its text for the retry, and an answer of the wrong length sends
// nothing to record and asks for the retry.
func TestSendBatchOutcomes(t *testing.T) {
	msgs := []*hookline.Message{
		{ID: "a", Kind: hookline.KindSMS, Phone: "+15005550001"},
		{ID: "b", Kind: hookline.KindSMS, Phone: "+15005550002"},
		{ID: "c", Kind: hookline.KindSMS, Phone: "+15005550003"},
		{ID: "d", Kind: hookline.KindSMS, Phone: "+15005550004"},
	}
	w := &DeliverWorker{SMS: &batchSender{out: []hookline.SendOutcome{
		{Result: &hookline.SendResult{CarrierID: "x-a"}},
		{Err: &hookline.CarrierError{Code: "nope", Permanent: true, Status: hookline.StatusUndelivered}},
		{Err: &hookline.CarrierError{Code: "later"}},
		{},
	}}}
	changes, transient := w.sendAll(context.Background(), msgs, false)
	if transient == nil {
		t.Fatal("no transient error for the texts to retry")
	}
	got := map[string]hookline.StatusChange{}
	for _, c := range changes {
		got[c.MessageID] = c
	}
	if len(got) != 2 || got["a"].Status != hookline.StatusSent || got["a"].CarrierID != "x-a" || got["a"].Carrier != "batch" ||
		got["b"].Status != hookline.StatusUndelivered || got["b"].ErrorCode != "nope" {
		t.Fatalf("changes = %+v", changes)
	}

	w.SMS = &batchSender{out: []hookline.SendOutcome{{Result: &hookline.SendResult{CarrierID: "x-a"}}}}
	changes, err := w.sendAll(context.Background(), msgs, false)
	if err == nil || len(changes) != 0 {
		t.Fatalf("short answer: changes %+v, err %v", changes, err)
	}
}
