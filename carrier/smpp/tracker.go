package smpp

import (
	"sync"
	"sync/atomic"
	"time"

	"hookline"
)

// tracker maps the SMSC's message ids to Hookline messages so receipts can
// be reported by MessageID, aggregates the receipts of a long message's
// parts into one status, and holds receipts that overtake their
// submit_sm_resp.
type tracker struct {
	base  string        // Config.ReceiptIDBase
	grace time.Duration // how long a finished message still swallows duplicates
	ttl   time.Duration // how long an unfinished message is remembered

	inflight atomic.Int64 // submits sent whose ids are not yet tracked
	hexIDs   atomic.Bool  // some submit_sm_resp id had a hex letter

	mu    sync.Mutex
	ids   map[string]partRef
	held  map[string]*heldReceipt
	queue []*tracked // by creation, for expiry
}

// tracked is one message of one or more parts. Its CarrierID is the id of
// its first part.
type tracked struct {
	messageID string
	carrierID string
	created   time.Time
	ids       []string // canonical id of each part
	delivered []bool
	ndone     int
	done      bool
}

type partRef struct {
	t    *tracked
	part int
}

// heldReceipt is a receipt that arrived before its submit_sm_resp; its
// deliver_sm is answered once it is reported.
type heldReceipt struct {
	r       receipt
	at      time.Time
	respond func(ok bool)
}

func newTracker(base string, ttl time.Duration) *tracker {
	return &tracker{
		base: base, grace: 2 * time.Minute, ttl: ttl,
		ids: make(map[string]partRef), held: make(map[string]*heldReceipt),
	}
}

// begin starts tracking a message of n parts.
func (k *tracker) begin(messageID string, n int, now time.Time) *tracked {
	t := &tracked{messageID: messageID, created: now, ids: make([]string, n), delivered: make([]bool, n)}
	k.mu.Lock()
	k.queue = append(k.queue, t)
	k.mu.Unlock()
	return t
}

// bind records the SMSC's id of a part and returns the receipt held for
// it, if one overtook the response.
func (k *tracker) bind(t *tracked, part int, id string) *heldReceipt {
	if hasHexLetter(id) {
		k.hexIDs.Store(true)
	}
	c := canonicalID(id)
	k.mu.Lock()
	defer k.mu.Unlock()
	if part == 0 {
		t.carrierID = id
	}
	t.ids[part] = c
	k.ids[c] = partRef{t, part}
	h := k.held[c]
	delete(k.held, c)
	return h
}

// abort marks a message whose submission failed: later receipts for its
// parts are swallowed.
func (k *tracker) abort(t *tracked) {
	k.mu.Lock()
	t.done = true
	k.mu.Unlock()
}

// receive matches a receipt. It returns the report to make (nil when there
// is nothing to report yet) and held=true when the receipt was kept for a
// submit_sm_resp still on the way.
func (k *tracker) receive(r receipt, now time.Time, respond func(bool)) (rep *hookline.StatusReport, held bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range idCandidates(r.id, k.hexIDs.Load()) {
		if ref, ok := k.ids[c]; ok {
			return k.applyLocked(ref, r, now), false
		}
	}
	if k.inflight.Load() > 0 {
		k.held[canonicalID(r.id)] = &heldReceipt{r: r, at: now, respond: respond}
		return nil, true
	}
	return k.orphan(r, now), false
}

// apply reports a held receipt once its part is known.
func (k *tracker) apply(t *tracked, part int, r receipt, now time.Time) *hookline.StatusReport {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.applyLocked(partRef{t, part}, r, now)
}

// applyLocked folds a part's receipt into its message: the first final
// failure of any part is reported at once; delivered is reported when every
// part is delivered; anything after that is a duplicate and ignored.
func (k *tracker) applyLocked(ref partRef, r receipt, now time.Time) *hookline.StatusReport {
	t := ref.t
	if t.done || !r.final() {
		return nil
	}
	if r.status != hookline.StatusDelivered {
		t.done = true
		return &hookline.StatusReport{MessageID: t.messageID, CarrierID: t.carrierID, Status: r.status, ErrorCode: r.code, At: now}
	}
	if !t.delivered[ref.part] {
		t.delivered[ref.part] = true
		t.ndone++
	}
	if t.ndone < len(t.delivered) {
		return nil
	}
	t.done = true
	return &hookline.StatusReport{MessageID: t.messageID, CarrierID: t.carrierID, Status: hookline.StatusDelivered, At: now}
}

// undo reopens a message whose report the reporter refused, so the SMSC's
// redelivery of the receipt is reported again.
func (k *tracker) undo(rep *hookline.StatusReport) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ref, ok := k.ids[canonicalID(rep.CarrierID)]; ok && rep.MessageID != "" {
		ref.t.done = false
	}
}

// orphan is the report of a receipt no submit of this process claims (sent
// before a restart): by carrier id only.
func (k *tracker) orphan(r receipt, now time.Time) *hookline.StatusReport {
	if !r.final() {
		return nil
	}
	return &hookline.StatusReport{CarrierID: convertID(r.id, k.base), Status: r.status, ErrorCode: r.code, At: now}
}

// sweep forgets expired messages and releases held receipts that no
// response claimed within hold, or at once when no submit is in flight.
func (k *tracker) sweep(now time.Time, hold time.Duration) []*heldReceipt {
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.queue) > 0 {
		t := k.queue[0]
		age := now.Sub(t.created)
		if age < k.ttl && !(t.done && age > k.grace) {
			break
		}
		for _, c := range t.ids {
			if ref, ok := k.ids[c]; ok && ref.t == t {
				delete(k.ids, c)
			}
		}
		k.queue[0] = nil
		k.queue = k.queue[1:]
	}
	var out []*heldReceipt
	idle := k.inflight.Load() == 0
	for c, h := range k.held {
		if idle || now.Sub(h.at) >= hold {
			out = append(out, h)
			delete(k.held, c)
		}
	}
	return out
}
