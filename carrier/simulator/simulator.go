// Package simulator is Hookline's built-in carrier: it "delivers" texts and
// voicemails to simulated phones whose inboxes are kept in the database,
// sends delivery reports after a configurable delay, and can be told to fail
// chosen numbers, so the whole flow can be seen without a carrier account.
package simulator

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"hookline"
)

// Config configures the simulator.
type Config struct {
	Store    hookline.InboxStore
	Reporter hookline.StatusReporter
	// ReceiptDelay is how long after a send its delivery report comes.
	ReceiptDelay time.Duration
	// FailPhones are refused permanently (undelivered).
	FailPhones []string
	// SweepEvery is how often the simulator looks in the database for
	// delivery reports that are overdue, whichever node sent the message,
	// and sends them (see sweep.go). Default 1s; negative turns it off.
	SweepEvery time.Duration
	// SweepAfter is how long past ReceiptDelay a report must be overdue
	// before a sweep sends it, so that sweeps leave the reports of a live,
	// busy node to its own timers. Default 5s.
	SweepAfter time.Duration
	Now        hookline.Clock
	Logger     *slog.Logger
}

// Failure modes a phone can be given.
const (
	FailPermanent = "permanent"
	FailTransient = "transient"
)

type failure struct {
	mode  string
	count int // for transient failures: how many sends fail; <=0 means all
}

// Carrier is the simulator. It is safe for concurrent use.
type Carrier struct {
	cfg      Config
	mu       sync.Mutex
	failures map[string]*failure
	wg       sync.WaitGroup
	ctx      context.Context
	cancel   context.CancelFunc
	// due carries message ids whose delivery report is due.
	due      chan []string
	loopDone chan struct{}
	// sweepDone is closed when the sweep loop ends; nil until Start.
	sweepDone chan struct{}
}

var (
	_ hookline.BatchSMSSender  = (*Carrier)(nil)
	_ hookline.VoicemailSender = (*Carrier)(nil)
)

// New returns a simulator. Call Start to resume delivery reports that were
// due when the process last stopped.
func New(cfg Config) *Carrier {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = time.Second
	}
	if cfg.SweepAfter <= 0 {
		cfg.SweepAfter = 5 * time.Second
	}
	c := &Carrier{cfg: cfg, failures: map[string]*failure{}, due: make(chan []string, 64), loopDone: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	go c.receiptLoop()
	for _, p := range cfg.FailPhones {
		c.failures[p] = &failure{mode: FailPermanent}
	}
	return c
}

// Name implements hookline.SMSSender.
func (c *Carrier) Name() string { return "simulator" }

// Start schedules the delivery reports still owed for earlier sends and
// starts the sweep that sends those any node left overdue.
func (c *Carrier) Start(ctx context.Context) error {
	pending, err := c.cfg.Store.PendingReceipts(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, len(pending))
	for i, e := range pending {
		ids[i] = e.MessageID
	}
	c.scheduleReceipts(ids, c.cfg.ReceiptDelay)
	if c.cfg.SweepEvery > 0 && c.sweepDone == nil {
		c.sweepDone = make(chan struct{})
		go c.sweepLoop()
	}
	return nil
}

// Close stops pending reports; Start sends them again on the next run.
func (c *Carrier) Close() {
	c.cancel()
	c.wg.Wait()
	<-c.loopDone
	if c.sweepDone != nil {
		<-c.sweepDone
	}
}

// SetFailure makes sends to phone fail: mode FailPermanent, or FailTransient
// for the next count sends (count <= 0: until cleared). An empty mode clears.
func (c *Carrier) SetFailure(phone, mode string, count int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if mode == "" {
		delete(c.failures, phone)
		return
	}
	c.failures[phone] = &failure{mode: mode, count: count}
}

// check returns the error a send to phone must fail with, if any.
func (c *Carrier) check(phone string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.failures[phone]
	if f == nil {
		return nil
	}
	if f.mode == FailPermanent {
		return &hookline.CarrierError{Code: "sim_rejected", Permanent: true, Status: hookline.StatusUndelivered}
	}
	if f.count > 0 {
		if f.count--; f.count == 0 {
			delete(c.failures, phone)
		}
	}
	return &hookline.CarrierError{Code: "sim_unavailable"}
}

// SendSMS delivers a text to the simulated phone.
func (c *Carrier) SendSMS(ctx context.Context, m *hookline.OutboundSMS) (*hookline.SendResult, error) {
	return c.deliver(ctx, &hookline.InboxEntry{MessageID: m.MessageID, Phone: m.To, From: m.From, Kind: hookline.KindSMS, Body: m.Body})
}

