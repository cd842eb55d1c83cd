// Package smpp is an SMPP 3.4 client carrier: it submits texts to an SMSC
// over a windowed transceiver (or transmitter + receiver) bind, reports
// delivery receipts through a hookline.StatusReporter and hands
// mobile-originated texts to a hookline.InboundHandler.
package smpp

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"hookline"
)

var _ hookline.SMSSender = (*Client)(nil)

// Client is an SMPP carrier. Create it with New, connect it with Start and
// release it with Close. SendSMS is safe for concurrent use.
type Client struct {
	cfg     Config
	track   *tracker
	inbound *reassembler
	ref     atomic.Uint32 // concatenation reference numbers
	batch   *batcher      // nil unless the Reporter takes batches

	tx atomic.Pointer[session] // the bind that submits, nil while down
	mu sync.Mutex
	up chan struct{} // closed while tx is set

	startOnce sync.Once
	closeOnce sync.Once
	closed    chan struct{}
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// New validates cfg and returns a Client that is not connected yet.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		track:   newTracker(cfg.ReceiptIDBase, 6*time.Hour),
		inbound: newReassembler(),
		up:      make(chan struct{}),
		closed:  make(chan struct{}),
		cancel:  func() {},
	}
	if br, ok := cfg.Reporter.(hookline.BatchStatusReporter); ok {
		c.batch = newBatcher(br, c.track.undo, cfg.Logger.Error)
	}
	return c, nil
}

// Name implements hookline.SMSSender.
func (c *Client) Name() string { return "smpp" }

// Start binds to the SMSC in the background and keeps the binds up,
// reconnecting with backoff, until ctx ends or Close is called. It returns
// at once: SendSMS waits for the bind.
func (c *Client) Start(ctx context.Context) {
	c.startOnce.Do(func() {
		ctx, c.cancel = context.WithCancel(ctx)
		roles := []role{roleTRX}
		if c.cfg.BindMode == BindTransmitterReceiver {
			roles = []role{roleTX, roleRX}
		}
		for _, r := range roles {
			c.wg.Add(1)
			go c.keepBound(ctx, r)
		}
		c.wg.Add(1)
		go c.sweep(ctx)
		if c.batch != nil {
			c.wg.Add(1)
			go func() { defer c.wg.Done(); c.batch.run(ctx) }()
		}
	})
}

// Close stops reconnecting, unbinds every session and waits for them to
// end. Sends still waiting for a bind fail with a transient error.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.startOnce.Do(func() {}) // a Client never started stays stopped
		c.cancel()
		c.wg.Wait()
	})
	return nil
}

// keepBound binds in role r, waits for the session to die and binds again,
// backing off exponentially (with jitter) while binds fail.
func (c *Client) keepBound(ctx context.Context, r role) {
	defer c.wg.Done()
	backoff := c.cfg.MinBackoff
	for ctx.Err() == nil {
		s, err := dialSession(ctx, &c.cfg, r, c.handleDeliver)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.cfg.Logger.Warn("smpp: bind failed", "role", r.String(), "err", err, "retry_in", backoff)
			sleep(ctx, backoff/2+rand.N(backoff/2+1))
			backoff = min(2*backoff, c.cfg.MaxBackoff)
			continue
		}
		backoff = c.cfg.MinBackoff
		c.cfg.Logger.Info("smpp: bound", "role", r.String(), "addr", c.cfg.Addr)
		c.attach(s)
		select {
		case <-s.dead:
			c.cfg.Logger.Warn("smpp: link lost", "role", r.String(), "err", s.err)
		case <-ctx.Done():
			s.unbind()
		}
		c.detach(s)
	}
}

func (c *Client) attach(s *session) {
	if !s.role.sends() {
		return
	}
	c.mu.Lock()
	c.tx.Store(s)
	close(c.up)
	c.mu.Unlock()
}

func (c *Client) detach(s *session) {
	c.mu.Lock()
	if c.tx.Load() == s {
		c.tx.Store(nil)
		c.up = make(chan struct{})
	}
	c.mu.Unlock()
}

// session returns the live submitting session, waiting while the link is
// down.
func (c *Client) session(ctx context.Context) (*session, error) {
	for {
		if s := c.tx.Load(); s != nil && !s.isDead() {
			return s, nil
		}
		c.mu.Lock()
		up := c.up
		if c.tx.Load() != nil { // dead but not detached yet
			up = nil
		}
		c.mu.Unlock()
		var pause <-chan time.Time
		if up == nil {
			pause = time.After(5 * time.Millisecond)
		}
		select {
		case <-up:
		case <-pause:
		case <-c.closed:
			return nil, transient(CodeClosed, errClosed)
		case <-ctx.Done():
			return nil, transient(CodeLinkDown, ctx.Err())
		}
	}
}

// sweep periodically releases held receipts and forgets old messages.
func (c *Client) sweep(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(max(min(c.cfg.ReceiptHold/4, 250*time.Millisecond), 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := c.cfg.Now()
			for _, h := range c.track.sweep(now, c.cfg.ReceiptHold) {
				go c.reportHeld(h, c.track.orphan(h.r, now))
			}
			c.inbound.expire(now)
		}
	}
}

// handleDeliver answers one deliver_sm: a receipt or an inbound text.
func (c *Client) handleDeliver(s *session, d *pdu.DeliverSM) data.CommandStatusType {
	if isReceipt(d) {
		return c.handleReceipt(s, d)
	}
	return c.handleInbound(d)
}

// handleReceipt reports a receipt, or holds it (answering later) when its
// submit_sm_resp has not arrived yet.
func (c *Client) handleReceipt(s *session, d *pdu.DeliverSM) data.CommandStatusType {
	r := parseReceipt(d)
	if r.id == "" {
		c.cfg.Logger.Warn("smpp: receipt without message id ignored")
		return data.ESME_ROK
	}
	respond := func(ok bool) {
		st := data.ESME_ROK
		if !ok {
			st = data.ESME_RX_T_APPN
		}
		s.reply(d, st) // a no-op once s is dead: the SMSC will redeliver
	}
	rep, held := c.track.receive(r, c.cfg.Now(), respond)
	if held {
		return statusDeferred
	}
	if c.batch != nil && rep != nil {
		c.batch.add(s.dead, *rep, respond)
		return statusDeferred
	}
	if !c.report(rep) {
		return data.ESME_RX_T_APPN
	}
	return data.ESME_ROK
}

// reportHeld reports a held receipt and answers its deliver_sm.
func (c *Client) reportHeld(h *heldReceipt, rep *hookline.StatusReport) {
	if c.batch != nil && rep != nil {
		c.batch.add(c.closed, *rep, h.respond)
		return
	}
	h.respond(c.report(rep))
}

// report hands rep to the Reporter; false asks the SMSC to redeliver.
func (c *Client) report(rep *hookline.StatusReport) bool {
	if rep == nil || c.cfg.Reporter == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.cfg.Reporter.ReportStatus(ctx, *rep); err != nil {
		c.cfg.Logger.Error("smpp: report status", "carrier_id", rep.CarrierID, "err", err)
		c.track.undo(rep)
		return false
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
