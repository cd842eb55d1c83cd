package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"hookline"
)

// bubble is one line of a simulated phone's conversation: a text or
// voicemail it received, or a reply it sent.
type bubble struct {
	At        time.Time
	Sent      bool // sent by the phone (a reply)
	Kind      hookline.TriggerKind
	Text      string
	From      string
	AudioID   string
	Duration  int64
	MessageID string
	Receipt   hookline.MessageStatus
}

// conversation merges what the phone received with what it replied.
func (h *Handler) conversation(r *http.Request, accountID int64, phone string) ([]bubble, error) {
	entries, err := h.Inbox.FindInbox(r.Context(), accountID, phone)
	if err != nil {
		return nil, err
	}
	var out []bubble
	for _, e := range entries {
		out = append(out, bubble{At: e.ReceivedAt, Kind: e.Kind, Text: e.Body, From: e.From, AudioID: e.AudioID,
			Duration: e.DurationMS, MessageID: e.MessageID, Receipt: e.ReceiptStatus})
	}
	if h.Replies != nil {
		replies, _, err := h.Replies.FindInbound(r.Context(), hookline.InboundFilter{AccountID: accountID, Phone: phone, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, m := range replies {
			out = append(out, bubble{At: m.ReceivedAt, Sent: true, Kind: hookline.KindSMS, Text: m.Text})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

func (h *Handler) phoneShow(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	data := map[string]any{"Title": "Simulated phone", "Nav": "phone", "CanReply": h.Inbound != nil}
	contacts, _, err := h.Contacts.FindContacts(r.Context(), hookline.ContactFilter{AccountID: accountID, Limit: 30})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	data["Contacts"] = contacts
	raw := strings.TrimSpace(r.URL.Query().Get("phone"))
	if raw == "" {
		h.render(w, r, "phone", data)
		return
	}
	phone, err := hookline.ParsePhone(raw, h.region())
	if err != nil {
		data["Error"] = hookline.ErrorMessage(err)
		data["PhoneQuery"] = raw
		h.renderStatus(w, r, http.StatusBadRequest, "phone", data)
		return
	}
	bubbles, err := h.conversation(r, accountID, phone)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	out, err := h.optedOut(r, accountID, phone)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	data["Phone"], data["PhoneQuery"], data["Bubbles"], data["Key"] = phone, phone, bubbles, phoneKey(bubbles, out)
	data["OptedOut"], data["OptOutsEnabled"] = out, h.OptOuts != nil
	h.render(w, r, "phone", data)
}

// optedOut reports the phone's opt-out state; false when opt-outs are not
// wired.
func (h *Handler) optedOut(r *http.Request, accountID int64, phone string) (bool, error) {
	if h.OptOuts == nil {
		return false, nil
	}
	return h.OptOuts.IsOptedOut(r.Context(), accountID, phone)
}

// phoneKey changes whenever the phone page would change, so the page's
// script knows when to refresh it.
func phoneKey(bs []bubble, optedOut bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v:%d", optedOut, len(bs))
	for _, x := range bs {
		b.WriteString(":" + string(x.Receipt))
	}
	return b.String()
}

// phoneJSON tells the page's script whether the conversation changed.
func (h *Handler) phoneJSON(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	phone, err := hookline.ParsePhone(r.URL.Query().Get("phone"), h.region())
	if err != nil {
		http.Error(w, hookline.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	bubbles, err := h.conversation(r, accountID, phone)
	if err != nil {
		h.logger().Error("phone json", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	out, err := h.optedOut(r, accountID, phone)
	if err != nil {
		h.logger().Error("phone json", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]any{"key": phoneKey(bubbles, out)})
}

// phoneReply sends a text as the simulated phone, through the same inbound
// path a carrier's reply takes: STOP opts out, HELP answers, and so on.
func (h *Handler) phoneReply(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	phone, err := hookline.ParsePhone(r.FormValue("phone"), h.region())
	if err != nil {
		h.redirectFlash(w, r, "/phone", flash{Kind: "error", Text: hookline.ErrorMessage(err)})
		return
	}
	back := "/phone?" + url.Values{"phone": {phone}}.Encode()
	text := strings.TrimSpace(r.FormValue("text"))
	switch {
	case h.Inbound == nil:
		err = hookline.Errorf(hookline.EInvalid, "Replies are not available on this server.")
	case text == "":
		err = hookline.Errorf(hookline.EInvalid, "Type a reply first.")
	case len(text) > 1600:
		err = hookline.Errorf(hookline.EInvalid, "A reply is at most 1600 bytes.")
	default:
		err = h.Inbound.HandleInbound(r.Context(), &hookline.InboundMessage{AccountID: accountID, From: phone, To: r.FormValue("to"),
			Text: text, Carrier: "simulator", ReceivedAt: h.now().UTC()})
	}
	if err != nil {
		if hookline.ErrorCode(err) == hookline.EInternal {
			h.logger().Error("simulated reply", "err", err)
		}
		h.redirectFlash(w, r, back, flash{Kind: "error", Text: hookline.ErrorMessage(err)})
		return
	}
	h.redirectFlash(w, r, back, flash{Kind: "ok", Text: fmt.Sprintf("%s replied %q.", phone, text)})
}
