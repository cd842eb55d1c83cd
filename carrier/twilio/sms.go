package twilio

import (
	"context"
	"fmt"
	"net/url"

	"hookline"
)

// SendSMS creates a Message resource. The result's CarrierID is Twilio's
// MessageSid; the final status arrives later at Handler's status route,
// which names the message by the message_id in its callback URL.
func (c *Client) SendSMS(ctx context.Context, m *hookline.OutboundSMS) (*hookline.SendResult, error) {
	form := url.Values{
		"To":             {m.To},
		"Body":           {m.Body},
		"StatusCallback": {c.callbackURL(routeStatus, url.Values{paramMessageID: {m.MessageID}})},
	}
	switch {
	case c.cfg.MessagingServiceSID != "":
		form.Set("MessagingServiceSid", c.cfg.MessagingServiceSID)
	case m.From != "":
		form.Set("From", m.From)
	default:
		form.Set("From", c.cfg.From)
	}
	r, err := c.post(ctx, "/Messages.json", form)
	if err != nil {
		return nil, err
	}
	if st, code := messageStatus(r.Status, ""); st.Final() && st != hookline.StatusDelivered {
		return nil, &hookline.CarrierError{Code: code, Permanent: true, Status: st,
			Err: fmt.Errorf("message %s is %s at once", r.SID, r.Status)}
	}
	return &hookline.SendResult{CarrierID: r.SID, Status: hookline.StatusSent}, nil
}

// messageStatus maps a Twilio MessageStatus and ErrorCode to Hookline's
// status and error code. Statuses before the carrier's receipt (queued,
// accepted, sending, sent, ...) map to StatusSent.
func messageStatus(status, errorCode string) (hookline.MessageStatus, string) {
	code := ""
	if errorCode != "" && errorCode != "0" {
		code = "twilio_" + errorCode
	}
	switch status {
	case "delivered", "read":
		return hookline.StatusDelivered, ""
	case "undelivered":
		return hookline.StatusUndelivered, orDefault(code, "twilio_undelivered")
	case "failed":
		return hookline.StatusFailed, orDefault(code, "twilio_failed")
	case "canceled":
		return hookline.StatusCanceled, code
	}
	return hookline.StatusSent, ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
