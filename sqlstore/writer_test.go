package sqlstore

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"hookline"
)

// openMigrated opens a SQLite store in a temporary folder and migrates it;
// the caller starts it.
func openMigrated(tb testing.TB) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

// TestFailedBatchLeavesNoPartialStatement commits, in one batch, a delivery
// to two simulated phones and an op whose multi-row statement stops at its
// second row. The writer's multi-row statements run OR FAIL (no statement
// journal), so the rows before the failing one are changed when the error
// comes back: only the batch's rollback and the one-by-one retry undo them.
// The delivery must commit and the failing op must change nothing.
func TestFailedBatchLeavesNoPartialStatement(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	// The batch is committed below from this goroutine, as the writer's
	// loop would; the loop starts after it.
	t.Cleanup(func() { db.Start(); db.Close() })

	now := time.Now()
	req := &inboxReq{es: []*hookline.InboxEntry{
		{MessageID: "a", Phone: "+15005550141", Kind: hookline.KindSMS, Body: "one", ReceivedAt: now},
		{MessageID: "b", Phone: "+15005550142", Kind: hookline.KindSMS, Body: "two", ReceivedAt: now},
	}, added: make([]bool, 2)}
	deliver := &op{ctx: ctx, inbox: req, done: make(chan error, 1), fn: func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		return db.addInboxBulk(ctx, tx, []*inboxReq{req})
	}}
	// Row a comes first in the message_id index; row b breaks NOT NULL.
	partial := &op{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		_, err := tx.ExecContext(ctx, `UPDATE `+db.orFail()+`simulator_inbox SET body = CASE message_id WHEN 'b' THEN NULL ELSE 'changed' END WHERE message_id IN ('a', 'b')`)
		return err
	}}
	db.writer.commit([]*op{deliver, partial})

	if err := <-deliver.done; err != nil || !req.added[0] || !req.added[1] {
		t.Fatalf("delivery: err %v, added %v", err, req.added)
	}
	if err := <-partial.done; err == nil {
		t.Fatal("the NOT NULL violation was not reported")
	}
	for id, want := range map[string]string{"a": "one", "b": "two"} {
		var body string
		if err := db.read.QueryRowContext(ctx, `SELECT body FROM simulator_inbox WHERE message_id = ?`, id).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if body != want {
			t.Errorf("entry %s: body %q, want %q", id, body, want)
		}
	}
}
