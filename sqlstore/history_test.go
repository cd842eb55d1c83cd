package sqlstore

import (
	"context"
	"testing"
	"time"

	"hookline"
	"hookline/internal/pgtest"
)

// TestHistoryEntryRoundTrip checks that entries parse back to what they
// record, error codes that need JSON escaping included.
func TestHistoryEntryRoundTrip(t *testing.T) {
	codes := []string{"", "sim_rejected", `a "quoted" \\ code`, "line\nbreak", "<html>&", "é€"}
	var h string
	for i, c := range codes {
		h += historyEntry(hookline.StatusFailed, c, int64(1000+i))
	}
	events, err := parseHistory("m1", h)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(codes) {
		t.Fatalf("%d events, want %d", len(events), len(codes))
	}
	for i, e := range events {
		if e.ID != int64(i+1) || e.MessageID != "m1" || e.Status != hookline.StatusFailed || e.ErrorCode != codes[i] || e.OccurredAt.UnixMicro() != int64(1000+i) {
			t.Errorf("event %d = %+v, want code %q at %d", i, e, codes[i], 1000+i)
		}
	}
	if _, err := parseHistory("m1", "not json\n"); err == nil {
		t.Error("a corrupt history parsed without error")
	}
}

// TestHistoryMigration checks that migration 7 moves existing message_events
// into the messages' history, in order, and that going down restores them.
func TestHistoryMigration(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testHistoryMigration(t, Config{DataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.Skip(t)
		testHistoryMigration(t, Config{DatabaseURL: pgtest.URL(t)})
	})
}

func testHistoryMigration(t *testing.T, cfg Config) {
	ctx := context.Background()
	db, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Start()
	defer db.Close()
	p, err := db.migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.write.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO messages (id, account_id, trigger_id, kind, phone, status, created_at, updated_at) VALUES ('m1', 1, 't1', 'sms', '+17755382277', 'failed', 10, 30)`)
	exec(`INSERT INTO messages (id, account_id, trigger_id, kind, phone, status, created_at, updated_at) VALUES ('m2', 1, 't1', 'sms', '+17755382278', 'queued', 10, 10)`)
	exec(`INSERT INTO message_events (message_id, status, error_code, occurred_at) VALUES ('m1', 'queued', '', 10), ('m2', 'queued', '', 11), ('m1', 'sending', '', 20), ('m1', 'failed', 'say "no"', 30)`)
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := db.FindMessageByID(ctx, 1, "m1")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status hookline.MessageStatus
		code   string
		at     int64
	}{{"queued", "", 10}, {"sending", "", 20}, {"failed", `say "no"`, 30}}
	if len(m.Events) != len(want) {
		t.Fatalf("events %+v, want %d", m.Events, len(want))
	}
	for i, w := range want {
		e := m.Events[i]
		if e.Status != w.status || e.ErrorCode != w.code || !e.OccurredAt.Equal(time.UnixMicro(w.at)) {
			t.Errorf("event %d = %+v, want %+v", i, e, w)
		}
	}
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	var n int
	var code string
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*), MAX(error_code) FROM message_events`).Scan(&n, &code); err != nil {
		t.Fatal(err)
	}
	if n != 4 || code != `say "no"` {
		t.Fatalf("after down: %d events, last code %q; want 4 and the quoted code", n, code)
	}
}
