package smpp

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"hookline"
)

// UDH information elements of concatenated short messages.
const (
	ieConcat8  = 0x00
	ieConcat16 = 0x08
)

// partsTTL is how long the first parts of a concatenated inbound text wait
// for the rest.
const partsTTL = 5 * time.Minute

// reassembler joins the segments of concatenated inbound texts.
type reassembler struct {
	mu    sync.Mutex
	parts map[string]*partial
}

type partial struct {
	coding byte
	segs   [][]byte
	got    int
	first  time.Time
}

func newReassembler() *reassembler {
	return &reassembler{parts: make(map[string]*partial)}
}

// add stores segment seq (1-based) of total and returns the whole payload
// once every segment is in.
func (a *reassembler) add(key string, coding byte, seq, total int, b []byte, now time.Time) ([]byte, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.parts[key]
	if p == nil || len(p.segs) != total {
		p = &partial{coding: coding, segs: make([][]byte, total), first: now}
		a.parts[key] = p
	}
	if p.segs[seq-1] == nil {
		p.segs[seq-1] = append([]byte{}, b...)
		p.got++
	}
	if p.got < total {
		return nil, false
	}
	delete(a.parts, key)
	var all []byte
	for _, s := range p.segs {
		all = append(all, s...)
	}
	return all, true
}

// expire drops texts whose missing segments never came.
func (a *reassembler) expire(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, p := range a.parts {
		if now.Sub(p.first) > partsTTL {
			delete(a.parts, k)
		}
	}
}

// handleInbound decodes a mobile-originated deliver_sm, reassembles it when
// it is one segment of several, and hands the text to the InboundHandler.
// A handler error answers ESME_RX_T_APPN so the SMSC redelivers.
func (c *Client) handleInbound(d *pdu.DeliverSM) data.CommandStatusType {
	coding := byte(0x04) // gosmpp keeps no Encoding for codings it does not know: read as 8-bit
	if enc := d.Message.Encoding(); enc != nil {
		coding = enc.DataCoding()
	}
	body, _ := d.Message.GetMessageData()
	if len(body) == 0 {
		body = d.OptionalParameters[tagMessagePayload].Data
	}
	from, to := e164(d.SourceAddr), e164(d.DestAddr)
	if ref, seq, total, ok := concatInfo(d); ok {
		key := fmt.Sprintf("%s|%s|%d|%d", from, to, ref, total)
		whole, done := c.inbound.add(key, coding, seq, total, body, c.cfg.Now())
		if !done {
			return data.ESME_ROK
		}
		body = whole
	}
	if c.cfg.Inbound == nil {
		return data.ESME_ROK
	}
	m := &hookline.InboundMessage{From: from, To: to, Text: decodeText(coding, body), Carrier: "smpp", ReceivedAt: c.cfg.Now()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.cfg.Inbound.HandleInbound(ctx, m); err != nil {
		c.cfg.Logger.Error("smpp: inbound handler", "from", from, "err", err)
		return data.ESME_RX_T_APPN
	}
	return data.ESME_ROK
}

// concatInfo reads the concatenation element of the UDH (8- or 16-bit
// reference); gosmpp has already split the UDH off the text.
func concatInfo(d *pdu.DeliverSM) (ref, seq, total int, ok bool) {
	if d.EsmClass&esmUDHI == 0 {
		return 0, 0, 0, false
	}
	for _, ie := range d.Message.UDH() {
		switch {
		case ie.ID == ieConcat8 && len(ie.Data) == 3:
			ref, total, seq = int(ie.Data[0]), int(ie.Data[1]), int(ie.Data[2])
		case ie.ID == ieConcat16 && len(ie.Data) == 4:
			ref, total, seq = int(ie.Data[0])<<8|int(ie.Data[1]), int(ie.Data[2]), int(ie.Data[3])
		default:
			continue
		}
		return ref, seq, total, total > 1 && seq >= 1 && seq <= total
	}
	return 0, 0, 0, false
}

// e164 writes an international address with its "+".
func e164(a pdu.Address) string {
	s := a.Address()
	if a.Ton() == 1 && s != "" && !strings.HasPrefix(s, "+") {
		return "+" + s
	}
	return s
}
