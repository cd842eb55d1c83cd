package sharedrate_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"hookline/carrier/sharedrate"
	"hookline/sqlstore"
)

// clock is a fake clock that sleeping advances.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return nil
}

// TestTwoLimitersShareTheRate runs two nodes' limiters over one SQLite
// store: together they send at the configured rate, not twice it.
func TestTwoLimitersShareTheRate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	start := c.Now()
	db, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir(), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Start()
	const rate, sends = 50.0, 500
	var nodes [2]*sharedrate.Limiter
	for i := range nodes {
		nodes[i] = sharedrate.New(db, "smpp/acme@smsc:2775", rate)
		nodes[i].Now, nodes[i].Sleep = c.Now, c.Sleep
	}
	for i := range sends {
		if err := nodes[i%2].Wait(ctx); err != nil {
			t.Fatal(err)
		}
		// Every send at fake time e is within the burst (5) plus rate × e.
		if e := c.Now().Sub(start).Seconds(); float64(i+1) > 5+rate*e+1e-9 {
			t.Fatalf("send %d at %.3fs: over %v/s across both nodes", i+1, e, rate)
		}
	}
	if e := c.Now().Sub(start).Seconds(); e > 1.1*sends/rate {
		t.Fatalf("%d sends took %.2fs at %v/s: the limiters waste tokens", sends, e, rate)
	}
}
