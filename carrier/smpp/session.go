package smpp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp/data"
	smpperrors "github.com/linxGnu/gosmpp/errors"
	"github.com/linxGnu/gosmpp/pdu"
)

// role is what a bind is for.
type role int

const (
	roleTRX role = iota // transceiver: submits and receives
	roleTX              // transmitter: submits only
	roleRX              // receiver: receives only
)

func (r role) sends() bool    { return r != roleRX }
func (r role) receives() bool { return r != roleTX }

func (r role) bindingType() pdu.BindingType {
	switch r {
	case roleTX:
		return pdu.Transmitter
	case roleRX:
		return pdu.Receiver
	}
	return pdu.Transceiver
}

func (r role) String() string {
	return [...]string{"transceiver", "transmitter", "receiver"}[r]
}

// session is one bound SMPP connection. Requests it sends wait in pending
// for the response with the same sequence number; the window bounds how
// many submits are outstanding.
type session struct {
	cfg     *Config
	role    role
	conn    net.Conn
	window  chan struct{}
	limiter Limiter
	out     chan *pdu.ByteBuffer
	deliver chan *pdu.DeliverSM
	handle  func(*session, *pdu.DeliverSM) data.CommandStatusType

	seq      atomic.Int32
	lastRead atomic.Int64 // unix nanos of the last PDU read

	mu      sync.Mutex
	pending map[int32]*call // nil once the session is dead

	dead    chan struct{}
	dieOnce sync.Once
	err     error // why the session died; read after dead is closed
}

// call is one request awaiting its response.
type call struct {
	done chan result
	sent time.Time
}

// result is a response to a call, or the link error that ended it.
type result struct {
	status data.CommandStatusType
	id     string
	err    error
}

var callPool = sync.Pool{New: func() any { return &call{done: make(chan result, 1)} }}

var bufPool = sync.Pool{New: func() any { return pdu.NewBuffer(make([]byte, 0, 512)) }}

func getBuf() *pdu.ByteBuffer {
	b := bufPool.Get().(*pdu.ByteBuffer)
	b.Reset()
	return b
}

// newSession wraps a bound connection and starts its reader, writer,
// keep-alive and deliver_sm workers.
func newSession(cfg *Config, r role, conn net.Conn, rd *bufio.Reader, handle func(*session, *pdu.DeliverSM) data.CommandStatusType) *session {
	s := &session{
		cfg:     cfg,
		role:    r,
		conn:    conn,
		window:  make(chan struct{}, cfg.Window),
		out:     make(chan *pdu.ByteBuffer, cfg.Window+64),
		deliver: make(chan *pdu.DeliverSM, 1024),
		handle:  handle,
		pending: make(map[int32]*call, cfg.Window+4),
		dead:    make(chan struct{}),
	}
	s.seq.Store(1) // the bind used 1
	s.lastRead.Store(time.Now().UnixNano())
	s.limiter = cfg.Limiter
	go s.readLoop(rd)
	go s.writeLoop()
	go s.keepAlive()
	if r.receives() {
		for range cfg.Workers {
			go s.deliverLoop()
		}
	}
	return s
}

// die closes the connection once and fails every pending call with
// errUnacked, since the SMSC may or may not have acted on them.
func (s *session) die(err error) {
	s.dieOnce.Do(func() {
		s.err = err
		s.mu.Lock()
		pending := s.pending
		s.pending = nil
		s.mu.Unlock()
		close(s.dead)
		s.conn.Close()
		for _, c := range pending {
			c.done <- result{err: errUnacked}
		}
	})
}

func (s *session) isDead() bool {
	select {
	case <-s.dead:
		return true
	default:
		return false
	}
}

func (s *session) nextSeq() int32 {
	v := s.seq.Add(1) & 0x7FFFFFFF
	if v == 0 {
		v = s.seq.Add(1) & 0x7FFFFFFF
	}
	return v
}

// register assigns a sequence number to c and records it as pending.
func (s *session) register(c *call) (int32, bool) {
	seq := s.nextSeq()
	c.sent = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		return 0, false
	}
	s.pending[seq] = c
	return seq, true
}

// forget drops a pending call; false means its result is already on the
// way to c.done.
func (s *session) forget(seq int32) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pending[seq]; !ok {
		return false
	}
	delete(s.pending, seq)
	return true
}

// complete hands a response to the call waiting for it.
func (s *session) complete(seq int32, r result) {
	s.mu.Lock()
	c, ok := s.pending[seq]
	if ok {
		delete(s.pending, seq)
	}
	s.mu.Unlock()
	if ok {
		c.done <- r
	}
}

// send queues a marshalled PDU for the writer.
func (s *session) send(p pdu.PDU) error {
	b := getBuf()
	p.Marshal(b)
	select {
	case s.out <- b:
		return nil
	case <-s.dead:
		bufPool.Put(b)
		return errNotSent
	}
}

