package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"hookline"
	"hookline/sqlstore"
)

// jobLog records the delivery jobs a store inserts.
type jobLog struct {
	mu   sync.Mutex
	jobs [][]string
}

func (l *jobLog) enqueue(_ context.Context, _ *sql.Tx, ids []string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.jobs = append(l.jobs, slices.Clone(ids))
	return nil
}

func (l *jobLog) ids() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var all []string
	for _, j := range l.jobs {
		all = append(all, j...)
	}
	return all
}

func (l *jobLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.jobs)
}

// mustTrigger creates an account of that name and an SMS trigger of it.
func mustTrigger(t *testing.T, db *sqlstore.DB, account string) *hookline.Trigger {
	t.Helper()
	ctx := context.Background()
	acc, err := db.FindOrCreateAccount(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	tr := &hookline.Trigger{AccountID: acc.ID, Kind: hookline.KindSMS, Name: "T", Body: "Hi", Enabled: true}
	if err := db.CreateTrigger(ctx, tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// accept accepts a text of tr to phone and returns its id.
func accept(db *sqlstore.DB, tr *hookline.Trigger, phone string) (string, error) {
	m := &hookline.Message{ID: uuid.Must(uuid.NewV7()).String(), AccountID: tr.AccountID, TriggerID: tr.ID, Kind: hookline.KindSMS,
		Phone: phone, Body: "Hi", Encoding: hookline.GSM7, Segments: 1, Status: hookline.StatusQueued}
	_, err := db.Accept(context.Background(), &hookline.Submission{Message: m, Contact: &hookline.Contact{AccountID: tr.AccountID, Phone: phone}})
	return m.ID, err
}

// acceptN accepts n messages of one trigger, concurrently so that they share
// commits, and returns their ids in no particular order.
func acceptN(t *testing.T, db *sqlstore.DB, tr *hookline.Trigger, from, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := accept(db, tr, fmt.Sprintf("+1775538%04d", from+i))
			if err != nil {
				errs <- err
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ids
}

// TestDeliveryOutbox checks that, on SQLite, messages accepted over several
// commits share one delivery job once the wait is over; that a crash while
// they wait loses none (the next start gives exactly them a job); and that a
// message that got its job is never given a second one.
func TestDeliveryOutbox(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	// Messages wait for a shared job and get one after the wait, even with
	// no later commit to carry it.
	const wait = 400 * time.Millisecond
	db := openStore(t, sqlstore.Config{DataDir: dir, JobBatchWait: wait})
	var log jobLog
	db.EnqueueDelivery = log.enqueue
	tr := mustTrigger(t, db, "outbox")
	start := time.Now()
	first := acceptN(t, db, tr, 0, 40)
	if n := log.count(); n != 0 && time.Since(start) < wait {
		t.Fatalf("%d jobs inserted before the wait was over", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for log.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := log.ids(); log.count() != 1 || !sameSet(got, first) {
		t.Fatalf("after the wait: %d jobs with %d messages, want 1 job with the 40", log.count(), len(got))
	}

	// Messages still waiting when the process dies: a second handle on the
	// same database, as a restart would open it, finds exactly them.
	held := openStore(t, sqlstore.Config{DataDir: dir, JobBatchWait: time.Hour})
	var heldLog jobLog
	held.EnqueueDelivery = heldLog.enqueue
	waiting := acceptN(t, held, tr, 100, 30)
	if n := heldLog.count(); n != 0 {
		t.Fatalf("%d jobs inserted while an hour's wait runs", n)
	}
	restart := openStore(t, sqlstore.Config{DataDir: dir})
	var restartLog jobLog
	restart.EnqueueDelivery = restartLog.enqueue
	n, err := restart.ResumeDeliveries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := restartLog.ids(); n != len(waiting) || !sameSet(got, waiting) {
		t.Fatalf("resume gave a job to %d messages (%d logged), want exactly the %d waiting", n, len(got), len(waiting))
	}
	// Once given their job, they are not given another.
	if n, err := restart.ResumeDeliveries(ctx); err != nil || n != 0 {
		t.Fatalf("second resume: %d messages, %v; want 0", n, err)
	}
	// A message that waits but is no longer queued (canceled) is not resumed.
	canceled := acceptN(t, held, tr, 200, 1)[0]
	if err := held.ApplyStatusChanges(ctx, []hookline.StatusChange{{MessageID: canceled, Status: hookline.StatusCanceled, ErrorCode: "test"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := restart.ResumeDeliveries(ctx); err != nil || n != 0 {
		t.Fatalf("resume with only a canceled message waiting: %d messages, %v; want 0", n, err)
	}
}

// TestDeliveryOutboxFullJob checks that a full job's worth of waiting
// messages gets its job at once, without waiting.
func TestDeliveryOutboxFullJob(t *testing.T) {
	db := openStore(t, sqlstore.Config{DataDir: t.TempDir(), JobBatchWait: time.Hour})
	var log jobLog
	db.EnqueueDelivery = log.enqueue
	tr := mustTrigger(t, db, "full")
	ids := acceptN(t, db, tr, 0, 600)
	got := log.ids()
	if log.count() == 0 || len(got) < 500 {
		t.Fatalf("%d jobs with %d messages after 600 accepts, want a full job of 500 or more", log.count(), len(got))
	}
	for _, id := range got {
		if !slices.Contains(ids, id) {
			t.Fatalf("job names %s, which was not accepted", id)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestWALStaysBounded checks that the SQLite log starts over under a load
// that never lets the writer idle, instead of growing with every commit.
func TestWALStaysBounded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openStore(t, sqlstore.Config{DataDir: dir})
	tr := mustTrigger(t, db, "wal")
	var wg sync.WaitGroup
	var maxWAL atomic.Int64
	stop := make(chan struct{})
	wal := filepath.Join(dir, "hookline.db-wal")
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := accept(db, tr, fmt.Sprintf("+1775%03d%04d", 500+g, i%10000)); err != nil {
					t.Error(err)
					return
				}
				if fi, err := os.Stat(wal); err == nil && fi.Size() > maxWAL.Load() {
					maxWAL.Store(fi.Size())
				}
			}
		}()
	}
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	var pages int64
	if err := db.ReadDB().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	t.Logf("largest WAL %d bytes; database %d pages", maxWAL.Load(), pages)
	if maxWAL.Load() > 48<<20 {
		t.Fatalf("the WAL grew to %d bytes", maxWAL.Load())
	}
}
