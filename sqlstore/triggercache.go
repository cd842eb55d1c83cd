package sqlstore

import (
	"sync"
	"sync/atomic"
	"time"

	"hookline"
)

// TriggerCacheTTL bounds how long a node may answer a webhook from a trigger
// read earlier: a change made through another node is seen within it. A
// change made through this node is seen at once.
const TriggerCacheTTL = time.Second

// triggerCache keeps recently read triggers for the webhook path, which
// reads the same few triggers thousands of times a second.
type triggerCache struct {
	mu      sync.Mutex
	entries map[string]triggerEntry
	// gen is bumped by every trigger write of this node; entries read
	// under an older generation are stale.
	gen atomic.Uint64
}

type triggerEntry struct {
	t       hookline.Trigger
	expires time.Time
	gen     uint64
}

const triggerCacheMax = 10000

func (c *triggerCache) get(id string, now time.Time) (*hookline.Trigger, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || now.After(e.expires) || e.gen != c.gen.Load() {
		return nil, false
	}
	t := e.t
	return &t, true
}

func (c *triggerCache) put(t *hookline.Trigger, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= triggerCacheMax {
		c.entries = make(map[string]triggerEntry)
	}
	c.entries[t.ID] = triggerEntry{t: *t, expires: now.Add(TriggerCacheTTL), gen: gen}
}

// invalidate forgets every cached trigger.
func (c *triggerCache) invalidate() { c.gen.Add(1) }
