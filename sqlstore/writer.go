package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
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
	quit     chan struct{}
	done     chan struct{}
	once     sync.Once
}

// op is one write request. Its fn runs inside the batch's transaction. It
// may return a *hookline.Error only before it has written anything; any
// other error aborts the batch, whose ops are then retried one by one.
type op struct {
	ctx context.Context
	fn  func(ctx context.Context, tx *sql.Tx, b *batch) error
	// accept, when set, marks a plain webhook submission that the batch
	// commits together with the others (fn is its one-by-one fallback).
	accept *acceptReq
	// inbox, likewise, is a simulated delivery committed with the others.
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
}

func newWriter(db *DB, maxBatch int) *writer {
	if maxBatch <= 0 {
		maxBatch = 512
	}
	return &writer{db: db, ops: make(chan *op, 4096), maxBatch: maxBatch, quit: make(chan struct{}), done: make(chan struct{})}
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
	for {
		select {
		case o := <-w.ops:
			ops = w.gather(append(ops[:0], o))
		case <-w.quit:
			w.drain()
			return
		}
		w.commit(ops)
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
	b := &batch{}
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
