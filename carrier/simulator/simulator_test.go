package simulator_test

import (
	"context"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/carriertest"
	"hookline/carrier/simulator"
	"hookline/sqlstore"
)

// harnessStore is the inbox of a real SQLite store.
func mustOpenStore(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), sqlstore.Config{DataDir: t.TempDir()})
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

// newCarrier returns a simulator on a real store whose reports go to a
// channel, with +15005550999 refused.
func newCarrier(t *testing.T) (*simulator.Carrier, *sqlstore.DB, carriertest.ChanReporter) {
	db := mustOpenStore(t)
	reports := make(carriertest.ChanReporter, 100)
	c := simulator.New(simulator.Config{Store: db, Reporter: reports, ReceiptDelay: 10 * time.Millisecond, FailPhones: []string{"+15005550999"}})
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, db, reports
}

func TestSimulatorConformanceSMS(t *testing.T) {
	carriertest.RunSMS(t, func(t *testing.T) *carriertest.SMSHarness {
		c, db, reports := newCarrier(t)
		return &carriertest.SMSHarness{Sender: c, Reports: reports, FailPhone: "+15005550999", From: "+15005550000",
			Received: func(phone string) []string { return inbox(t, db, phone) }}
	})
}

// inbox reads what the simulated phone holds straight from the table, as the
// far end of the conformance suite.
func inbox(t *testing.T, db *sqlstore.DB, phone string) []string {
	rows, err := db.ReadDB().Query(`SELECT body FROM simulator_inbox WHERE phone = ? ORDER BY id`, phone)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		rows.Scan(&b)
		out = append(out, b)
	}
	return out
}

func TestSimulatorConformanceVoicemail(t *testing.T) {
	carriertest.RunVoicemail(t, func(t *testing.T) *carriertest.VoicemailHarness {
		c, _, reports := newCarrier(t)
		return &carriertest.VoicemailHarness{Sender: c, Reports: reports, FailPhone: "+15005550999", From: "+15005550000",
			Audio: func(ctx context.Context, codec hookline.G711Codec) ([]byte, error) { return make([]byte, 8000), nil }}
	})
}

// TestSimulatorResendIsNotASecondDelivery sends the same message twice, as a
// retry after a crash would: the phone keeps one entry and one report.
func TestSimulatorResendIsNotASecondDelivery(t *testing.T) {
	c, db, reports := newCarrier(t)
	m := &hookline.OutboundSMS{MessageID: "0193a000-0000-7000-8000-000000000001", To: "+15005550123", Body: "once"}
	for range 2 {
		if _, err := c.SendSMS(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	<-reports
	select {
	case r := <-reports:
		t.Fatalf("second report %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
	pending, _ := db.PendingReceipts(context.Background())
	if len(pending) != 0 {
		t.Fatalf("pending after the report: %+v", pending)
	}
}

// TestSimulatorBatchResend sends, in one batch, a message already
// delivered and a new one twice: each phone keeps one entry, and only the
// new message gets a report.
func TestSimulatorBatchResend(t *testing.T) {
	c, db, reports := newCarrier(t)
	old := &hookline.OutboundSMS{MessageID: "0193a000-0000-7000-8000-000000000011", To: "+15005550131", Body: "old"}
	if _, err := c.SendSMS(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	<-reports
	fresh := &hookline.OutboundSMS{MessageID: "0193a000-0000-7000-8000-000000000012", To: "+15005550132", Body: "new"}
	for i, o := range c.SendSMSBatch(context.Background(), []*hookline.OutboundSMS{old, fresh, fresh}) {
		if o.Err != nil || o.Result.CarrierID == "" {
			t.Fatalf("outcome %d: %+v %v", i, o.Result, o.Err)
		}
	}
	if r := <-reports; r.MessageID != fresh.MessageID {
		t.Fatalf("report for %s, want %s", r.MessageID, fresh.MessageID)
	}
	select {
	case r := <-reports:
		t.Fatalf("second report %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
	for _, m := range []*hookline.OutboundSMS{old, fresh} {
		if got := inbox(t, db, m.To); len(got) != 1 {
			t.Fatalf("%s received %q, want one text", m.To, got)
		}
	}
}

// TestSimulatorTransientFailure fails a number twice, then delivers.
func TestSimulatorTransientFailure(t *testing.T) {
	c, _, _ := newCarrier(t)
	c.SetFailure("+15005550124", simulator.FailTransient, 2)
	m := &hookline.OutboundSMS{MessageID: "0193a000-0000-7000-8000-000000000002", To: "+15005550124", Body: "retry"}
	for i := range 2 {
		if _, err := c.SendSMS(context.Background(), m); err == nil || hookline.IsPermanent(err) {
			t.Fatalf("send %d: %v, want a transient error", i, err)
		}
	}
	if _, err := c.SendSMS(context.Background(), m); err != nil {
		t.Fatalf("third send: %v", err)
	}
}
