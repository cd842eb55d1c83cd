package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"hookline"
)

// writer owns every write. Requests that arrive while a transaction is
// committing wait in a channel and are committed together in the next one:
// group commit, so one fsync serves many requests and each caller is answered
// only after its data is durable.
type writer struct {
	db       *DB
	ops      chan *op
	maxBatch int
	// outbox is set on SQLite, where the delivery_outbox row records which
	// messages have a job.
	outbox bool
	// hold, when positive (SQLite only), lets the messages accepted for
	// delivery wait up to that long, in held, so that several commits share
	// one delivery job: River's insert, fetch and completion of a job cost
	// as much as a few dozen webhooks, and a job per commit made them the
	// writer's largest cost after the messages themselves. Crash safety
	// comes from the delivery_outbox row (see holdOrFlush and
	// ResumeDeliveries).
	hold      time.Duration
	held      []string
	heldSince time.Time
	quit      chan struct{}
	done      chan struct{}
	once      sync.Once
	// commits counts the writer's transactions, for checkpoint.
	commits int
	// states, on SQLite, remembers the messages' state (statecache.go).
	states *stateCache
}

// maxHeld is how many held messages make a job at once: a full delivery job
// (jobs.MaxDeliverBatch).
const maxHeld = 500

// op is one write request. Its fn runs inside the batch's transaction. It
// may return a *hookline.Error only before it has written anything; any
// other error aborts the batch, whose ops are then retried one by one.
type op struct {
	ctx context.Context
	fn  func(ctx context.Context, tx *sql.Tx, b *batch) error
	// accept, when set, marks a plain webhook submission that the batch
	// commits together with the others (fn is its one-by-one fallback).
	accept *acceptReq
	// inbox, likewise, is simulated deliveries committed with the others.
	inbox *inboxReq
	done  chan error
}

// batch collects what ops ask for at commit time.
type batch struct {
	deliver   []string
	scheduled map[time.Time][]string
	// callbacks are messages with new status callbacks to send.
	callbacks []string
	// afterCommit runs once the batch is durable.
	afterCommit []func()
	// flushHeld asks for the held messages to get their job in this batch
	// whatever their age (at shutdown).
	flushHeld bool
	// held is what the writer holds once the batch commits.
	held      []string
	heldSince time.Time
	// states is what the batch wrote of its messages' state, for the
	// writer's state cache (nil on PostgreSQL); clearStates empties the
	// cache instead.
	cache       *stateCache
	states      map[string]*msgState
	clearStates bool
}

func newWriter(db *DB, maxBatch int, outbox bool, hold time.Duration) *writer {
	if maxBatch <= 0 {
		maxBatch = 512
	}
	w := &writer{db: db, ops: make(chan *op, 4096), maxBatch: maxBatch, outbox: outbox, hold: hold, quit: make(chan struct{}), done: make(chan struct{})}
	if outbox { // SQLite: this process is the database's only writer
		w.states = newStateCache(1 << 15)
	}
	return w
}

func (w *writer) start() { go w.loop() }

func (w *writer) stop() {
	w.once.Do(func() { close(w.quit) })
	<-w.done
}

// errClosed is returned for writes submitted after Close.
var errClosed = errors.New("database is closed")

// do submits fn and waits until its batch has committed.
func (w *writer) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx, b *batch) error) error {
	return w.submit(ctx, &op{fn: fn})
}

// submit queues o and waits until its batch has committed.
func (w *writer) submit(ctx context.Context, o *op) error {
	o.ctx = context.WithoutCancel(ctx)
	o.done = make(chan error, 1)
	select {
	case w.ops <- o:
	case <-w.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once submitted, the op is committed or failed; wait for the answer
	// even if the caller gave up, so it is never reported lost when durable.
	return <-o.done
}

func (w *writer) loop() {
	defer close(w.done)
	ops := make([]*op, 0, w.maxBatch)
	due := time.NewTimer(time.Hour)
	due.Stop()
	for {
		var dueC <-chan time.Time
		if len(w.held) > 0 {
			due.Reset(time.Until(w.heldSince.Add(w.hold)))
			dueC = due.C
		}
		select {
		case o := <-w.ops:
			ops = w.gather(append(ops[:0], o))
		case <-dueC:
			ops = ops[:0] // a batch of nothing but the held messages' job
		case <-w.quit:
			w.drain()
			w.flush()
			return
		}
		due.Stop()
		w.commit(ops)
		if w.outbox {
			if w.commits++; w.commits%restartEvery == 0 {
				w.checkpoint()
			}
		}
	}
}

// restartEvery is how many commits the writer lets pass between its own
// checkpoints (SQLite).
const restartEvery = 64

// checkpoint copies the rest of the WAL into the database file, between two
// of the writer's transactions, so that the next one can start the log over
// from its beginning instead of growing it. The checkpointer beside the
// writer does most of the copying, but only a checkpoint that no commit
// follows before it ends lets the log restart, and only the writer can run
// one: without it the WAL grew by about 55 MB/s under load (every frame a
// new block of a longer file) and never shrank.
func (w *writer) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := w.db.write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		slog.Warn("wal checkpoint", "err", err)
	}
}

