package compliance

import (
	"context"
	"sync"
	"time"

	"hookline"
)

// TriggerFinder finds a trigger of any account.
type TriggerFinder interface {
	FindTriggerByID(ctx context.Context, accountID int64, id string) (*hookline.Trigger, error)
}

// Gate is the delivery worker's send-time check (jobs.Gate). A message whose
// phone opted out after it was queued is canceled with recipient_opted_out;
// one that is due outside its trigger's send window (it was queued late in
// the day, or a backlog delayed it) is held until the window opens.
// Keyword replies pass: the opt-out confirmation goes to a phone that has
// just opted out, and HELP is answered always.
type Gate struct {
	OptOuts  BatchOptOutChecker
	Triggers TriggerFinder
	Now      hookline.Clock

	mu    sync.Mutex
	cache map[string]cachedWindow
}

// cachedWindow keeps a trigger's window briefly: a job of 500 messages of
// one trigger then reads the trigger once, and an edit is seen within
// triggerTTL.
type cachedWindow struct {
	window  *hookline.SendWindow
	expires time.Time
}

const triggerTTL = 5 * time.Second

// BatchOptOutChecker looks up many phones of an account at once.
type BatchOptOutChecker interface {
	OptedOutAmong(ctx context.Context, accountID int64, phones []string) (map[string]bool, error)
}

// Check checks one message: the status change to record instead of sending
// it, or nil to send it.
func (g *Gate) Check(ctx context.Context, m *hookline.Message) (*hookline.StatusChange, error) {
	changes, err := g.CheckAll(ctx, []*hookline.Message{m})
	if err != nil {
		return nil, err
	}
	return changes[0], nil
}

// CheckAll implements jobs.Gate: for each message, the status change to
// record instead of sending it, or nil to send it. The suppression list is
// read with one query per account (a delivery job's messages mostly share
// one), not one per message.
func (g *Gate) CheckAll(ctx context.Context, msgs []*hookline.Message) ([]*hookline.StatusChange, error) {
	at := now(g.Now)
	phones := map[int64][]string{}
	for _, m := range msgs {
		if m.TriggerID != hookline.KeywordReplyTrigger {
			phones[m.AccountID] = append(phones[m.AccountID], m.Phone)
		}
	}
	out := map[int64]map[string]bool{}
	for acc, ps := range phones {
		o, err := g.OptOuts.OptedOutAmong(ctx, acc, ps)
		if err != nil {
			return nil, err
		}
		out[acc] = o
	}
	changes := make([]*hookline.StatusChange, len(msgs))
	for i, m := range msgs {
		if m.TriggerID == hookline.KeywordReplyTrigger {
			continue
		}
		if out[m.AccountID][m.Phone] {
			changes[i] = &hookline.StatusChange{MessageID: m.ID, Status: hookline.StatusCanceled, ErrorCode: hookline.ERecipientOptedOut, At: at}
			continue
		}
		w, err := g.window(ctx, m.TriggerID)
		if err != nil {
			return nil, err
		}
		if until := holdUntil(w, at, m.Phone); until != nil {
			changes[i] = &hookline.StatusChange{MessageID: m.ID, Status: hookline.StatusScheduled, ScheduledFor: until, At: at}
		}
	}
	return changes, nil
}

// window returns the trigger's send window. A trigger deleted since its
// message was queued gets the default window: quiet hours still apply.
func (g *Gate) window(ctx context.Context, triggerID string) (*hookline.SendWindow, error) {
	g.mu.Lock()
	c, ok := g.cache[triggerID]
	g.mu.Unlock()
	if ok && time.Now().Before(c.expires) {
		return c.window, nil
	}
	t, err := g.Triggers.FindTriggerByID(ctx, 0, triggerID)
	var w *hookline.SendWindow
	switch {
	case hookline.ErrorCode(err) == hookline.ETriggerNotFound:
		w = hookline.DefaultSendWindow()
	case err != nil:
		return nil, err
	default:
		w = t.SendWindow
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cache == nil || len(g.cache) > 10000 {
		g.cache = map[string]cachedWindow{}
	}
	g.cache[triggerID] = cachedWindow{window: w, expires: time.Now().Add(triggerTTL)}
	return w, nil
}
