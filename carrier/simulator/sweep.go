package simulator

import "time"

// sweepBatch is how many overdue reports one query loads and one write
// reports; sweepRounds bounds the batches of one sweep, so a large backlog
// is worked off over several ticks instead of in one long burst.
const (
	sweepBatch  = 1000
	sweepRounds = 10
)

// sweepLoop sweeps every SweepEvery until Close.
//
// A node's delivery reports are timers in that node. When it dies (SIGKILL,
// power loss) its timers die with it, but the inbox entries they were for
// are in the shared database with no receipt: every live node's sweep finds
// them there and reports them, so a dead node's messages still end
// delivered, typically within SweepEvery of ReceiptDelay+SweepAfter.
// Two nodes sweeping the same entries at once send the same report twice,
// which the store ignores (status never moves backwards).
func (c *Carrier) sweepLoop() {
	defer close(c.sweepDone)
	t := time.NewTicker(c.cfg.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.sweep()
		case <-c.ctx.Done():
			return
		}
	}
}

// sweep reports the entries whose report is overdue by more than
// SweepAfter. The query reads only the partial index of entries still owed a
// report, so an idle sweep costs one small index scan.
func (c *Carrier) sweep() {
	cutoff := c.cfg.Now().Add(-(c.cfg.ReceiptDelay + c.cfg.SweepAfter))
	for range sweepRounds {
		ids, err := c.cfg.Store.DueReceipts(c.ctx, cutoff, sweepBatch)
		if err != nil {
			if c.ctx.Err() == nil {
				c.cfg.Logger.Error("simulator sweep", "err", err)
			}
			return
		}
		if len(ids) > 0 {
			c.cfg.Logger.Debug("simulator sweep: sending overdue reports", "count", len(ids))
			if c.sendReceipts(ids) != nil {
				return
			}
		}
		if len(ids) < sweepBatch {
			return
		}
	}
}