// flush gives the held messages their job before the writer stops. If that
// fails, start-up gives it them (ResumeDeliveries).
func (w *writer) flush() {
	if len(w.held) == 0 {
		return
	}
	if _, err := w.runBatch(nil, true); err != nil {
		slog.Warn("delivery job of held messages not inserted; the next start inserts it", "messages", len(w.held), "err", err)
	}
}

// gather adds the ops already waiting, up to a batch.
func (w *writer) gather(ops []*op) []*op {
	for len(ops) < w.maxBatch {
		select {
		case o := <-w.ops:
			ops = append(ops, o)
		default:
			return ops
		}
	}
	return ops
}

// drain commits what was submitted before stop.
func (w *writer) drain() {
	for {
		ops := w.gather(make([]*op, 0, w.maxBatch))
		if len(ops) == 0 {
			return
		}
		w.commit(ops)
	}
}

// commit runs ops in one transaction. If the transaction itself fails, each
// op is retried alone so one bad op cannot fail its neighbours.
func (w *writer) commit(ops []*op) {
	errs, err := w.run(ops)
	if len(ops) == 0 {
		if err != nil {
			// Only the held messages' job: try again after another wait.
			w.heldSince = time.Now()
			slog.Warn("delivery job of held messages not inserted; retrying", "messages", len(w.held), "err", err)
		}
		return
	}
	if err == nil {
		for i, o := range ops {
			o.done <- errs[i]
		}
		return
	}
	if len(ops) == 1 {
		ops[0].done <- err
		return
	}
	slog.Warn("group commit failed; retrying one by one", "ops", len(ops), "err", err)
	for _, o := range ops {
		errs, err := w.run([]*op{o})
		if err == nil {
			err = errs[0]
		}
		o.done <- err
	}
}

func (w *writer) run(ops []*op) ([]error, error) {
	return w.runBatch(ops, false)
}

// runBatch commits ops in one transaction; flushHeld inserts the job of
// every held message, however recent.
func (w *writer) runBatch(ops []*op, flushHeld bool) ([]error, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := w.db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connection: %w", err)
	}
	defer conn.Close()
	if err := w.db.durable(ctx, conn, true); err != nil {
		return nil, err
	}
	defer w.db.durable(ctx, conn, false)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	b := &batch{flushHeld: flushHeld, cache: w.states}
	errs := make([]error, len(ops))
	var plain []*acceptReq
	var inbox []*inboxReq
	shared := len(ops) > 1
	for _, o := range ops {
		if shared && o.accept != nil {
			plain = append(plain, o.accept)
		} else if shared && o.inbox != nil {
			inbox = append(inbox, o.inbox)
		}
	}
	if len(plain) > 0 {
		if err := w.db.acceptBulk(ctx, tx, b, plain); err != nil {
			return nil, err
		}
	}
	if len(inbox) > 0 {
		if err := w.db.addInboxBulk(ctx, tx, inbox); err != nil {
			return nil, err
		}
	}
	for i, o := range ops {
		if shared && (o.accept != nil || o.inbox != nil) {
			continue
		}
		err := o.fn(ctx, tx, b)
		if err != nil && !isDomainError(err) {
			// A database error may leave the op half-written: abort the
			// batch; commit retries each op alone.
			return nil, err
		}
		errs[i] = err
	}
	if err := w.enqueue(ctx, tx, b); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	if w.outbox {
		w.held, w.heldSince = b.held, b.heldSince
	}
	if w.states != nil {
		w.states.apply(b)
	}
	for _, f := range b.afterCommit {
		f()
	}
	return errs, nil
}

// isDomainError reports whether err is a *hookline.Error: an answer to the
// client (not found, conflict, invalid), which ops return before writing
// anything, so the rest of the batch can still commit.
func isDomainError(err error) bool {
	var e *hookline.Error
	return errors.As(err, &e)
}

