package smpp

import (
	"context"
	"time"

	"hookline"
)

// maxReportBatch bounds the receipts handed to ReportStatuses at once.
const maxReportBatch = 500

// pendingReport is a receipt waiting in the batch queue, with the answer
// to give its deliver_sm once the store has it (or failed to take it).
type pendingReport struct {
	rep     hookline.StatusReport
	respond func(ok bool)
}

// batcher hands receipts to a BatchStatusReporter many at a time. Receipts
// arrive in bursts at thousands per second; one store write each would make
// the store the bottleneck, one write per batch does not. While a batch is
// being written the next one gathers in the queue, so batches grow with the
// load and a lone receipt is written at once.
type batcher struct {
	to    hookline.BatchStatusReporter
	queue chan pendingReport
	undo  func(*hookline.StatusReport)
	log   func(msg string, args ...any)
}

func newBatcher(to hookline.BatchStatusReporter, undo func(*hookline.StatusReport), log func(string, ...any)) *batcher {
	return &batcher{to: to, queue: make(chan pendingReport, 4*maxReportBatch), undo: undo, log: log}
}

// add queues rep; respond is called once it is stored or refused. It waits
// while the queue is full, which slows the handling of deliver_sm: the
// SMSC's window then throttles it. It gives up when gone closes (the
// session died or the client closed): the SMSC will deliver it again.
func (b *batcher) add(gone <-chan struct{}, rep hookline.StatusReport, respond func(bool)) {
	select {
	case b.queue <- pendingReport{rep, respond}:
	case <-gone:
		respond(false)
	}
}

// run writes batches until ctx ends, then writes what is still queued.
func (b *batcher) run(ctx context.Context) {
	batch := make([]pendingReport, 0, maxReportBatch)
	for {
		select {
		case p := <-b.queue:
			batch = b.gather(append(batch[:0], p))
			b.flush(batch)
		case <-ctx.Done():
			for {
				batch = b.gather(batch[:0])
				if len(batch) == 0 {
					return
				}
				b.flush(batch)
			}
		}
	}
}

// gather adds what is queued to batch without waiting, up to the limit.
func (b *batcher) gather(batch []pendingReport) []pendingReport {
	for len(batch) < maxReportBatch {
		select {
		case p := <-b.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// flush stores one batch and answers its deliver_sm: all accepted, or all
// refused so that the SMSC delivers them again.
func (b *batcher) flush(batch []pendingReport) {
	reps := make([]hookline.StatusReport, len(batch))
	for i, p := range batch {
		reps[i] = p.rep
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := b.to.ReportStatuses(ctx, reps)
	cancel()
	if err != nil {
		b.log("smpp: report statuses", "receipts", len(batch), "err", err)
		for i := range reps {
			b.undo(&reps[i])
		}
	}
	for _, p := range batch {
		p.respond(err == nil)
	}
}
