package storetest

import (
	"testing"
	"time"

	"hookline"
)

func testAcceptAndFind(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	b := mustAccount(t, s, "globex")
	tr := mustTrigger(t, s, a.ID)
	sub := submission(tr, phoneN(1))
	acc := mustAccept(t, s, sub)
	if acc.MessageID != sub.Message.ID || acc.Status != hookline.StatusQueued || acc.Replayed {
		t.Fatalf("Accept = %+v", acc)
	}
	later := c.Now().Add(3 * time.Hour)
	held := submission(tr, phoneN(2))
	held.Message.Status, held.Message.ScheduledFor = hookline.StatusScheduled, &later
	mustAccept(t, s, held)

	m, err := s.FindMessageByID(ctx, a.ID, sub.Message.ID)
	must(t, err)
	if m.Phone != phoneN(1) || m.TriggerID != tr.ID || m.Kind != hookline.KindSMS || m.Body != "Hi there" ||
		m.Encoding != hookline.GSM7 || m.Segments != 1 || m.ScheduledFor != nil || !m.CreatedAt.Equal(c.Now()) {
		t.Fatalf("FindMessageByID = %+v", m)
	}
	if len(m.Events) != 1 || m.Events[0].Status != hookline.StatusQueued || !m.Events[0].OccurredAt.Equal(c.Now()) {
		t.Fatalf("events = %+v", m.Events)
	}
	h, err := s.FindMessageByID(ctx, a.ID, held.Message.ID)
	must(t, err)
	if h.ScheduledFor == nil || !h.ScheduledFor.Equal(later) || h.Status != hookline.StatusScheduled {
		t.Fatalf("held message = %+v", h)
	}
	_, err = s.FindMessageByID(ctx, b.ID, sub.Message.ID)
	wantCode(t, err, hookline.EMessageNotFound)

	byIDs, err := s.FindMessagesByIDs(ctx, []string{sub.Message.ID, held.Message.ID, "missing"})
	must(t, err)
	if len(byIDs) != 2 {
		t.Fatalf("FindMessagesByIDs = %d messages, want 2", len(byIDs))
	}
}

func testContactUpsert(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	first := submission(tr, phoneN(1))
	first.Contact.First, first.Contact.Last, first.Contact.Email = "Ann", "Lee", "ann@example.com"
	mustAccept(t, s, first)
	created := c.Now()
	c.Add(time.Minute)
	second := submission(tr, phoneN(1))
	second.Contact.Last = "Smith"
	mustAccept(t, s, second)

	got, err := s.FindContactByPhone(ctx, a.ID, phoneN(1))
	must(t, err)
	if got.First != "Ann" || got.Last != "Smith" || got.Email != "ann@example.com" || !got.CreatedAt.Equal(created) || !got.UpdatedAt.Equal(c.Now()) {
		t.Fatalf("contact = %+v", got)
	}
	b := mustAccount(t, s, "globex")
	_, err = s.FindContactByPhone(ctx, b.ID, phoneN(1))
	wantCode(t, err, hookline.ENotFound)
}

func testContactSearch(t *testing.T, open Opener) {
	s := open(t, newClock().Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	names := []string{"Ann", "Bob", "anna", "Carl", "Dana"}
	for i, n := range names {
		sub := submission(tr, phoneN(i))
		sub.Contact.First = n
		mustAccept(t, s, sub)
	}
	tests := []struct {
		query string
		want  int
	}{
		{"", 5},
		{"ANN", 2}, // Ann and anna: case-insensitive substring
		{"an", 3},
		{"bob", 1},
		{"+17755380003", 1},
		{"nobody", 0},
	}
	for _, tt := range tests {
		got, _, err := s.FindContacts(ctx, hookline.ContactFilter{AccountID: a.ID, Query: tt.query})
		must(t, err)
		if len(got) != tt.want {
			t.Errorf("FindContacts(%q) = %d contacts, want %d", tt.query, len(got), tt.want)
		}
	}
	// Paging walks every contact once, in phone order.
	var seen []string
	cursor := ""
	for {
		page, next, err := s.FindContacts(ctx, hookline.ContactFilter{AccountID: a.ID, Limit: 2, Cursor: cursor})
		must(t, err)
		for _, c := range page {
			seen = append(seen, c.Phone)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 5 || seen[0] != phoneN(0) || seen[4] != phoneN(4) {
		t.Fatalf("paged contacts = %v", seen)
	}
}

func testIdempotency(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	sub := submission(tr, phoneN(1))
	sub.IdempotencyKey, sub.RequestHash = "k1", "h1"
	first := mustAccept(t, s, sub)

	again := submission(tr, phoneN(1))
	again.IdempotencyKey, again.RequestHash = "k1", "h1"
	replay := mustAccept(t, s, again)
	if !replay.Replayed || replay.MessageID != first.MessageID {
		t.Fatalf("replay = %+v, want message %s replayed", replay, first.MessageID)
	}
	differ := submission(tr, phoneN(1))
	differ.IdempotencyKey, differ.RequestHash = "k1", "h2"
	_, err := s.Accept(ctx, differ)
	wantCode(t, err, hookline.EIdempotencyConflict)
	// The conflicting request stored nothing.
	_, err = s.FindMessageByID(ctx, a.ID, differ.Message.ID)
	wantCode(t, err, hookline.EMessageNotFound)

	// After the window the key is free again.
	c.Add(25 * time.Hour)
	fresh := mustAccept(t, s, differ)
	if fresh.Replayed || fresh.MessageID != differ.Message.ID {
		t.Fatalf("after window = %+v", fresh)
	}
}

func testMessagePaging(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	tr := mustTrigger(t, s, a.ID)
	var ids []string
	for i := range 7 {
		sub := submission(tr, phoneN(i%2))
		mustAccept(t, s, sub)
		ids = append(ids, sub.Message.ID)
		if i%3 != 0 { // some share a timestamp: the id breaks ties
			c.Add(time.Second)
		}
	}
	var got []string
	cursor := ""
	for {
		page, next, err := s.FindMessages(ctx, hookline.MessageFilter{AccountID: a.ID, Limit: 3, Cursor: cursor})
		must(t, err)
		for _, m := range page {
			got = append(got, m.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != len(ids) {
		t.Fatalf("paged %d messages, want %d", len(got), len(ids))
	}
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("message %s listed twice", id)
		}
		seen[id] = true
	}
	filtered, _, err := s.FindMessages(ctx, hookline.MessageFilter{AccountID: a.ID, Phone: phoneN(1), TriggerID: tr.ID, Status: hookline.StatusQueued})
	must(t, err)
	if len(filtered) != 3 {
		t.Fatalf("filtered = %d messages, want 3", len(filtered))
	}
	_, _, err = s.FindMessages(ctx, hookline.MessageFilter{AccountID: a.ID, Cursor: "!!"})
	wantCode(t, err, hookline.EInvalidParameter)
}