// enqueue inserts the delivery jobs the batch asked for, in its transaction.
func (w *writer) enqueue(ctx context.Context, tx *sql.Tx, b *batch) error {
	if err := w.holdOrFlush(ctx, tx, b); err != nil {
		return err
	}
	if len(b.deliver) > 0 && w.db.EnqueueDelivery != nil {
		if err := w.db.EnqueueDelivery(ctx, tx, b.deliver); err != nil {
			return fmt.Errorf("enqueue delivery: %w", err)
		}
	}
	for at, ids := range b.scheduled {
		if w.db.EnqueueDeliveryAt == nil {
			break
		}
		if err := w.db.EnqueueDeliveryAt(ctx, tx, ids, at); err != nil {
			return fmt.Errorf("schedule delivery: %w", err)
		}
	}
	if len(b.callbacks) > 0 && w.db.EnqueueCallbacks != nil {
		if err := w.db.EnqueueCallbacks(ctx, tx, b.callbacks); err != nil {
			return fmt.Errorf("enqueue callbacks: %w", err)
		}
	}
	return nil
}

// durable switches the SQLite connection between synchronous=FULL, for the
// writer's transactions (an fsync before each COMMIT returns, so an answered
// webhook survives power loss), and synchronous=NORMAL for the rest of its
// life, which is River's own bookkeeping (fetching and completing jobs). In
// WAL mode NORMAL still survives a crash of the process; only a power loss
// can undo River's latest state changes, and then a job merely runs again:
// the delivery worker skips messages already sent. The next FULL commit
// makes those frames durable too, since it syncs the whole log.
func (db *DB) durable(ctx context.Context, conn *sql.Conn, full bool) error {
	if db.dialect != SQLite {
		return nil
	}
	mode := "NORMAL"
	if full {
		mode = "FULL"
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = "+mode); err != nil {
		return fmt.Errorf("synchronous %s: %w", mode, err)
	}
	return nil
}

// accepted queues a newly stored message for delivery (now, or at the time
// quiet hours hold it until) and returns the webhook's answer.
func (b *batch) accepted(m *hookline.Message, now int64) *hookline.Acceptance {
	if m.ScheduledFor != nil {
		if b.scheduled == nil {
			b.scheduled = map[time.Time][]string{}
		}
		b.scheduled[*m.ScheduledFor] = append(b.scheduled[*m.ScheduledFor], m.ID)
	} else {
		b.deliver = append(b.deliver, m.ID)
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(now), fromMicros(now)
	return &hookline.Acceptance{MessageID: m.ID, Status: m.Status}
}

// holdOrFlush decides, on SQLite, whether the batch's messages for delivery
// wait for later commits or get their job now with those already held: once
// a job would be full, the oldest has waited w.hold, or the writer stops.
// The job's transaction moves delivery_outbox past every message committed
// so far, since each now has a job (or was not for delivery now). Message
// rowids only grow (messages are never deleted), so the queued messages
// past it after a crash are exactly the ones held when it happened.
func (w *writer) holdOrFlush(ctx context.Context, tx *sql.Tx, b *batch) error {
	b.held, b.heldSince = w.held, w.heldSince
	if !w.outbox || w.db.EnqueueDelivery == nil {
		return nil
	}
	all := append(slices.Clip(w.held), b.deliver...)
	if len(all) == 0 {
		return nil
	}
	since := w.heldSince
	if len(w.held) == 0 {
		since = time.Now()
	}
	if len(all) < maxHeld && !b.flushHeld && time.Since(since) < w.hold {
		b.deliver = nil
		b.held, b.heldSince = all, since
		return nil
	}
	b.deliver = all
	b.held, b.heldSince = nil, time.Time{}
	if _, err := tx.ExecContext(ctx, `UPDATE delivery_outbox SET through_rowid = (SELECT COALESCE(MAX(rowid), 0) FROM messages) WHERE id = 1`); err != nil {
		return fmt.Errorf("delivery outbox: %w", err)
	}
	return nil
}

// ResumeDeliveries gives a delivery job to the messages that a crash left
// without one: on SQLite, the queued messages past delivery_outbox's row,
// which were held for a shared job when the process died. Call it once
// EnqueueDelivery is set and before serving. On PostgreSQL every message
// gets its job in its own commit, so nothing is left.
func (db *DB) ResumeDeliveries(ctx context.Context) (int, error) {
	if !db.writer.outbox {
		return 0, nil
	}
	var n int
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, b *batch) error {
		held := make(map[string]bool, len(db.writer.held))
		for _, id := range db.writer.held {
			held[id] = true
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE rowid > (SELECT through_rowid FROM delivery_outbox WHERE id = 1) AND status = 'queued' ORDER BY rowid`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !held[id] {
				b.deliver = append(b.deliver, id)
				n++
			}
		}
		b.flushHeld = true
		return rows.Err()
	})
	return n, err
}
