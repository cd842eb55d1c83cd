package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// OptOutCacheTTL bounds how long the webhook's admission check may rely on
// having seen an account's suppression list empty: an opt-out recorded
// through another node (or a tool beside the server) is seen within it, one
// recorded through this node at once. The delivery gate reads the list
// itself at send time, so a message admitted in that window is canceled
// before it is sent, never sent.
const OptOutCacheTTL = time.Second

// AdmissionOptOuts answers the webhook's opt-out check. Most accounts'
// lists are empty, or nearly, and the webhook asks thousands of times a
// second: for an account seen with an empty list in the last
// OptOutCacheTTL it answers without a query.
type AdmissionOptOuts struct {
	db *DB
}

// AdmissionOptOuts returns the webhook's opt-out check.
func (db *DB) AdmissionOptOuts() *AdmissionOptOuts { return &AdmissionOptOuts{db: db} }

// optOutCache remembers accounts whose suppression list was empty.
type optOutCache struct {
	mu    sync.Mutex
	empty map[int64]time.Time // account id -> until when
	// gen is bumped by every opt-out written through this node; a read
	// begun under an older generation is not kept.
	gen atomic.Uint64
}

// IsOptedOut reports whether the phone is on the account's list.
func (a *AdmissionOptOuts) IsOptedOut(ctx context.Context, accountID int64, phone string) (bool, error) {
	c := &a.db.optOuts
	now := time.Now()
	c.mu.Lock()
	until, ok := c.empty[accountID]
	c.mu.Unlock()
	if ok && now.Before(until) {
		return false, nil
	}
	gen := c.gen.Load()
	// Whether the list is empty, and whether the phone is on it, in one
	// query.
	var listed, out int
	err := a.db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM opt_outs WHERE account_id = $1 LIMIT 1) AS o),
		(SELECT COUNT(*) FROM opt_outs WHERE account_id = $1 AND phone = $2)`, accountID, phone).Scan(&listed, &out)
	if err != nil || listed > 0 {
		return out > 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() == gen {
		if c.empty == nil || len(c.empty) >= 10000 {
			c.empty = map[int64]time.Time{}
		}
		c.empty[accountID] = now.Add(OptOutCacheTTL)
	}
	return false, nil
}

// forget drops what the cache knows, after an opt-out written here.
func (c *optOutCache) forget() {
	c.gen.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.empty)
}
