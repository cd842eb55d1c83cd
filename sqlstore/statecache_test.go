package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"hookline"
)

// TestStateCacheMatchesDatabase runs accepts, bulk status changes, a change
// that takes the one-by-one path (its trigger has a status callback) and a
// trigger rotation through a SQLite store, then checks every state the
// writer's cache holds against the database: an entry left stale by a write
// that did not restage it would make a later change read a wrong status,
// carrier id or trigger.
func TestStateCacheMatchesDatabase(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	db.Start()
	t.Cleanup(func() { db.Close() })
	acc, err := db.FindOrCreateAccount(ctx, "cache")
	if err != nil {
		t.Fatal(err)
	}
	plainTrigger := &hookline.Trigger{AccountID: acc.ID, Kind: hookline.KindSMS, Name: "plain", Body: "Hi", Enabled: true}
	cbTrigger := &hookline.Trigger{AccountID: acc.ID, Kind: hookline.KindSMS, Name: "callback", Body: "Hi", Enabled: true, StatusCallbackURL: "https://example.com/cb"}
	for _, tr := range []*hookline.Trigger{plainTrigger, cbTrigger} {
		if err := db.CreateTrigger(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	accept := func(tr *hookline.Trigger, phone string) string {
		m := &hookline.Message{ID: uuid.Must(uuid.NewV7()).String(), AccountID: acc.ID, TriggerID: tr.ID, Kind: hookline.KindSMS,
			Phone: phone, Body: "Hi", Encoding: hookline.GSM7, Segments: 1, Status: hookline.StatusQueued}
		if _, err := db.Accept(ctx, &hookline.Submission{Message: m, Contact: &hookline.Contact{AccountID: acc.ID, Phone: phone}}); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	apply := func(changes ...hookline.StatusChange) {
		if err := db.ApplyStatusChanges(ctx, changes); err != nil {
			t.Fatal(err)
		}
	}
	m1, m2, m3 := accept(plainTrigger, "+17755380001"), accept(plainTrigger, "+17755380002"), accept(plainTrigger, "+17755380003")
	sent := func(id string) hookline.StatusChange {
		return hookline.StatusChange{MessageID: id, Status: hookline.StatusSent, Carrier: "simulator", CarrierID: "sim-" + id}
	}
	delivered := func(id string) hookline.StatusChange {
		return hookline.StatusChange{MessageID: id, Status: hookline.StatusDelivered}
	}
	apply(hookline.StatusChange{MessageID: m1, Status: hookline.StatusSending}, sent(m1), sent(m2))
	apply(delivered(m1), delivered(m2), sent(m1)) // the late "sent" changes nothing
	if _, err := db.RotateTrigger(ctx, acc.ID, plainTrigger.ID); err != nil {
		t.Fatal(err)
	}
	m4 := accept(cbTrigger, "+17755380004")
	apply(sent(m3), delivered(m3), sent(m4))

	c := db.writer.states
	if _, ok := c.get(m3); !ok {
		t.Fatalf("the cache does not hold %s, changed after the rotation", m3)
	}
	n := 0
	for _, gen := range []map[string]msgState{c.cur, c.prev} {
		for id, st := range gen {
			n++
			var want msgState
			if err := db.read.QueryRowContext(ctx, `SELECT status, carrier_id, account_id, trigger_id, phone FROM messages WHERE id = ?`, id).
				Scan(&want.status, &want.carrierID, &want.cb.AccountID, &want.cb.TriggerID, &want.cb.Phone); err != nil {
				t.Fatal(err)
			}
			want.cb.MessageID = id
			if st != want {
				t.Errorf("message %s: cached %+v, database %+v", id, st, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("the cache is empty")
	}
}

// TestStateCacheGenerations checks the cache's bound: a full generation
// becomes the previous one, whose entries go at the next turn.
func TestStateCacheGenerations(t *testing.T) {
	c := newStateCache(2)
	put := func(ids ...string) {
		b := &batch{cache: c}
		for _, id := range ids {
			b.stage(id, &msgState{status: hookline.StatusSent})
		}
		c.apply(b)
	}
	put("a")
	put("b")
	put("c") // a and b move to the previous generation
	for _, id := range []string{"a", "b", "c"} {
		if _, ok := c.get(id); !ok {
			t.Fatalf("%s dropped before its time", id)
		}
	}
	put("d")
	put("e") // a and b go
	if _, ok := c.get("a"); ok {
		t.Fatal("a outlived two generations")
	}
	b := &batch{cache: c}
	b.stage("c", nil)
	if _, ok := b.cachedState("c"); ok {
		t.Fatal("a removal staged in the batch does not hide the cached state")
	}
	c.apply(b)
	if _, ok := c.get("c"); ok {
		t.Fatal("a committed removal left the entry")
	}
}

// BenchmarkDeliveryWrites runs, per iteration, what the writer does for a
// delivery job's worth of texts: 256 accepts in one commit, their
// "sending"+"sent" in one status batch, their "delivered" in another. The
// sub-benchmarks run the same work with the writer's state cache and
// without it (the PostgreSQL path: every status batch reads its messages),
// side by side in one process; compare them with -count and benchstat.
// ns/op is per message.
func BenchmarkDeliveryWrites(b *testing.B) {
	for _, name := range []string{"cache", "nocache"} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := openMigrated(b)
			if name == "nocache" {
				db.writer.states = nil
			}
			db.Start()
			defer db.Close()
			acc, err := db.FindOrCreateAccount(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			tr := &hookline.Trigger{AccountID: acc.ID, Kind: hookline.KindSMS, Name: "bench", Body: "Hi", Enabled: true}
			if err := db.CreateTrigger(ctx, tr); err != nil {
				b.Fatal(err)
			}
			const n = 256
			phone := 0
			b.ResetTimer()
			for i := 0; i < b.N; i += n {
				reqs := make([]*acceptReq, n)
				for j := range reqs {
					phone++
					p := fmt.Sprintf("+1775%07d", phone)
					m := &hookline.Message{ID: uuid.Must(uuid.NewV7()).String(), AccountID: acc.ID, TriggerID: tr.ID, Kind: hookline.KindSMS,
						Phone: p, Body: "Hi Ann, your code is 1234.", Encoding: hookline.GSM7, Segments: 1, Status: hookline.StatusQueued}
					reqs[j] = &acceptReq{sub: &hookline.Submission{Message: m, Contact: &hookline.Contact{AccountID: acc.ID, Phone: p, First: "Ann"}}}
				}
				if err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, bt *batch) error {
					return db.acceptBulk(ctx, tx, bt, reqs)
				}); err != nil {
					b.Fatal(err)
				}
				var sent, delivered []hookline.StatusChange
				for _, r := range reqs {
					id := r.sub.Message.ID
					sent = append(sent, hookline.StatusChange{MessageID: id, Status: hookline.StatusSending},
						hookline.StatusChange{MessageID: id, Status: hookline.StatusSent, Carrier: "simulator", CarrierID: "sim-" + id})
					delivered = append(delivered, hookline.StatusChange{MessageID: id, Status: hookline.StatusDelivered})
				}
				if err := db.ApplyStatusChanges(ctx, sent); err != nil {
					b.Fatal(err)
				}
				if err := db.ApplyStatusChanges(ctx, delivered); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
