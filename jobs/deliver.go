// Package jobs holds Hookline's River job arguments and workers.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"hookline"
)

// DeliverArgs delivers a batch of messages committed together. One job per
// commit batch, not per message, keeps River's per-job cost off the hot path.
type DeliverArgs struct {
	MessageIDs []string `json:"message_ids"`
}

// Kind implements river.JobArgs. It is stable: stored jobs depend on it.
func (DeliverArgs) Kind() string { return "deliver" }

// MaxDeliverBatch bounds how many messages one delivery job carries.
const MaxDeliverBatch = 500

// MessageStore is what the delivery worker needs of the store.
type MessageStore interface {
	FindMessagesByIDs(ctx context.Context, ids []string) ([]*hookline.Message, error)
	ApplyStatusChanges(ctx context.Context, changes []hookline.StatusChange) error
}

// AudioSource gives the voicemail sender the audio of a message.
type AudioSource interface {
	// Voicemail fills v's audio fields for the audio id.
	Voicemail(ctx context.Context, audioID string, v *hookline.OutboundVoicemail) error
}

// Gate decides, at send time, whether messages may go now. For each message
// it returns the status change to record instead of sending (canceled, or
// scheduled for later), or nil to send.
type Gate interface {
	CheckAll(ctx context.Context, msgs []*hookline.Message) ([]*hookline.StatusChange, error)
}

// DeliverWorker hands messages to the carriers.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	Store     MessageStore
	SMS       hookline.SMSSender
	Voicemail hookline.VoicemailSender
	Audio     AudioSource
	Gate      Gate
	// Concurrency bounds the sends in flight per job.
	Concurrency int
	Now         hookline.Clock
	Logger      *slog.Logger
	// Observe, when set, is told each send's carrier and latency.
	Observe func(carrier string, d time.Duration, err error)
	// JobTimeout bounds one job; zero means 10 minutes. It must stay below
	// River's RescueStuckJobsAfter, or a slow job would be handed to another
	// node while it still runs. Sends cut off by it are retried by the next
	// attempt, which skips the messages already sent.
	JobTimeout time.Duration
}

// Timeout is JobTimeout, by default long enough for a batch of voicemail
// calls to finish.
func (w *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	if w.JobTimeout > 0 {
		return w.JobTimeout
	}
	return 10 * time.Minute
}

// Work delivers the job's messages that are still due. Messages already
// sent (by an earlier attempt that crashed or failed part-way) are skipped,
// so a retry never sends a message twice through this path.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	msgs, err := w.Store.FindMessagesByIDs(ctx, job.Args.MessageIDs)
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	due, held, err := w.sortDue(ctx, msgs)
	if err != nil {
		return err
	}
	start := make([]hookline.StatusChange, 0, len(due))
	for _, m := range due {
		start = append(start, hookline.StatusChange{MessageID: m.ID, Status: hookline.StatusSending, At: w.now()})
	}
	// A text is handed over in milliseconds, so its "sending" is recorded
	// with its result in one write; a voicemail call lasts as long as its
	// audio, so it shows "sending" while it runs.
	quick := allTexts(due)
	if !quick || len(held) > 0 {
		pre := held
		if !quick {
			pre = append(pre, start...)
		}
		if err := w.Store.ApplyStatusChanges(ctx, pre); err != nil {
			return fmt.Errorf("mark sending: %w", err)
		}
	}
	lastAttempt := job.Attempt >= job.MaxAttempts
	changes, transient := w.sendAll(ctx, due, lastAttempt)
	if quick {
		changes = append(start, changes...)
	}
	if err := w.Store.ApplyStatusChanges(context.WithoutCancel(ctx), changes); err != nil {
		return fmt.Errorf("record results: %w", err)
	}
	if transient != nil {
		return transient
	}
	return nil
}

// sortDue keeps the messages that should be sent now and returns the status
// changes of those the gate holds back.
func (w *DeliverWorker) sortDue(ctx context.Context, msgs []*hookline.Message) ([]*hookline.Message, []hookline.StatusChange, error) {
	var open []*hookline.Message
	for _, m := range msgs {
		switch m.Status {
		case hookline.StatusQueued, hookline.StatusScheduled, hookline.StatusSending:
			open = append(open, m)
		}
	}
	if w.Gate == nil || len(open) == 0 {
		return open, nil, nil
	}
	checks, err := w.Gate.CheckAll(ctx, open)
	if err != nil {
		return nil, nil, fmt.Errorf("check messages: %w", err)
	}
	var due []*hookline.Message
	var held []hookline.StatusChange
	for i, m := range open {
		if checks[i] != nil {
			held = append(held, *checks[i])
			continue
		}
		due = append(due, m)
	}
	return due, held, nil
}

