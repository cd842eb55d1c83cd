package sqlstore_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"hookline/internal/pgtest"
	"hookline/sqlstore"
)

// rateClock is a settable clock shared by the stores of one test.
type rateClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *rateClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *rateClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rateNodes opens two stores ("nodes") on one database: two processes on
// one PostgreSQL database, or the one store SQLite allows (its data folder
// is locked by one process, so a deployment on SQLite has one node).
func rateNodes(t *testing.T, backend string, clock *rateClock) [2]*sqlstore.DB {
	if backend == "postgres" {
		url := pgtest.URL(t)
		return [2]*sqlstore.DB{openStore(t, sqlstore.Config{DatabaseURL: url, Now: clock.Now}), openStore(t, sqlstore.Config{DatabaseURL: url, Now: clock.Now})}
	}
	db := openStore(t, sqlstore.Config{DataDir: t.TempDir(), Now: clock.Now})
	return [2]*sqlstore.DB{db, db}
}

// TestReserveTokensAcrossNodes checks the deployment-wide token bucket: two
// nodes reserving from one database together never get more than
// burst + rate × t in any span t, yet get nearly all of it.
func TestReserveTokensAcrossNodes(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "postgres" {
				pgtest.Skip(t)
			}
			t.Parallel()
			t.Run("Interleaved", func(t *testing.T) {
				t.Parallel()
				testReserveInterleaved(t, backend)
			})
			t.Run("Concurrent", func(t *testing.T) {
				t.Parallel()
				testReserveConcurrent(t, backend)
			})
		})
	}
}

// testReserveInterleaved alternates reservations of the two nodes at
// random moments and checks every window of the grants.
func testReserveInterleaved(t *testing.T, backend string) {
	ctx := context.Background()
	clock := &rateClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	nodes := rateNodes(t, backend, clock)
	const rate, burst, chunk = 100.0, 10.0, 10
	type grant struct {
		at time.Duration
		n  int
	}
	var grants []grant
	rng := rand.New(rand.NewPCG(1, 2))
	var elapsed time.Duration
	for i := range 600 {
		step := time.Duration(rng.IntN(40)) * time.Millisecond
		clock.Add(step)
		elapsed += step
		n, wait, err := nodes[i%2].ReserveTokens(ctx, "smpp/test", rate, burst, chunk)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && wait <= 0 {
			t.Fatalf("reservation %d: no tokens and no wait", i)
		}
		if n > chunk {
			t.Fatalf("reservation %d: granted %d, asked %d", i, n, chunk)
		}
		grants = append(grants, grant{elapsed, n})
	}
	total := 0
	for i := range grants {
		sum := 0
		for j := i; j < len(grants); j++ {
			sum += grants[j].n
			span := (grants[j].at - grants[i].at).Seconds()
			if limit := burst + rate*span; float64(sum) > limit+1e-6 {
				t.Fatalf("granted %d in %.3fs (reservations %d..%d), limit %.1f", sum, span, i, j, limit)
			}
		}
		total += grants[i].n
	}
	// Callers that ask every 20 ms on average leave little unused: the
	// bucket refills 10 tokens in 100 ms and holds 10.
	if want := rate * elapsed.Seconds() * 0.8; float64(total) < want {
		t.Fatalf("granted %d over %s, want at least %.0f", total, elapsed, want)
	}
}

// testReserveConcurrent races many reservations of both nodes at one
// instant: together they get exactly what the bucket holds.
func testReserveConcurrent(t *testing.T, backend string) {
	ctx := context.Background()
	clock := &rateClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	nodes := rateNodes(t, backend, clock)
	const rate, burst = 100.0, 50.0
	race := func() int {
		var mu sync.Mutex
		var wg sync.WaitGroup
		total := 0
		for g := range 16 {
			wg.Go(func() {
				for range 5 {
					n, _, err := nodes[g%2].ReserveTokens(ctx, "smpp/race", rate, burst, 3)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return total
	}
	if got := race(); got != burst {
		t.Fatalf("a full bucket of %v gave %d tokens to racing nodes", burst, got)
	}
	clock.Add(300 * time.Millisecond)
	if got := race(); got != 30 {
		t.Fatalf("300 ms at %v/s refilled %d tokens for racing nodes, want 30", rate, got)
	}
}
