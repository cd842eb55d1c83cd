package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"hookline"
)

// messageFilter reads the log's filters from the query string. A phone is
// normalised to E.164 when it parses, so "(775) 538-2277" finds +17755382277.
func (h *Handler) messageFilter(r *http.Request) hookline.MessageFilter {
	q := r.URL.Query()
	f := hookline.MessageFilter{
		AccountID: sessionFrom(r.Context()).AccountID,
		TriggerID: strings.TrimSpace(q.Get("trigger_id")),
		Status:    hookline.MessageStatus(q.Get("status")),
		Cursor:    q.Get("cursor"),
		Limit:     50,
	}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if p := strings.TrimSpace(q.Get("phone")); p != "" {
		if e164, err := hookline.ParsePhone(p, h.region()); err == nil {
			f.Phone = e164
		} else {
			f.Phone = p
		}
	}
	return f
}

func (h *Handler) messageList(w http.ResponseWriter, r *http.Request) {
	f := h.messageFilter(r)
	msgs, next, err := h.Messages.FindMessages(r.Context(), f)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ts, err := h.Triggers.FindTriggers(r.Context(), hookline.TriggerFilter{AccountID: f.AccountID})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	h.render(w, r, "messages", map[string]any{"Title": "Messages", "Nav": "messages", "Messages": msgs, "Next": next,
		"Filter": f, "PhoneQuery": r.URL.Query().Get("phone"), "Triggers": ts, "Names": names})
}

// messageRow is a message as the live log receives it.
type messageRow struct {
	ID        string                 `json:"id"`
	Trigger   string                 `json:"trigger"`
	TriggerID string                 `json:"trigger_id"`
	Kind      hookline.TriggerKind   `json:"kind"`
	Phone     string                 `json:"phone"`
	Status    hookline.MessageStatus `json:"status"`
	ErrorCode string                 `json:"error_code,omitempty"`
	Created   string                 `json:"created"`
}

// messageListJSON serves the first page of the log, or with ?id= one
// message, for the live updates.
func (h *Handler) messageListJSON(w http.ResponseWriter, r *http.Request) {
	f := h.messageFilter(r)
	f.Cursor = ""
	var msgs []*hookline.Message
	var err error
	if id := r.URL.Query().Get("id"); id != "" {
		var m *hookline.Message
		if m, err = h.Messages.FindMessageByID(r.Context(), f.AccountID, id); err == nil {
			msgs = []*hookline.Message{m}
		} else if hookline.ErrorCode(err) != hookline.EInternal {
			http.NotFound(w, r)
			return
		}
	} else {
		msgs, _, err = h.Messages.FindMessages(r.Context(), f)
	}
	if err != nil {
		h.logger().Error("message log json", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	ts, _ := h.Triggers.FindTriggers(r.Context(), hookline.TriggerFilter{AccountID: f.AccountID})
	names := map[string]string{}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	rows := make([]messageRow, len(msgs))
	for i, m := range msgs {
		rows[i] = messageRow{ID: m.ID, Trigger: names[m.TriggerID], TriggerID: m.TriggerID, Kind: m.Kind, Phone: m.Phone,
			Status: m.Status, ErrorCode: m.ErrorCode, Created: funcs["when"].(func(t time.Time) string)(m.CreatedAt)}
	}
	writeJSON(w, map[string]any{"messages": rows})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}
