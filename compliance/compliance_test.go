package compliance_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"hookline"
	"hookline/compliance"
	"hookline/internal/pgtest"
	"hookline/sqlstore"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

var ny, _ = time.LoadLocation("America/New_York")

// opener opens a migrated, started store on the clock.
type opener func(t *testing.T, c *clock) *sqlstore.DB

// eachStore runs test on SQLite and, when a test cluster is configured, on
// PostgreSQL: the frequency cap and the opt-out queries are SQL that both
// dialects must run.
func eachStore(t *testing.T, test func(t *testing.T, open opener)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, func(t *testing.T, c *clock) *sqlstore.DB {
			return mustOpenDB(t, sqlstore.Config{DataDir: t.TempDir(), Now: c.Now})
		})
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.Skip(t)
		t.Parallel()
		test(t, func(t *testing.T, c *clock) *sqlstore.DB {
			return mustOpenDB(t, sqlstore.Config{DatabaseURL: pgtest.URL(t), Now: c.Now})
		})
	})
}

// mustOpenDB opens a migrated store and closes it when t ends.
func mustOpenDB(t *testing.T, cfg sqlstore.Config) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Start()
	t.Cleanup(func() { db.Close() })
	return db
}

func mustTrigger(t *testing.T, db *sqlstore.DB, accountID int64, s hookline.TriggerSettings) *hookline.Trigger {
	t.Helper()
	tr := &hookline.Trigger{AccountID: accountID, Kind: hookline.KindSMS, Name: "t", Body: "Hello", Enabled: true, TriggerSettings: s}
	if err := db.CreateTrigger(context.Background(), tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// submit commits a message like the webhook does and returns it.
func submit(t *testing.T, db *sqlstore.DB, tr *hookline.Trigger, phone, from string) (*hookline.Message, error) {
	t.Helper()
	m := &hookline.Message{ID: uuid.NewString(), AccountID: tr.AccountID, TriggerID: tr.ID, Kind: tr.Kind, Phone: phone, From: from, Body: "Hello", Status: hookline.StatusQueued}
	_, err := db.Accept(context.Background(), &hookline.Submission{Message: m, Contact: &hookline.Contact{AccountID: tr.AccountID, Phone: phone}, FrequencyCap: tr.FrequencyCap})
	return m, err
}

func mustAccount(t *testing.T, db *sqlstore.DB, name string) int64 {
	t.Helper()
	a, err := db.FindOrCreateAccount(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestGate checks the send-time decisions: held outside the window, sent
// inside it, canceled once the phone opted out, keyword replies let through.
func TestGate(t *testing.T) {
	t.Parallel()
	eachStore(t, testGate)
}

func testGate(t *testing.T, open opener) {
	ctx := context.Background()
	c := &clock{t: time.Date(2030, 1, 15, 6, 0, 0, 0, ny)}
	db := open(t, c)
	acc := mustAccount(t, db, "acme")
	tr := mustTrigger(t, db, acc, hookline.TriggerSettings{SendWindow: hookline.DefaultSendWindow()})
	anytime := mustTrigger(t, db, acc, hookline.TriggerSettings{})
	gate := &compliance.Gate{OptOuts: db, Triggers: db, Now: c.Now}
	const phone = "+12125551234"
	msg, err := submit(t, db, tr, phone, "")
	if err != nil {
		t.Fatal(err)
	}

	ch, err := gate.Check(ctx, msg)
	if err != nil || ch == nil || ch.Status != hookline.StatusScheduled || !ch.ScheduledFor.Equal(time.Date(2030, 1, 15, 8, 0, 0, 0, ny)) {
		t.Fatalf("at 06:00: %+v, %v; want scheduled for 08:00", ch, err)
	}
	if ch, err := gate.Check(ctx, &hookline.Message{ID: "x", AccountID: acc, TriggerID: anytime.ID, Phone: phone}); ch != nil || err != nil {
		t.Fatalf("no window at 06:00: %+v, %v; want send", ch, err)
	}
	c.Set(time.Date(2030, 1, 15, 8, 0, 0, 0, ny))
	if ch, err := gate.Check(ctx, msg); ch != nil || err != nil {
		t.Fatalf("at 08:00: %+v, %v; want send", ch, err)
	}

	if _, err := db.AddOptOuts(ctx, acc, []string{phone}, hookline.OptOutKeyword); err != nil {
		t.Fatal(err)
	}
	ch, err = gate.Check(ctx, msg)
	if err != nil || ch == nil || ch.Status != hookline.StatusCanceled || ch.ErrorCode != hookline.ERecipientOptedOut {
		t.Fatalf("opted out: %+v, %v; want canceled", ch, err)
	}
	reply := &hookline.Message{ID: "r", AccountID: acc, TriggerID: hookline.KeywordReplyTrigger, Phone: phone}
	if ch, err := gate.Check(ctx, reply); ch != nil || err != nil {
		t.Fatalf("keyword reply to an opted-out phone: %+v, %v; want send", ch, err)
	}
	// Another account's list does not apply.
	other := mustTrigger(t, db, mustAccount(t, db, "other"), hookline.TriggerSettings{})
	if ch, err := gate.Check(ctx, &hookline.Message{ID: "o", AccountID: other.AccountID, TriggerID: other.ID, Phone: phone}); ch != nil || err != nil {
		t.Fatalf("other account: %+v, %v; want send", ch, err)
	}

	// A job's worth at once: one list lookup per account, each message
	// judged on its own account's list.
	const phone2 = "+12125559876"
	if _, err := db.AddOptOuts(ctx, other.AccountID, []string{phone2}, hookline.OptOutAPI); err != nil {
		t.Fatal(err)
	}
	var batch []*hookline.Message
	want := map[string]bool{} // message id -> canceled
	for i := range 600 {
		m := &hookline.Message{ID: fmt.Sprintf("b%d", i), AccountID: acc, TriggerID: anytime.ID, Phone: fmt.Sprintf("+1212555%04d", 2000+i)}
		switch i {
		case 7:
			m.Phone = phone
			want[m.ID] = true
		case 8:
			m.AccountID, m.TriggerID, m.Phone = other.AccountID, other.ID, phone2
			want[m.ID] = true
		case 9:
			m.AccountID, m.TriggerID = other.AccountID, other.ID
			m.Phone = phone // opted out of acme only
		case 10:
			m.TriggerID, m.Phone = hookline.KeywordReplyTrigger, phone
		}
		batch = append(batch, m)
	}
	checks, err := gate.CheckAll(ctx, batch)
	if err != nil || len(checks) != len(batch) {
		t.Fatalf("CheckAll: %d results, %v", len(checks), err)
	}
	for i, ch := range checks {
		canceled := ch != nil && ch.Status == hookline.StatusCanceled && ch.ErrorCode == hookline.ERecipientOptedOut && ch.MessageID == batch[i].ID
		if canceled != want[batch[i].ID] || (ch != nil && !canceled) {
			t.Fatalf("CheckAll message %s (%s, account %d): %+v, want canceled %v", batch[i].ID, batch[i].Phone, batch[i].AccountID, ch, want[batch[i].ID])
		}
	}
}

// TestHeldAtSendTime checks that the gate's hold is recorded and given a
// delivery job at its time, in the same transaction.
func TestHeldAtSendTime(t *testing.T) {
	t.Parallel()
	eachStore(t, testHeldAtSendTime)
}

func testHeldAtSendTime(t *testing.T, open opener) {
	ctx := context.Background()
	c := &clock{t: time.Date(2030, 1, 15, 22, 0, 0, 0, ny)}
	db := open(t, c)
	var mu sync.Mutex
	jobs := map[time.Time][]string{}
	db.EnqueueDeliveryAt = func(_ context.Context, _ *sql.Tx, ids []string, at time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		jobs[at.UTC()] = append(jobs[at.UTC()], ids...)
		return nil
	}
	acc := mustAccount(t, db, "acme")
	msg, err := submit(t, db, mustTrigger(t, db, acc, hookline.TriggerSettings{SendWindow: hookline.DefaultSendWindow()}), "+12125551234", "")
	if err != nil {
		t.Fatal(err)
	}
	gate := &compliance.Gate{OptOuts: db, Triggers: db, Now: c.Now}
	ch, err := gate.Check(ctx, msg)
	if err != nil || ch == nil {
		t.Fatalf("at 22:00: %+v, %v; want a hold", ch, err)
	}
	if err := db.ApplyStatusChanges(ctx, []hookline.StatusChange{*ch}); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2030, 1, 16, 13, 0, 0, 0, time.UTC)
	got, err := db.FindMessageByID(ctx, acc, msg.ID)
	if err != nil || got.Status != hookline.StatusScheduled || got.ScheduledFor == nil || !got.ScheduledFor.Equal(want) {
		t.Fatalf("message = %+v, %v; want scheduled for %s", got, err, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if ids := jobs[want]; len(ids) != 1 || ids[0] != msg.ID {
		t.Fatalf("scheduled jobs = %v, want %s at %s", jobs, msg.ID, want)
	}
}

// TestAdmission checks the webhook's decisions.
func TestAdmission(t *testing.T) {
	t.Parallel()
	eachStore(t, testAdmission)
}

func testAdmission(t *testing.T, open opener) {
	ctx := context.Background()
	c := &clock{t: time.Date(2030, 7, 15, 23, 0, 0, 0, time.UTC)} // 19:00 in New York, 16:00 in Los Angeles
	db := open(t, c)
	acc := mustAccount(t, db, "acme")
	tr := mustTrigger(t, db, acc, hookline.TriggerSettings{SendWindow: &hookline.SendWindow{Start: "08:00", End: "18:00"}})
	a := &compliance.Admission{OptOuts: db, Now: c.Now}
	if at, err := a.Admit(ctx, tr, "+17755382277"); at != nil || err != nil {
		t.Fatalf("Los Angeles at 16:00: %v, %v; want now", at, err)
	}
	at, err := a.Admit(ctx, tr, "+12125551234")
	if err != nil || at == nil || !at.Equal(time.Date(2030, 7, 16, 8, 0, 0, 0, ny)) {
		t.Fatalf("New York at 19:00: %v, %v; want 08:00 tomorrow", at, err)
	}
	if _, err := db.AddOptOuts(ctx, acc, []string{"+17755382277"}, hookline.OptOutAPI); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Admit(ctx, tr, "+17755382277"); hookline.ErrorCode(err) != hookline.ERecipientOptedOut {
		t.Fatalf("opted out: %v", err)
	}
}

// TestFrequencyCap checks the cap counted in the store's transaction.
func TestFrequencyCap(t *testing.T) {
	t.Parallel()
	eachStore(t, testFrequencyCap)
}

func testFrequencyCap(t *testing.T, open opener) {
	c := &clock{t: time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC)}
	db := open(t, c)
	acc := mustAccount(t, db, "acme")
	capped := mustTrigger(t, db, acc, hookline.TriggerSettings{FrequencyCap: &hookline.FrequencyCap{Max: 2, Period: "1h"}})
	free := mustTrigger(t, db, acc, hookline.TriggerSettings{})
	const phone = "+12125551234"
	for i := range 2 {
		if _, err := submit(t, db, capped, phone, ""); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
		c.Add(10 * time.Minute)
	}
	// At 12:20, with messages from 12:00 and 12:10 in the hour: the next
	// may go when the first leaves it, at 13:00.
	_, err := submit(t, db, capped, phone, "")
	var ra *hookline.RetryAfterError
	if hookline.ErrorCode(err) != hookline.EFrequencyCapped || !errors.As(err, &ra) || ra.After != 40*time.Minute {
		t.Fatalf("third message: %v (retry after %v), want frequency_capped, retry after 40m", err, ra)
	}
	if _, err := submit(t, db, capped, "+12125559876", ""); err != nil {
		t.Fatalf("other phone: %v", err)
	}
	if _, err := submit(t, db, free, phone, ""); err != nil {
		t.Fatalf("other trigger: %v", err)
	}
	ms, _, _ := db.FindMessages(context.Background(), hookline.MessageFilter{AccountID: acc, TriggerID: capped.ID, Phone: phone})
	if len(ms) != 2 {
		t.Fatalf("capped trigger has %d messages to the phone, want 2: a refused call queues nothing", len(ms))
	}
	c.Add(40*time.Minute - time.Second)
	if _, err := submit(t, db, capped, phone, ""); hookline.ErrorCode(err) != hookline.EFrequencyCapped {
		t.Fatalf("a second before the first leaves the period: %v, want frequency_capped", err)
	}
	c.Add(time.Second)
	if _, err := submit(t, db, capped, phone, ""); err != nil {
		t.Fatalf("once the first left the period: %v", err)
	}
}
