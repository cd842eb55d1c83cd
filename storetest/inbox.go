package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"hookline"
)

func testInbox(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	b := mustAccount(t, s, "globex")
	tr := mustTrigger(t, s, a.ID)
	sub := submission(tr, phoneN(1))
	mustAccept(t, s, sub)
	e := &hookline.InboxEntry{MessageID: sub.Message.ID, Phone: phoneN(1), Kind: hookline.KindSMS, Body: "Hi there", ReceivedAt: c.Now()}
	added, err := s.AddInboxEntry(ctx, e)
	must(t, err)
	again, err := s.AddInboxEntry(ctx, e)
	must(t, err)
	if !added || again {
		t.Fatalf("AddInboxEntry twice = %v, %v; want true, false", added, again)
	}
	got, err := s.FindInbox(ctx, a.ID, phoneN(1))
	must(t, err)
	if len(got) != 1 || got[0].MessageID != e.MessageID || got[0].Body != "Hi there" || !got[0].ReceivedAt.Equal(c.Now()) || got[0].ReceiptStatus != "" {
		t.Fatalf("FindInbox = %+v", got)
	}
	if other, err := s.FindInbox(ctx, b.ID, phoneN(1)); err != nil || len(other) != 0 {
		t.Fatalf("another account's view of the inbox = %+v, %v", other, err)
	}
	pending, err := s.PendingReceipts(ctx)
	must(t, err)
	if len(pending) != 1 || pending[0].MessageID != e.MessageID {
		t.Fatalf("PendingReceipts = %+v", pending)
	}
	// Only entries received before the cutoff are due.
	due, err := s.DueReceipts(ctx, c.Now(), 10)
	must(t, err)
	if len(due) != 0 {
		t.Fatalf("DueReceipts(received at) = %v, want none", due)
	}
	due, err = s.DueReceipts(ctx, c.Now().Add(time.Millisecond), 10)
	must(t, err)
	if len(due) != 1 || due[0] != e.MessageID {
		t.Fatalf("DueReceipts(later) = %v, want [%s]", due, e.MessageID)
	}
	must(t, s.MarkReceipted(ctx, []string{e.MessageID}, hookline.StatusDelivered))
	if due, err = s.DueReceipts(ctx, c.Now().Add(time.Hour), 10); err != nil || len(due) != 0 {
		t.Fatalf("DueReceipts after MarkReceipted = %v, %v; want none", due, err)
	}
	pending, err = s.PendingReceipts(ctx)
	must(t, err)
	got, _ = s.FindInbox(ctx, a.ID, phoneN(1))
	if len(pending) != 0 || got[0].ReceiptStatus != hookline.StatusDelivered {
		t.Fatalf("after MarkReceipted pending %d, inbox %+v", len(pending), got[0])
	}
}

// testConcurrentAccepts submits many writes at once, so the backend commits
// them in shared transactions, with some failing: every good one must be
// stored and no failure may undo its neighbours.
func testConcurrentAccepts(t *testing.T, open Opener) {
	s := open(t, newClock().Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	seed := submission(tr, phoneN(9999))
	seed.IdempotencyKey, seed.RequestHash = "dup", "h0"
	mustAccept(t, s, seed)

	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	subs := make([]*hookline.Submission, n)
	for i := range n {
		sub := submission(tr, phoneN(i%50))
		if i%10 == 0 { // conflicts with the seed
			sub.IdempotencyKey, sub.RequestHash = "dup", fmt.Sprint("other-", i)
		}
		subs[i] = sub
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Accept(ctx, sub)
		}()
	}
	wg.Wait()
	var ids []string
	for i, err := range errs {
		if i%10 == 0 {
			if hookline.ErrorCode(err) != hookline.EIdempotencyConflict {
				t.Fatalf("submission %d: error %v, want %s", i, err, hookline.EIdempotencyConflict)
			}
			continue
		}
		must(t, err)
		ids = append(ids, subs[i].Message.ID)
	}
	got, err := s.FindMessagesByIDs(ctx, ids)
	must(t, err)
	if len(got) != len(ids) {
		t.Fatalf("stored %d of %d accepted messages", len(got), len(ids))
	}
	contacts, _, err := s.FindContacts(ctx, hookline.ContactFilter{AccountID: a.ID, Limit: 500})
	must(t, err)
	// 45 phones from the good submissions (the conflicting ones stored
	// nothing, not even their contact) and the seed's.
	if len(contacts) != 46 {
		t.Fatalf("contacts = %d, want 46", len(contacts))
	}
}
