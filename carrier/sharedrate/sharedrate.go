// Package sharedrate limits a carrier's throughput across every node of a
// deployment. The token bucket lives in the shared database (see
// sqlstore.DB.ReserveTokens); each node takes tokens from it in chunks of a
// tenth of a second's worth and hands them out locally, so the database
// sees about ten writes a second per busy node whatever the rate.
package sharedrate

import (
	"context"
	"math"
	"time"
)

// Reserver is the shared token bucket: it takes up to want tokens from the
// bucket name, which refills at rate per second up to burst, and says how
// long until the next token when it has none.
type Reserver interface {
	ReserveTokens(ctx context.Context, name string, rate, burst float64, want int) (granted int, wait time.Duration, err error)
}

// Limiter hands out one token per Wait from chunks reserved in the shared
// bucket. It is safe for concurrent use; waiters are served one at a time.
type Limiter struct {
	r     Reserver
	name  string
	rate  float64
	chunk int
	// sem serialises waiters (a mutex a context can abandon).
	sem   chan struct{}
	local int       // tokens reserved and not yet handed out
	until time.Time // when the local tokens expire

	// Now and Sleep are the clock; tests replace them.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// New returns a limiter of rate tokens per second over the bucket name,
// shared by every node that uses the same name and database. Its burst and
// chunk are a tenth of a second's worth (at least one token).
func New(r Reserver, name string, rate float64) *Limiter {
	return &Limiter{r: r, name: name, rate: rate, chunk: max(1, int(math.Floor(rate/10))),
		sem: make(chan struct{}, 1), Now: time.Now, Sleep: sleep}
}

// hold is how long reserved tokens stay usable: a node that reserved a
// chunk and then went idle must not spend it much later, on top of what
// the bucket gave others since, or the deployment would exceed the rate.
const hold = 100 * time.Millisecond

// Wait blocks until a token is available or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l.sem }()
	if l.local > 0 && l.Now().Before(l.until) {
		l.local--
		return nil
	}
	l.local = 0
	for {
		n, wait, err := l.r.ReserveTokens(ctx, l.name, l.rate, float64(l.chunk), l.chunk)
		if err != nil {
			return err
		}
		if n > 0 {
			l.local, l.until = n-1, l.Now().Add(hold)
			return nil
		}
		if err := l.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