// SendVoicemail drops a voicemail in the simulated phone's mailbox.
func (c *Carrier) SendVoicemail(ctx context.Context, v *hookline.OutboundVoicemail) (*hookline.SendResult, error) {
	return c.deliver(ctx, &hookline.InboxEntry{MessageID: v.MessageID, Phone: v.To, From: v.From, Kind: hookline.KindRVM,
		AudioID: v.AudioID, DurationMS: v.Duration.Milliseconds()})
}

func (c *Carrier) deliver(ctx context.Context, e *hookline.InboxEntry) (*hookline.SendResult, error) {
	out := c.deliverAll(ctx, []*hookline.InboxEntry{e})
	return out[0].Result, out[0].Err
}

// SendSMSBatch delivers texts to their simulated phones with one write.
func (c *Carrier) SendSMSBatch(ctx context.Context, msgs []*hookline.OutboundSMS) []hookline.SendOutcome {
	es := make([]*hookline.InboxEntry, len(msgs))
	for i, m := range msgs {
		es[i] = &hookline.InboxEntry{MessageID: m.MessageID, Phone: m.To, From: m.From, Kind: hookline.KindSMS, Body: m.Body}
	}
	return c.deliverAll(ctx, es)
}

// deliverAll puts the entries whose phones accept them in their inboxes,
// in one write, and schedules their delivery reports.
func (c *Carrier) deliverAll(ctx context.Context, es []*hookline.InboxEntry) []hookline.SendOutcome {
	out := make([]hookline.SendOutcome, len(es))
	if err := ctx.Err(); err != nil {
		for i := range out {
			out[i].Err = &hookline.CarrierError{Code: "sim_canceled", Err: err}
		}
		return out
	}
	now := c.cfg.Now().UTC()
	var take []*hookline.InboxEntry
	var at []int
	for i, e := range es {
		if err := c.check(e.Phone); err != nil {
			out[i].Err = err
			continue
		}
		e.ReceivedAt = now
		take = append(take, e)
		at = append(at, i)
	}
	if len(take) == 0 {
		return out
	}
	added, err := c.cfg.Store.AddInboxEntries(ctx, take)
	if err != nil {
		for _, i := range at {
			out[i].Err = &hookline.CarrierError{Code: "sim_store", Err: err}
		}
		return out
	}
	var due []string
	for j, e := range take {
		if added[j] {
			due = append(due, e.MessageID)
		}
		out[at[j]].Result = &hookline.SendResult{CarrierID: "sim-" + e.MessageID, Status: hookline.StatusSent}
	}
	c.scheduleReceipts(due, c.cfg.ReceiptDelay)
	return out
}

// scheduleReceipts queues the delivery reports of messageIDs, due after
// delay: one timer for the lot.
func (c *Carrier) scheduleReceipts(messageIDs []string, delay time.Duration) {
	if len(messageIDs) == 0 {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-c.ctx.Done():
				return
			}
		}
		select {
		case c.due <- messageIDs:
		case <-c.ctx.Done():
		}
	}()
}

// receiptLoop sends due reports in batches, so a burst of deliveries costs
// a few writes rather than one per message.
func (c *Carrier) receiptLoop() {
	defer close(c.loopDone)
	for {
		var ids []string
		select {
		case batch := <-c.due:
			ids = append(ids, batch...)
		case <-c.ctx.Done():
			return
		}
	gather:
		for len(ids) < 1000 {
			select {
			case batch := <-c.due:
				ids = append(ids, batch...)
			default:
				break gather
			}
		}
		for len(ids) > 0 {
			n := min(len(ids), 1000)
			_ = c.sendReceipts(ids[:n]) // logged; the sweep sends them later
			ids = ids[n:]
		}
	}
}

// sendReceipts reports delivery, then marks the entries; a crash in between
// reports them again on the next start or sweep, which changes nothing.
func (c *Carrier) sendReceipts(ids []string) error {
	ctx := c.ctx
	now := c.cfg.Now().UTC()
	reports := make([]hookline.StatusReport, len(ids))
	for i, id := range ids {
		reports[i] = hookline.StatusReport{MessageID: id, CarrierID: "sim-" + id, Status: hookline.StatusDelivered, At: now}
	}
	var err error
	if br, ok := c.cfg.Reporter.(hookline.BatchStatusReporter); ok {
		err = br.ReportStatuses(ctx, reports)
	} else {
		for _, r := range reports {
			if err = c.cfg.Reporter.ReportStatus(ctx, r); err != nil {
				break
			}
		}
	}
	if err != nil {
		if ctx.Err() == nil {
			c.cfg.Logger.Error("simulator receipts", "count", len(ids), "err", err)
		}
		return err
	}
	if err := c.cfg.Store.MarkReceipted(ctx, ids, hookline.StatusDelivered); err != nil {
		if ctx.Err() == nil {
			c.cfg.Logger.Error("simulator mark receipts", "count", len(ids), "err", err)
		}
		return err
	}
	return nil
}