// request sends p and waits for its response, the session's death or the
// end of ctx.
func (s *session) request(ctx context.Context, p pdu.PDU) result {
	c := callPool.Get().(*call)
	seq, ok := s.register(c)
	if !ok {
		callPool.Put(c)
		return result{err: errNotSent}
	}
	p.SetSequenceNumber(seq)
	if err := s.send(p); err != nil {
		if !s.forget(seq) {
			<-c.done
		}
		callPool.Put(c)
		return result{err: errNotSent}
	}
	var r result
	select {
	case r = <-c.done:
	case <-ctx.Done():
		if !s.forget(seq) {
			<-c.done
		}
		r = result{err: ctx.Err()}
	}
	callPool.Put(c)
	return r
}

// submit sends one submit_sm inside the window and the rate limit.
func (s *session) submit(ctx context.Context, p *pdu.SubmitSM) result {
	select {
	case s.window <- struct{}{}:
	case <-ctx.Done():
		return result{err: ctx.Err()}
	case <-s.dead:
		return result{err: errNotSent}
	}
	defer func() { <-s.window }()
	if s.limiter != nil {
		if err := s.limiter.Wait(ctx); err != nil {
			return result{err: ctx.Err()}
		}
	}
	return s.request(ctx, p)
}

// writeLoop writes queued PDUs, flushing whenever the queue is empty so a
// busy bind sends many PDUs per syscall.
func (s *session) writeLoop() {
	w := bufio.NewWriterSize(s.conn, 32<<10)
	for {
		select {
		case b := <-s.out:
			_, err := w.Write(b.Bytes())
			bufPool.Put(b)
			for err == nil && len(s.out) > 0 {
				b = <-s.out
				_, err = w.Write(b.Bytes())
				bufPool.Put(b)
			}
			if err == nil {
				err = w.Flush()
			}
			if err != nil {
				s.die(fmt.Errorf("write: %w", err))
				return
			}
		case <-s.dead:
			return
		}
	}
}

// readLoop reads PDUs until the connection fails.
func (s *session) readLoop(rd *bufio.Reader) {
	for {
		p, err := pdu.Parse(rd)
		if err != nil {
			if fatalReadError(err) {
				s.die(fmt.Errorf("read: %w", err))
				return
			}
			s.cfg.Logger.Warn("smpp: unreadable PDU skipped", "err", err)
			continue
		}
		s.lastRead.Store(time.Now().UnixNano())
		s.dispatch(p)
	}
}

// fatalReadError reports whether the stream can no longer be trusted.
// Parse consumes a whole PDU before it fails on an unknown command or a bad
// body, so those leave the stream aligned.
func fatalReadError(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ne) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, smpperrors.ErrInvalidPDU)
}

func (s *session) dispatch(p pdu.PDU) {
	h := p.GetHeader()
	switch p := p.(type) {
	case *pdu.SubmitSMResp:
		s.complete(h.SequenceNumber, result{status: h.CommandStatus, id: p.MessageID})
	case *pdu.DeliverSM:
		if !s.role.receives() {
			s.reply(p, data.ESME_RINVBNDSTS)
			return
		}
		// Never block the reader on a slow reporter: that would stall the
		// submit_sm_resp behind it. A full queue asks the SMSC to redeliver.
		select {
		case s.deliver <- p:
		default:
			s.reply(p, data.ESME_RX_T_APPN)
		}
	case *pdu.EnquireLink, *pdu.Unbind:
		_ = s.send(p.GetResponse())
		if _, ok := p.(*pdu.Unbind); ok {
			s.die(errors.New("unbound by SMSC"))
		}
	case *pdu.GenericNack, *pdu.EnquireLinkResp, *pdu.UnbindResp:
		s.complete(h.SequenceNumber, result{status: h.CommandStatus})
	default:
		if p.CanResponse() {
			nack := pdu.NewGenericNack()
			nack.SetSequenceNumber(h.SequenceNumber)
			nack.(*pdu.GenericNack).CommandStatus = data.ESME_RINVCMDID
			_ = s.send(nack)
		}
	}
}

// reply answers a deliver_sm with status.
func (s *session) reply(d *pdu.DeliverSM, status data.CommandStatusType) {
	resp := d.GetResponse().(*pdu.DeliverSMResp)
	resp.CommandStatus = status
	_ = s.send(resp)
}

// deliverLoop handles deliver_sm off the reader goroutine, so a slow
// reporter never delays submit_sm_resp.
func (s *session) deliverLoop() {
	for {
		select {
		case d := <-s.deliver:
			if st := s.handle(s, d); st != statusDeferred {
				s.reply(d, st)
			}
		case <-s.dead:
			return
		}
	}
}

// statusDeferred is returned by a deliver_sm handler that will answer the
// deliver_sm itself later (a receipt held for its submit_sm_resp).
const statusDeferred data.CommandStatusType = -1
