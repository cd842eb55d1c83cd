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
	due      chan string
	loopDone chan struct{}
	// sweepDone is closed when the sweep loop ends; nil until Start.
	sweepDone chan struct{}
}

var (
	_ hookline.SMSSender       = (*Carrier)(nil)
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
	c := &Carrier{cfg: cfg, failures: map[string]*failure{}, due: make(chan string, 1024), loopDone: make(chan struct{})}
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
	for _, e := range pending {
		c.scheduleReceipt(e.MessageID, c.cfg.ReceiptDelay)
	}
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
	if err := ctx.Err(); err != nil {
		return nil, &hookline.CarrierError{Code: "sim_canceled", Err: err}
	}
	if err := c.check(e.Phone); err != nil {
		return nil, err
	}
	e.ReceivedAt = c.cfg.Now().UTC()
	added, err := c.cfg.Store.AddInboxEntry(ctx, e)
	if err != nil {
		return nil, &hookline.CarrierError{Code: "sim_store", Err: err}
	}
	if added {
		c.scheduleReceipt(e.MessageID, c.cfg.ReceiptDelay)
	}
	return &hookline.SendResult{CarrierID: "sim-" + e.MessageID, Status: hookline.StatusSent}, nil
}

// scheduleReceipt queues a delivery report due after delay.
func (c *Carrier) scheduleReceipt(messageID string, delay time.Duration) {
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
		case c.due <- messageID:
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
		case id := <-c.due:
			ids = append(ids, id)
		case <-c.ctx.Done():
			return
		}
	gather:
		for len(ids) < 1000 {
			select {
			case id := <-c.due:
				ids = append(ids, id)
			default:
				break gather
			}
		}
		_ = c.sendReceipts(ids) // logged; the sweep sends them later
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
