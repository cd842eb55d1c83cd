package compliance

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"hookline"
)

// Inbound handles texts that phones send back (hookline.InboundHandler): it
// stores each one, applies opt-out and opt-in keywords to the account's
// suppression list, and answers keywords with one reply.
//
// A carrier's inbound text names no account. It is applied to every account
// that has messaged the phone, narrowed to those that sent from the number
// the phone texted when any did (AccountsForPhone): a STOP to a number is an
// opt-out from whoever sent from it. A text from a phone no account has
// messaged is stored under account 0 and changes nothing.
type Inbound struct {
	Store    hookline.InboundStore
	OptOuts  hookline.OptOutService
	Settings hookline.SettingsService
	Messages hookline.MessageService
	// Region reads numbers written without a country code.
	Region string
	Now    hookline.Clock
	Logger *slog.Logger
}

var _ hookline.InboundHandler = (*Inbound)(nil)

// HandleInbound implements hookline.InboundHandler.
func (h *Inbound) HandleInbound(ctx context.Context, m *hookline.InboundMessage) error {
	from, err := hookline.ParsePhone(m.From, h.region())
	if err != nil {
		return err
	}
	m.From = from
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = now(h.Now).UTC()
	}
	accounts := []int64{m.AccountID}
	if m.AccountID == 0 {
		if accounts, err = h.Store.AccountsForPhone(ctx, from, m.To); err != nil {
			return err
		} else if len(accounts) == 0 {
			h.logger().Info("inbound text from a phone no account has messaged", "from", from, "carrier", m.Carrier)
			return h.Store.AddInbound(ctx, m)
		}
	}
	for _, id := range accounts {
		one := *m
		one.AccountID = id
		if err := h.handle(ctx, &one); err != nil {
			return fmt.Errorf("account %d: %w", id, err)
		}
		if id == m.AccountID || len(accounts) == 1 {
			*m = one
		}
	}
	return nil
}

// handle stores the text for one account and acts on its keyword. A reply
// is sent only when the keyword changed something (or asked for help), so a
// phone that texts STOP twice gets one confirmation.
func (h *Inbound) handle(ctx context.Context, m *hookline.InboundMessage) error {
	s, err := h.Settings.FindComplianceSettings(ctx, m.AccountID)
	if err != nil {
		return err
	}
	m.Keyword = s.Classify(m.Text)
	if err := h.Store.AddInbound(ctx, m); err != nil {
		return err
	}
	reply := false
	switch m.Keyword {
	case hookline.KeywordOptOut:
		n, err := h.OptOuts.AddOptOuts(ctx, m.AccountID, []string{m.From}, hookline.OptOutKeyword)
		if err != nil {
			return err
		}
		reply = n > 0
	case hookline.KeywordOptIn:
		if reply, err = h.OptOuts.RemoveOptOut(ctx, m.AccountID, m.From); err != nil {
			return err
		}
	case hookline.KeywordHelp:
		reply = true
	}
	if !reply {
		return nil
	}
	return h.sendReply(ctx, m, s.Reply(m.Keyword))
}

// sendReply queues the answer as an ordinary outbound SMS, so it shows in
// the message log and goes through the delivery queue and its receipts.
func (h *Inbound) sendReply(ctx context.Context, in *hookline.InboundMessage, body string) error {
	msg := &hookline.Message{ID: uuid.NewString(), AccountID: in.AccountID, TriggerID: hookline.KeywordReplyTrigger, Kind: hookline.KindSMS,
		Phone: in.From, From: in.To, Body: body, Status: hookline.StatusQueued}
	msg.Encoding, msg.Segments = hookline.Segments(body)
	_, err := h.Messages.Accept(ctx, &hookline.Submission{Message: msg, Contact: &hookline.Contact{AccountID: in.AccountID, Phone: in.From}})
	return err
}

func (h *Inbound) region() string {
	if h.Region != "" {
		return h.Region
	}
	return "US"
}

func (h *Inbound) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}
