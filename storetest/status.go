package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hookline"
)

// statuses returns the message's status and its event trail.
func statuses(t *testing.T, s Store, accountID int64, id string) (hookline.MessageStatus, string) {
	t.Helper()
	m, err := s.FindMessageByID(ctx, accountID, id)
	must(t, err)
	var trail []string
	for _, e := range m.Events {
		trail = append(trail, string(e.Status))
	}
	return m.Status, strings.Join(trail, ",")
}

func testStatusChanges(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	sub := submission(tr, phoneN(1))
	mustAccept(t, s, sub)
	id := sub.Message.ID
	at := c.Now().Add(time.Second)
	must(t, s.ApplyStatusChanges(ctx, []hookline.StatusChange{
		{MessageID: id, Status: hookline.StatusSending, At: at},
		{MessageID: "unknown-id", Status: hookline.StatusSending, At: at},
	}))
	must(t, s.ApplyStatusChanges(ctx, []hookline.StatusChange{{MessageID: id, Status: hookline.StatusSent, Carrier: "sim", CarrierID: "c-1", At: at}}))
	must(t, s.ReportStatus(ctx, hookline.StatusReport{CarrierID: "c-1", Status: hookline.StatusDelivered, At: at}))
	// A late or repeated report never moves the message back.
	must(t, s.ReportStatus(ctx, hookline.StatusReport{CarrierID: "c-1", Status: hookline.StatusSent, At: at}))
	must(t, s.ReportStatus(ctx, hookline.StatusReport{MessageID: id, Status: hookline.StatusDelivered, At: at}))
	st, trail := statuses(t, s, a.ID, id)
	if st != hookline.StatusDelivered || trail != "queued,sending,sent,delivered" {
		t.Fatalf("status %s, events %s", st, trail)
	}
	m, err := s.FindMessageByID(ctx, a.ID, id)
	must(t, err)
	if m.Carrier != "sim" || m.CarrierID != "c-1" || !m.UpdatedAt.Equal(at) {
		t.Fatalf("message = %+v", m)
	}

	failed := submission(tr, phoneN(2))
	mustAccept(t, s, failed)
	must(t, s.ApplyStatusChanges(ctx, []hookline.StatusChange{{MessageID: failed.Message.ID, Status: hookline.StatusFailed, ErrorCode: "sim_rejected"}}))
	f, err := s.FindMessageByID(ctx, a.ID, failed.Message.ID)
	must(t, err)
	if f.Status != hookline.StatusFailed || f.ErrorCode != "sim_rejected" || f.Events[1].ErrorCode != "sim_rejected" {
		t.Fatalf("failed message = %+v", f)
	}
	counts, err := s.CountMessagesByStatus(ctx)
	must(t, err)
	if counts[hookline.StatusDelivered] != 1 || counts[hookline.StatusFailed] != 1 {
		t.Fatalf("counts = %v", counts)
	}
	if err := s.ReportStatus(ctx, hookline.StatusReport{MessageID: id, Status: "bogus"}); err == nil {
		t.Fatal("ReportStatus accepted an unknown status")
	}
}

// testEarlyReceipt covers a receipt that arrives before the send's answer
// recorded the carrier id: it is kept and applied when the id is known.
func testEarlyReceipt(t *testing.T, open Opener) {
	s := open(t, newClock().Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	sub := submission(tr, phoneN(1))
	mustAccept(t, s, sub)
	id := sub.Message.ID
	must(t, s.ReportStatus(ctx, hookline.StatusReport{CarrierID: "early-1", Status: hookline.StatusDelivered}))
	if st, _ := statuses(t, s, a.ID, id); st != hookline.StatusQueued {
		t.Fatalf("status before the carrier id is known = %s, want queued", st)
	}
	must(t, s.ApplyStatusChanges(ctx, []hookline.StatusChange{
		{MessageID: id, Status: hookline.StatusSending},
		{MessageID: id, Status: hookline.StatusSent, Carrier: "sim", CarrierID: "early-1"},
	}))
	st, trail := statuses(t, s, a.ID, id)
	if st != hookline.StatusDelivered || trail != "queued,sending,sent,delivered" {
		t.Fatalf("status %s, events %s", st, trail)
	}
}

// testBatchCarrierIDs covers a delivery job's batch of changes: the carrier
// id that comes with "sent" is recorded by the same write as the status,
// and one that comes with a change the message has already passed is
// recorded alone. Receipts naming only the carrier id then find each.
func testBatchCarrierIDs(t *testing.T, open Opener) {
	s := open(t, newClock().Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	var ids []string
	for i := range 3 {
		sub := submission(tr, phoneN(i+1))
		mustAccept(t, s, sub)
		ids = append(ids, sub.Message.ID)
	}
	must(t, s.ApplyStatusChanges(ctx, []hookline.StatusChange{{MessageID: ids[2], Status: hookline.StatusSent}}))
	must(t, s.ApplyStatusChanges(ctx, []hookline.StatusChange{
		{MessageID: ids[0], Status: hookline.StatusSending},
		{MessageID: ids[1], Status: hookline.StatusSending},
		{MessageID: ids[0], Status: hookline.StatusSent, Carrier: "sim", CarrierID: "batch-0"},
		{MessageID: ids[1], Status: hookline.StatusSent, Carrier: "sim", CarrierID: "batch-1"},
		// Already sent: only its carrier id is new.
		{MessageID: ids[2], Status: hookline.StatusSent, Carrier: "smpp", CarrierID: "batch-2"},
	}))
	for i, id := range ids {
		m, err := s.FindMessageByID(ctx, a.ID, id)
		must(t, err)
		want := []string{"sim", "sim", "smpp"}[i]
		if m.Status != hookline.StatusSent || m.Carrier != want || m.CarrierID != fmt.Sprintf("batch-%d", i) {
			t.Fatalf("message %d: status %s, carrier %q, carrier id %q", i, m.Status, m.Carrier, m.CarrierID)
		}
		must(t, s.ReportStatus(ctx, hookline.StatusReport{CarrierID: m.CarrierID, Status: hookline.StatusDelivered}))
	}
	for i, id := range ids {
		st, trail := statuses(t, s, a.ID, id)
		want := "queued,sending,sent,delivered"
		if i == 2 {
			want = "queued,sent,delivered"
		}
		if st != hookline.StatusDelivered || trail != want {
			t.Fatalf("message %d: status %s, events %s, want %s", i, st, trail, want)
		}
	}
}
