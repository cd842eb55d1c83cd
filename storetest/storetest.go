// Package storetest is the conformance suite every Hookline store backend
// passes: the same tests, unchanged, run against SQLite and PostgreSQL (see
// sqlstore/sqlite_test.go and sqlstore/postgres_test.go). It speaks only the
// root package's service interfaces, so it proves behaviour, not SQL.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"hookline"
)

// Store is what a backend must implement to be tested here.
type Store interface {
	hookline.AccountService
	hookline.TriggerService
	hookline.MessageService
	hookline.ContactService
	hookline.InboxStore
	hookline.StatusReporter
	hookline.AudioService
	FindMessagesByIDs(ctx context.Context, ids []string) ([]*hookline.Message, error)
	ApplyStatusChanges(ctx context.Context, changes []hookline.StatusChange) error
	CountMessagesByStatus(ctx context.Context) (map[hookline.MessageStatus]int64, error)
}

// Opener returns a fresh, empty, migrated and started store whose clock is
// now; it closes the store when t ends.
type Opener func(t *testing.T, now hookline.Clock) Store

// Run runs the whole suite against the stores open returns.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Accounts", testAccounts},
		{"APIKeys", testAPIKeys},
		{"Audio", testAudio},
		{"Triggers", testTriggers},
		{"TriggerUpdateDelete", testTriggerUpdateDelete},
		{"AcceptAndFind", testAcceptAndFind},
		{"ContactUpsert", testContactUpsert},
		{"ContactSearch", testContactSearch},
		{"Idempotency", testIdempotency},
		{"MessagePaging", testMessagePaging},
		{"StatusChanges", testStatusChanges},
		{"EarlyReceipt", testEarlyReceipt},
		{"BatchCarrierIDs", testBatchCarrierIDs},
		{"Inbox", testInbox},
		{"ConcurrentAccepts", testConcurrentAccepts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var ctx = context.Background()

// wantCode fails t unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := hookline.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mustAccount creates an account.
func mustAccount(t *testing.T, s Store, name string) *hookline.Account {
	t.Helper()
	a, err := s.FindOrCreateAccount(ctx, name)
	must(t, err)
	return a
}

// mustTrigger creates an SMS trigger of the account.
func mustTrigger(t *testing.T, s Store, accountID int64) *hookline.Trigger {
	t.Helper()
	tr := &hookline.Trigger{AccountID: accountID, Kind: hookline.KindSMS, Name: "Welcome", Body: "Hi {first|there}", Enabled: true}
	must(t, s.CreateTrigger(ctx, tr))
	return tr
}

// submission builds a webhook submission for phone through tr.
func submission(tr *hookline.Trigger, phone string) *hookline.Submission {
	return &hookline.Submission{
		Message: &hookline.Message{ID: uuid.NewString(), AccountID: tr.AccountID, TriggerID: tr.ID, Kind: tr.Kind,
			Phone: phone, Body: "Hi there", Encoding: hookline.GSM7, Segments: 1, Status: hookline.StatusQueued},
		Contact: &hookline.Contact{AccountID: tr.AccountID, Phone: phone},
	}
}

// mustAccept accepts a submission.
func mustAccept(t *testing.T, s Store, sub *hookline.Submission) *hookline.Acceptance {
	t.Helper()
	acc, err := s.Accept(ctx, sub)
	must(t, err)
	return acc
}

func phoneN(i int) string { return fmt.Sprintf("+1775538%04d", i) }
