package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"

	"hookline"
)

// deposit makes one call: INVITE, answer, ACK, audio, BYE.
func (c *Client) deposit(ctx context.Context, v *hookline.OutboundVoicemail) (*hookline.SendResult, error) {
	// Fetch the audio before dialling, so a broken voicemail never rings
	// anyone; PCMU is our preferred codec.
	audio, err := v.Audio(ctx, hookline.PCMU)
	if err != nil {
		return nil, fmt.Errorf("sip: audio: %w", err)
	}
	if len(audio) == 0 {
		return nil, errors.New("sip: audio is empty")
	}
	uri, err := c.cfg.requestURI(v.To)
	if err != nil {
		return nil, err
	}
	conn, err := listenRTP(c.bindIP, c.cfg.RTPPortMin, c.cfg.RTPPortMax)
	if err != nil {
		return nil, fmt.Errorf("sip: rtp socket: %w", err)
	}
	defer conn.Close()
	go drain(conn)

	callID := uuid.NewString()
	log := c.cfg.Logger.With("call_id", callID, "message_id", v.MessageID)
	offer := offerSDP(c.host, conn.LocalAddr().(*net.UDPAddr).Port, rand.Uint64()>>1)
	req := c.newInvite(uri, v, callID, offer)
	session, err := c.dialogs.WriteInvite(ctx, req)
	if err != nil {
		return nil, &hookline.CarrierError{Code: "sip_transport", Err: fmt.Errorf("send INVITE: %w", err)}
	}
	defer session.Close()
	if err := c.waitAnswer(ctx, session); err != nil {
		if r := session.InviteResponse; r != nil && r.IsSuccess() {
			// The far end answered as our CANCEL crossed its 200 OK
			// (RFC 3261 9.1): the call is up. ACK it and hang up at once,
			// so it is not left open (or recording silence) until the
			// far end gives up on its unacknowledged answer.
			log.Info("sip: answer crossed our CANCEL; hanging up")
			if aerr := session.Ack(context.WithoutCancel(ctx)); aerr != nil {
				log.Warn("sip: send ACK", "error", aerr)
			}
			c.hangup(session, log)
		} else if r == nil || r.IsProvisional() {
			c.stray.add(callID, req) // an answer may still come
		}
		log.Info("sip: call not answered", "error", err)
		return nil, err
	}
	ans, err := parseAnswer(session.InviteResponse.Body())
	if err := session.Ack(ctx); err != nil {
		log.Warn("sip: send ACK", "error", err)
	}
	if err != nil {
		c.hangup(session, log)
		return nil, noCodecError(err)
	}
	if ans.Codec != hookline.PCMU {
		if audio, err = v.Audio(ctx, ans.Codec); err != nil {
			c.hangup(session, log)
			return nil, fmt.Errorf("sip: audio %s: %w", ans.Codec, err)
		}
	}
	if err := c.play(ctx, session, conn, ans, audio); err != nil {
		log.Info("sip: voicemail not completed", "error", err)
		return nil, err
	}
	c.hangup(session, log)
	log.Debug("sip: voicemail deposited", "codec", ans.Codec, "samples", len(audio))
	return &hookline.SendResult{CarrierID: callID, Status: hookline.StatusDelivered}, nil
}

// newInvite builds the INVITE with our offer, caller ID and extra headers.
func (c *Client) newInvite(uri sip.Uri, v *hookline.OutboundVoicemail, callID string, offer []byte) *sip.Request {
	req := sip.NewRequest(sip.INVITE, uri)
	fromUser := v.From
	if fromUser == "" {
		fromUser = c.cfg.From
	}
	if fromUser == "" {
		fromUser = "anonymous"
	}
	fromDomain := c.cfg.FromDomain
	if fromDomain == "" {
		fromDomain = uri.Host
	}
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: fromUser, Host: fromDomain}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(16))
	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: c.cfg.toUser(uri, v.To), Host: uri.Host, Port: uri.Port}}
	id := sip.CallIDHeader(callID)
	contentType := sip.ContentTypeHeader("application/sdp")
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&id)
	req.AppendHeader(&contentType)
	for name, value := range c.cfg.Headers {
		req.AppendHeader(sip.NewHeader(name, value))
	}
	req.SetBody(offer)
	req.SetTransport(strings.ToUpper(c.cfg.Transport))
	return req
}

// waitAnswer waits for the 200 OK within SetupTimeout, answering digest
// challenges, and maps every other outcome to an error. When the timeout
// fires after a provisional answer a CANCEL is sent; before any answer
// there is nothing to cancel, so the wait ends at once.
func (c *Client) waitAnswer(ctx context.Context, session *sipgo.DialogClientSession) error {
	setup, cancelSetup := context.WithTimeout(ctx, c.cfg.SetupTimeout)
	defer cancelSetup()
	wait, cancelWait := context.WithCancelCause(context.Background())
	defer cancelWait(nil)
	var provisional atomic.Bool
	stop := context.AfterFunc(setup, func() {
		if provisional.Load() {
			cancelWait(context.Canceled)
		} else {
			cancelWait(sipgo.WaitAnswerForceCancelErr)
		}
	})
	defer stop()
	err := session.WaitAnswer(wait, sipgo.AnswerOptions{
		Username: c.cfg.Username,
		Password: c.cfg.Password,
		OnResponse: func(res *sip.Response) error {
			if res.IsProvisional() && res.StatusCode > 100 {
				provisional.Store(true)
			}
			return nil
		},
	})
	return answerError(ctx, setup, err)
}

// answerError maps the outcome of WaitAnswer to the error SendVoicemail
// returns.
func answerError(ctx, setup context.Context, err error) error {
	if err == nil {
		return nil
	}
	var res *sipgo.ErrDialogResponse
	switch {
	case errors.As(err, &res):
		return errorForStatus(res.Res.StatusCode, res.Res.Reason)
	case ctx.Err() != nil:
		return fmt.Errorf("sip: call canceled: %w", ctx.Err())
	case setup.Err() != nil:
		return timeoutError(errors.New("no answer within the setup timeout"))
	case errors.Is(err, sip.ErrTransactionTimeout):
		return timeoutError(err)
	}
	return &hookline.CarrierError{Code: "sip_transport", Err: err}
}

// play streams the audio until its end, the far end's BYE or ctx's end.
func (c *Client) play(ctx context.Context, session *sipgo.DialogClientSession, conn net.PacketConn, ans *answer, audio []byte) error {
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(session.Context(), cancel)
	defer stop()
	payloads := packetize(audio, silence(ans.Codec))
	s := newStreamer(conn, ans.Addr, ans.PayloadType)
	sent, err := s.stream(streamCtx, payloads)
	switch {
	case err == nil || sent == len(payloads) && session.Context().Err() != nil:
		return nil
	case session.Context().Err() != nil:
		return byeEarlyError(sent, len(payloads))
	case ctx.Err() != nil:
		c.hangup(session, c.cfg.Logger)
		return fmt.Errorf("sip: call canceled: %w", ctx.Err())
	}
	c.hangup(session, c.cfg.Logger)
	return &hookline.CarrierError{Code: "sip_rtp", Err: err}
}

// hangup sends BYE and waits for its answer (or SetupTimeout). A BYE that
// gets no answer or an error answer is logged only: the far end has had
// the whole call by then.
func (c *Client) hangup(session *sipgo.DialogClientSession, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), min(c.cfg.SetupTimeout, 32*time.Second))
	defer cancel()
	if err := session.Bye(ctx); err != nil {
		log.Warn("sip: BYE not answered with 200", "error", err)
	}
}
