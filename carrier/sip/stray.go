package sip

import (
	"context"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// strayCalls remembers the INVITEs of calls given up before any final
// answer, for as long as a 2xx to them may still come (64*T1, RFC 3261
// Timer B). A call with no provisional answer cannot be canceled, so its
// INVITE transaction ends at once when the setup timeout runs out; a phone
// that picks up after that sends a 200 OK that no transaction takes.
// onStrayAnswer acknowledges such an answer and hangs the call up (RFC 3261
// 13.2.2.4 and 15), instead of leaving the far end holding an open call, or
// recording silence into a mailbox, until it gives up on its answer.
type strayCalls struct {
	mu    sync.Mutex
	calls map[string]*strayCall
	wg    sync.WaitGroup
}

type strayCall struct {
	invite  *sip.Request
	expires time.Time
	hungUp  bool
}

// add remembers invite, sent for call callID.
func (s *strayCalls) add(callID string, invite *sip.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for id, c := range s.calls {
		if now.After(c.expires) {
			delete(s.calls, id)
		}
	}
	if s.calls == nil {
		s.calls = map[string]*strayCall{}
	}
	s.calls[callID] = &strayCall{invite: invite, expires: now.Add(64 * sip.T1)}
}

// answered returns the INVITE of a given-up call that callID names, and
// whether this is its first answer (the one to hang up after).
func (s *strayCalls) answered(callID string) (invite *sip.Request, first bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[callID]
	if c == nil || time.Now().After(c.expires) {
		return nil, false
	}
	first = !c.hungUp
	c.hungUp = true
	return c.invite, first
}

// onStrayAnswer takes the responses no transaction claims. A 2xx to the
// INVITE of a call given up is acknowledged (again for each retransmission)
// and, the first time, hung up; anything else is dropped.
func (c *Client) onStrayAnswer(res *sip.Response) {
	cseq, callID := res.CSeq(), res.CallID()
	var invite *sip.Request
	var first bool
	if res.IsSuccess() && cseq != nil && cseq.MethodName == sip.INVITE && callID != nil {
		invite, first = c.stray.answered(callID.Value())
	}
	if invite == nil {
		c.cfg.Logger.Debug("sip: dropped a response no transaction or given-up call claims", "response", res.Short())
		return
	}
	log := c.cfg.Logger.With("call_id", callID.Value())
	if err := c.client.WriteRequest(inDialogRequest(sip.ACK, invite, res, cseq.SeqNo)); err != nil {
		log.Warn("sip: ACK a late answer", "error", err)
	}
	if !first {
		return
	}
	log.Info("sip: answered after the call was given up; hanging up")
	c.stray.wg.Add(1)
	go func() {
		defer c.stray.wg.Done()
		ctx, cancel := context.WithTimeout(c.bg, min(c.cfg.SetupTimeout, 32*time.Second))
		defer cancel()
		bye, err := c.client.Do(ctx, inDialogRequest(sip.BYE, invite, res, cseq.SeqNo+1))
		if err != nil || bye.StatusCode != sip.StatusOK {
			log.Warn("sip: BYE after a late answer not answered with 200", "error", err, "response", bye)
		}
	}()
}

// inDialogRequest builds a request of the dialog that res (a 2xx) opened
// for invite: to the answer's Contact, through the reverse of its
// Record-Route, with the answer's To tag and sequence number seq.
func inDialogRequest(method sip.RequestMethod, invite *sip.Request, res *sip.Response, seq uint32) *sip.Request {
	target := invite.Recipient
	if contact := res.Contact(); contact != nil {
		target = contact.Address
	}
	req := sip.NewRequest(method, *target.Clone())
	req.SipVersion = invite.SipVersion
	routes := res.GetHeaders("Record-Route")
	for i := len(routes) - 1; i >= 0; i-- {
		req.AppendHeader(sip.NewHeader("Route", routes[i].Value()))
	}
	maxForwards := sip.MaxForwardsHeader(70)
	req.AppendHeader(&maxForwards)
	req.AppendHeader(sip.HeaderClone(invite.From()))
	req.AppendHeader(sip.HeaderClone(res.To()))
	req.AppendHeader(sip.HeaderClone(invite.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	if contact := invite.Contact(); contact != nil {
		req.AppendHeader(sip.HeaderClone(contact))
	}
	req.SetTransport(invite.Transport())
	return req
}
