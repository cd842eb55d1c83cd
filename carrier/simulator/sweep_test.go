package simulator

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"hookline"
	"hookline/sqlstore"
)

// testClock is a settable clock shared by the store and the simulator.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestSweepReportsDeadNodesReceipts stores an inbox entry that is owed a
// report but has no timer anywhere, as after the node that sent it was
// killed: another node's sweep must report it delivered once it is overdue,
// and not before.
func TestSweepReportsDeadNodesReceipts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	db, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Start()

	// The dead node accepted a message, put it in the phone's inbox and
	// recorded it sent; its receipt timer died with it.
	acct, err := db.FindOrCreateAccount(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	tr := &hookline.Trigger{AccountID: acct.ID, Kind: hookline.KindSMS, Name: "Welcome", Body: "Hi", Enabled: true}
	if err := db.CreateTrigger(ctx, tr); err != nil {
		t.Fatal(err)
	}
	const phone = "+17755380001"
	msg := &hookline.Message{ID: uuid.NewString(), AccountID: acct.ID, TriggerID: tr.ID, Kind: hookline.KindSMS,
		Phone: phone, Body: "Hi", Encoding: hookline.GSM7, Segments: 1, Status: hookline.StatusQueued}
	if _, err := db.Accept(ctx, &hookline.Submission{Message: msg, Contact: &hookline.Contact{AccountID: acct.ID, Phone: phone}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddInboxEntry(ctx, &hookline.InboxEntry{MessageID: msg.ID, Phone: phone, Kind: hookline.KindSMS, Body: "Hi", ReceivedAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	err = db.ApplyStatusChanges(ctx, []hookline.StatusChange{{MessageID: msg.ID, Status: hookline.StatusSent, Carrier: "simulator", CarrierID: "sim-" + msg.ID, At: clock.Now()}})
	if err != nil {
		t.Fatal(err)
	}

	// A live node, started before the death (so its Start resumed nothing).
	live := New(Config{Store: db, Reporter: db, ReceiptDelay: 500 * time.Millisecond, SweepAfter: 2 * time.Second, SweepEvery: -1, Now: clock.Now})
	t.Cleanup(live.Close)
	status := func() hookline.MessageStatus {
		t.Helper()
		got, err := db.FindMessagesByIDs(ctx, []string{msg.ID})
		if err != nil || len(got) != 1 {
			t.Fatalf("FindMessagesByIDs = %v, %v", got, err)
		}
		return got[0].Status
	}

	clock.Add(2 * time.Second) // overdue, but within SweepAfter
	live.sweep()
	if s := status(); s != hookline.StatusSent {
		t.Fatalf("status after an early sweep = %s, want sent", s)
	}
	clock.Add(time.Second) // past ReceiptDelay + SweepAfter
	live.sweep()
	if s := status(); s != hookline.StatusDelivered {
		t.Fatalf("status after the sweep = %s, want delivered", s)
	}
	if due, err := db.DueReceipts(ctx, clock.Now(), 10); err != nil || len(due) != 0 {
		t.Fatalf("DueReceipts after the sweep = %v, %v; want none", due, err)
	}
}