// sendAll sends concurrently and returns the resulting status changes and,
// if any send failed transiently, an error so River retries the job.
func (w *DeliverWorker) sendAll(ctx context.Context, msgs []*hookline.Message, lastAttempt bool) ([]hookline.StatusChange, error) {
	if b, ok := w.SMS.(hookline.BatchSMSSender); ok && allTexts(msgs) && len(msgs) > 0 {
		return w.sendBatch(ctx, b, msgs, lastAttempt)
	}
	n := w.Concurrency
	if n <= 0 {
		n = 64
	}
	sem := make(chan struct{}, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	changes := make([]hookline.StatusChange, 0, len(msgs))
	var transient error
	for _, m := range msgs {
		sem <- struct{}{}
		wg.Add(1)
		go func(m *hookline.Message) {
			defer func() { <-sem; wg.Done() }()
			c, err := w.send(ctx, m)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && !hookline.IsPermanent(err) && !lastAttempt {
				transient = err
				return
			}
			changes = append(changes, c)
		}(m)
	}
	wg.Wait()
	return changes, transient
}

// sendBatch hands texts to a carrier that takes them in one call, and
// returns what sendAll would.
func (w *DeliverWorker) sendBatch(ctx context.Context, b hookline.BatchSMSSender, msgs []*hookline.Message, lastAttempt bool) ([]hookline.StatusChange, error) {
	out := make([]*hookline.OutboundSMS, len(msgs))
	for i, m := range msgs {
		out[i] = &hookline.OutboundSMS{MessageID: m.ID, From: m.From, To: m.Phone, Body: m.Body}
	}
	start := time.Now()
	results := b.SendSMSBatch(ctx, out)
	took := time.Since(start)
	if len(results) != len(msgs) {
		return nil, fmt.Errorf("carrier %s answered %d outcomes for %d texts", b.Name(), len(results), len(msgs))
	}
	changes := make([]hookline.StatusChange, 0, len(msgs))
	var transient error
	for i, m := range msgs {
		r := results[i]
		if r.Result == nil && r.Err == nil {
			r.Err = &hookline.CarrierError{Code: "carrier_no_result", Err: errors.New("the carrier answered neither a result nor an error")}
		}
		if w.Observe != nil {
			w.Observe(b.Name(), took, r.Err)
		}
		c, err := w.outcome(m, r.Result, b.Name(), r.Err)
		if err != nil && !hookline.IsPermanent(err) && !lastAttempt {
			transient = err
			continue
		}
		changes = append(changes, c)
	}
	return changes, transient
}

// send hands one message to its carrier and returns the change to record.
func (w *DeliverWorker) send(ctx context.Context, m *hookline.Message) (hookline.StatusChange, error) {
	start := time.Now()
	res, carrier, err := w.dispatch(ctx, m)
	if w.Observe != nil {
		w.Observe(carrier, time.Since(start), err)
	}
	return w.outcome(m, res, carrier, err)
}

// outcome is the status change that a send's result or error records.
func (w *DeliverWorker) outcome(m *hookline.Message, res *hookline.SendResult, carrier string, err error) (hookline.StatusChange, error) {
	if err != nil {
		code, status := "carrier_error", hookline.StatusFailed
		var ce *hookline.CarrierError
		if errors.As(err, &ce) {
			code = ce.Code
			if ce.Status != "" {
				status = ce.Status
			}
		}
		w.logger().Warn("send failed", "message_id", m.ID, "carrier", carrier, "code", code, "permanent", hookline.IsPermanent(err), "err", err)
		return hookline.StatusChange{MessageID: m.ID, Status: status, ErrorCode: code, Carrier: carrier, At: w.now()}, err
	}
	status := res.Status
	if status == "" {
		status = hookline.StatusSent
	}
	return hookline.StatusChange{MessageID: m.ID, Status: status, Carrier: carrier, CarrierID: res.CarrierID, At: w.now()}, nil
}

func (w *DeliverWorker) dispatch(ctx context.Context, m *hookline.Message) (*hookline.SendResult, string, error) {
	switch m.Kind {
	case hookline.KindSMS:
		res, err := w.SMS.SendSMS(ctx, &hookline.OutboundSMS{MessageID: m.ID, From: m.From, To: m.Phone, Body: m.Body})
		return res, w.SMS.Name(), err
	case hookline.KindRVM:
		if w.Voicemail == nil {
			return nil, "", &hookline.CarrierError{Code: "no_voicemail_carrier", Permanent: true}
		}
		v := &hookline.OutboundVoicemail{MessageID: m.ID, From: m.From, To: m.Phone, AudioID: m.AudioID}
		if w.Audio != nil {
			if err := w.Audio.Voicemail(ctx, m.AudioID, v); err != nil {
				return nil, w.Voicemail.Name(), err
			}
		}
		res, err := w.Voicemail.SendVoicemail(ctx, v)
		return res, w.Voicemail.Name(), err
	}
	return nil, "", &hookline.CarrierError{Code: "unknown_kind", Permanent: true}
}

func (w *DeliverWorker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *DeliverWorker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// allTexts reports whether every message is an SMS.
func allTexts(msgs []*hookline.Message) bool {
	for _, m := range msgs {
		if m.Kind != hookline.KindSMS {
			return false
		}
	}
	return true
}
