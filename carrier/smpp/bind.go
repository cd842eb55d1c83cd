package smpp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// dialSession connects to the SMSC and binds in role r.
func dialSession(ctx context.Context, cfg *Config, r role, handle func(*session, *pdu.DeliverSM) data.CommandStatusType) (*session, error) {
	conn, err := cfg.Dial("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", cfg.Addr, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	req := pdu.NewBindRequest(r.bindingType())
	req.SystemID, req.Password, req.SystemType = cfg.SystemID, cfg.Password, cfg.SystemType
	req.SetSequenceNumber(1)
	b := getBuf()
	req.Marshal(b)
	_ = conn.SetDeadline(time.Now().Add(cfg.RespTimeout))
	_, err = conn.Write(b.Bytes())
	bufPool.Put(b)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("send bind_%s: %w", r, err)
	}
	rd := bufio.NewReaderSize(conn, 32<<10)
	if err := readBindResp(rd); err != nil {
		conn.Close()
		return nil, fmt.Errorf("bind_%s as %q: %w", r, cfg.SystemID, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return newSession(cfg, r, conn, rd, handle), nil
}

// readBindResp waits for the bind response, skipping anything else the
// SMSC sends first.
func readBindResp(rd *bufio.Reader) error {
	for range 8 {
		p, err := pdu.Parse(rd)
		if err != nil {
			return err
		}
		if resp, ok := p.(*pdu.BindResp); ok {
			if st := resp.CommandStatus; st != data.ESME_ROK {
				return fmt.Errorf("refused: %s", statusCode(st))
			}
			return nil
		}
		if p.IsGNack() {
			return fmt.Errorf("refused: generic_nack %s", statusCode(p.GetHeader().CommandStatus))
		}
	}
	return errors.New("no bind response")
}

// keepAlive sends enquire_link when the link has been quiet for a period,
// and drops the session when the SMSC stops answering or a response is
// overdue, so the client rebinds instead of waiting forever.
func (s *session) keepAlive() {
	tick := max(min(s.cfg.EnquireLink, s.cfg.RespTimeout)/2, 10*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	var probing bool
	for {
		select {
		case <-s.dead:
			return
		case now := <-t.C:
			quiet := now.Sub(time.Unix(0, s.lastRead.Load()))
			switch {
			case quiet > s.cfg.EnquireLink+s.cfg.RespTimeout:
				s.die(errTimedOut)
				return
			case s.overdue(now):
				s.die(errTimedOut)
				return
			case quiet >= s.cfg.EnquireLink && !probing:
				probing = true
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RespTimeout)
					defer cancel()
					s.request(ctx, pdu.NewEnquireLink())
				}()
			case quiet < s.cfg.EnquireLink:
				probing = false
			}
		}
	}
}

// overdue reports whether some request has waited longer than RespTimeout.
func (s *session) overdue(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.pending {
		if now.Sub(c.sent) > s.cfg.RespTimeout {
			return true
		}
	}
	return false
}

// unbind asks the SMSC to end the session and closes it once answered, or
// after RespTimeout.
func (s *session) unbind() {
	ctx, cancel := context.WithTimeout(context.Background(), min(s.cfg.RespTimeout, 5*time.Second))
	defer cancel()
	s.request(ctx, pdu.NewUnbind())
	s.die(errClosed)
}
