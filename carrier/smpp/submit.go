package smpp

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"hookline"
)

// SendSMS implements hookline.SMSSender. It submits every segment of the
// text (in order, each waiting for its submit_sm_resp) and returns
// StatusSent with the first segment's message id as CarrierID; the
// receipt follows through the Reporter.
//
// While the link is down SendSMS waits for it; when ctx ends first it
// returns a transient *hookline.CarrierError. A segment whose
// submit_sm_resp was lost with the link is submitted again on the next
// bind, which can duplicate it at the SMSC (see the package tests).
// ESME_RTHROTTLED and ESME_RMSGQFUL are retried with backoff; other error
// statuses fail permanently with the status name as Code.
func (c *Client) SendSMS(ctx context.Context, m *hookline.OutboundSMS) (*hookline.SendResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, transient(CodeCanceled, err)
	}
	enc, err := encodeText(m.Body)
	if err != nil {
		return nil, &hookline.CarrierError{Code: CodeEncoding, Permanent: true, Err: err}
	}
	from := m.From
	if from == "" {
		from = c.cfg.SourceAddr
	}
	ref := byte(c.ref.Add(1))
	t := c.track.begin(m.MessageID, len(enc.parts), c.cfg.Now())
	for i := range enc.parts {
		p, err := c.buildSubmit(from, m.To, enc, i, ref)
		if err == nil {
			err = c.submitPart(ctx, t, i, p)
		}
		if err != nil {
			c.track.abort(t)
			return nil, err
		}
	}
	return &hookline.SendResult{CarrierID: t.carrierID, Status: hookline.StatusSent}, nil
}

// submitPart submits one segment until the SMSC accepts or refuses it,
// rebinding across link failures and backing off while throttled.
func (c *Client) submitPart(ctx context.Context, t *tracked, part int, p *pdu.SubmitSM) error {
	throttled, backoff := 0, c.cfg.ThrottleBackoff
	for {
		s, err := c.session(ctx)
		if err != nil {
			return err
		}
		c.track.inflight.Add(1)
		r := s.submit(ctx, p)
		if r.err == nil && r.status == data.ESME_ROK {
			h := c.track.bind(t, part, r.id)
			c.track.inflight.Add(-1)
			if h != nil {
				go c.reportHeld(h, c.track.apply(t, part, h.r, c.cfg.Now()))
			}
			return nil
		}
		c.track.inflight.Add(-1)
		switch {
		case r.err == nil && retryable(r.status):
			if throttled++; throttled > c.cfg.ThrottleRetries {
				return transient(CodeThrottled, statusError(r.status))
			}
			sleep(ctx, backoff/2+rand.N(backoff/2+1))
			backoff *= 2
			if ctx.Err() != nil {
				return transient(CodeCanceled, ctx.Err())
			}
		case r.err == nil:
			return statusError(r.status)
		case errors.Is(r.err, errNotSent), errors.Is(r.err, errUnacked):
			// The link failed; c.session waits for the next bind.
		default:
			return transient(CodeCanceled, r.err)
		}
	}
}

// buildSubmit makes the submit_sm of segment i: data_coding from the
// encoding, a concatenation UDH (8-bit reference) when there are several
// segments, and a request for a delivery receipt.
func (c *Client) buildSubmit(from, to string, enc encodedText, i int, ref byte) (*pdu.SubmitSM, error) {
	p := pdu.NewSubmitSM().(*pdu.SubmitSM)
	var err error
	p.SourceAddr, err = c.sourceAddress(from)
	if err != nil {
		return nil, &hookline.CarrierError{Code: "smpp_invalid_from", Permanent: true, Err: err}
	}
	p.DestAddr, err = pdu.NewAddressWithTonNpiAddr(1, 1, strings.TrimPrefix(to, "+"))
	if err != nil {
		return nil, &hookline.CarrierError{Code: "smpp_invalid_to", Permanent: true, Err: err}
	}
	p.RegisteredDelivery = 1
	coding := data.GSM7BIT
	if enc.coding == codingUCS2 {
		coding = data.UCS2
	}
	if p.Message, err = pdu.NewBinaryShortMessageWithEncoding(enc.parts[i], coding); err != nil {
		return nil, &hookline.CarrierError{Code: CodeEncoding, Permanent: true, Err: err}
	}
	if n := len(enc.parts); n > 1 {
		p.Message.SetUDH(pdu.UDH{pdu.NewIEConcatMessage(byte(n), byte(i+1), ref)})
		p.EsmClass |= esmUDHI
	}
	return p, nil
}

// sourceAddress picks the sender's TON/NPI: from Config when set, else
// international for "+digits", alphanumeric for a name, unknown otherwise.
func (c *Client) sourceAddress(from string) (pdu.Address, error) {
	ton, npi := byte(0), byte(1)
	switch {
	case strings.HasPrefix(from, "+"):
		ton, from = 1, from[1:]
	case strings.IndexFunc(from, func(r rune) bool { return r < '0' || r > '9' }) >= 0:
		ton, npi = 5, 0
	}
	if c.cfg.SourceTON != nil {
		ton = *c.cfg.SourceTON
	}
	if c.cfg.SourceNPI != nil {
		npi = *c.cfg.SourceNPI
	}
	return pdu.NewAddressWithTonNpiAddr(ton, npi, from)
}
