package smpp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/smpp/smpptest"
)

// batchReporter is a BatchStatusReporter that records batch sizes, takes a
// little time per batch as a store write does, and fails while failing is
// set.
type batchReporter struct {
	mu      sync.Mutex
	sizes   []int
	single  int
	failing bool
	out     chan hookline.StatusReport
}

func (b *batchReporter) ReportStatus(ctx context.Context, r hookline.StatusReport) error {
	b.mu.Lock()
	b.single++
	b.mu.Unlock()
	b.out <- r
	return nil
}

func (b *batchReporter) ReportStatuses(ctx context.Context, rs []hookline.StatusReport) error {
	time.Sleep(2 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failing {
		return errors.New("store down")
	}
	b.sizes = append(b.sizes, len(rs))
	for _, r := range rs {
		b.out <- r
	}
	return nil
}

// TestBatchedReceipts: with a BatchStatusReporter, receipts reach it in
// batches, never one call per receipt.
func TestBatchedReceipts(t *testing.T) {
	t.Parallel()
	peer := smpptest.Start(t)
	br := &batchReporter{out: make(chan hookline.StatusReport, 1000)}
	tc := MustStartClient(t, peer, func(c *Config) { c.Reporter = br; c.Window = 50 })
	const n = 300
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: fmt.Sprint("b", i), To: "+15005550100", Body: "batch"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	timeout := time.After(10 * time.Second)
	for len(seen) < n {
		select {
		case r := <-br.out:
			if r.Status != hookline.StatusDelivered {
				t.Fatalf("report %+v, want delivered", r)
			}
			seen[r.MessageID] = true
		case <-timeout:
			t.Fatalf("%d of %d receipts reported", len(seen), n)
		}
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	if br.single != 0 || len(br.sizes) >= n {
		t.Errorf("%d single reports and %d batches for %d receipts, want batches only", br.single, len(br.sizes), n)
	}
	t.Logf("%d receipts in %d batches", n, len(br.sizes))
}

// TestBatcherFailure: a batch the store refuses is undone and every one of
// its deliver_sm is answered with an error, so the SMSC delivers them again.
func TestBatcherFailure(t *testing.T) {
	t.Parallel()
	br := &batchReporter{failing: true}
	var mu sync.Mutex
	var undone, refused int
	b := newBatcher(br, func(*hookline.StatusReport) { mu.Lock(); undone++; mu.Unlock() }, func(string, ...any) {})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.run(ctx); close(done) }()
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		b.add(nil, hookline.StatusReport{MessageID: fmt.Sprint(i)}, func(ok bool) {
			mu.Lock()
			if !ok {
				refused++
			}
			mu.Unlock()
			wg.Done()
		})
	}
	wg.Wait()
	cancel()
	<-done
	if undone != 3 || refused != 3 {
		t.Fatalf("undone %d, refused %d; want 3 and 3", undone, refused)
	}
}
