package sqlstore

// stateCache keeps, for the messages the writer wrote last, what a status
// change needs to know of them (msgState without the callback URL, which is
// read per batch since a trigger's URL can change), so that a batch of
// changes need not read its messages back first: that read was a third of
// the writer's work for status changes, and the writer's time is what bounds
// throughput. It is used on SQLite only, where the writer is the only
// writer of the database (the data folder is locked by one process); several
// nodes write a PostgreSQL database.
//
// Entries are exact or absent. Only the writer goroutine touches the cache,
// and only once a batch has committed: each batch stages what it wrote
// (batch.stage) and the writer applies that after COMMIT, so a batch that
// fails leaves the cache as it was. A write whose result the batch does not
// know exactly stages a removal instead. Within a batch, lookups see the
// batch's own staged states first.
type stateCache struct {
	cur, prev map[string]msgState
	max       int
}

func newStateCache(size int) *stateCache {
	return &stateCache{cur: make(map[string]msgState, size), max: size}
}

// get returns the committed state of message id, if cached.
func (c *stateCache) get(id string) (msgState, bool) {
	if st, ok := c.cur[id]; ok {
		return st, true
	}
	st, ok := c.prev[id]
	return st, ok
}

// apply makes a committed batch's staged states the cache's. When the
// current generation is full it becomes the previous one, whose entries are
// dropped at the next turn: the cache holds between max and 2*max entries.
func (c *stateCache) apply(b *batch) {
	if b.clearStates {
		c.cur, c.prev = make(map[string]msgState, c.max), nil
		return
	}
	for id, st := range b.states {
		delete(c.prev, id)
		if st == nil {
			delete(c.cur, id)
			continue
		}
		if len(c.cur) >= c.max {
			c.cur, c.prev = make(map[string]msgState, c.max), c.cur
		}
		c.cur[id] = *st
	}
}

// stage records the state a write of this batch left message id in, or nil
// when the batch does not know it exactly.
func (b *batch) stage(id string, st *msgState) {
	if b.cache == nil {
		return
	}
	if b.states == nil {
		b.states = map[string]*msgState{}
	}
	if st != nil {
		cp := *st
		cp.cb.URL = ""
		st = &cp
	}
	b.states[id] = st
}

// cachedState returns message id's state as of this point of the batch:
// what the batch wrote, else what the cache holds.
func (b *batch) cachedState(id string) (msgState, bool) {
	if b.cache == nil || b.clearStates {
		return msgState{}, false
	}
	if st, ok := b.states[id]; ok {
		if st == nil {
			return msgState{}, false
		}
		return *st, true
	}
	return b.cache.get(id)
}
