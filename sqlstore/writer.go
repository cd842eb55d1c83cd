package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
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

// op is one write request. Its fn runs inside the batch's transaction under
// its own savepoint, so a failing op does not undo the others.
type op struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx, b *batch) error
	done chan error
}

// batch collects what ops ask for at commit time.
type batch struct {
	deliver   []string
	scheduled map[time.Time][]string
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
	o := &op{ctx: context.WithoutCancel(ctx), fn: fn, done: make(chan error, 1)}
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
			ops = append(ops[:0], o)
		case <-w.quit:
			w.drain()
			return
		}
	gather:
		for len(ops) < w.maxBatch {
			select {
			case o := <-w.ops:
				ops = append(ops, o)
			default:
				break gather
			}
		}
		w.commit(ops)
	}
}

// drain commits what was submitted before stop.
func (w *writer) drain() {
	for {
		ops := make([]*op, 0, w.maxBatch)
	gather:
		for len(ops) < w.maxBatch {
			select {
			case o := <-w.ops:
				ops = append(ops, o)
			default:
				break gather
			}
		}
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
	tx, err := w.db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	b := &batch{}
	errs := make([]error, len(ops))
	for i, o := range ops {
		errs[i] = w.runOne(ctx, tx, o, b, len(ops) > 1)
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

// runOne runs one op under a savepoint when it shares the transaction.
func (w *writer) runOne(ctx context.Context, tx *sql.Tx, o *op, b *batch, shared bool) error {
	if !shared {
		return o.fn(ctx, tx, b)
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
		return err
	}
	mark := len(b.deliver)
	nAfter := len(b.afterCommit)
	if err := o.fn(ctx, tx, b); err != nil {
		b.deliver = b.deliver[:mark]
		b.afterCommit = b.afterCommit[:nAfter]
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT op"); rerr != nil {
			return rerr
		}
		_, _ = tx.ExecContext(ctx, "RELEASE SAVEPOINT op")
		return err
	}
	_, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT op")
	return err
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
	return nil
}
