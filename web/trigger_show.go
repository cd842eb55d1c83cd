package web

import (
	"net/http"
	"net/url"

	"hookline"
)

// examplePhone is the number shown in ready-made examples.
const examplePhone = "+15005550006"

func (h *Handler) triggerNew(w http.ResponseWriter, r *http.Request) {
	kind := hookline.TriggerKind(r.URL.Query().Get("kind"))
	if kind != hookline.KindRVM {
		kind = hookline.KindSMS
	}
	h.render(w, r, "trigger_new", map[string]any{"Title": "New trigger", "Nav": "triggers",
		"Form":         &hookline.Trigger{Kind: kind, TriggerSettings: hookline.TriggerSettings{SendWindow: hookline.DefaultSendWindow()}},
		"AudioEnabled": h.Audio != nil})
}

func (h *Handler) triggerShow(w http.ResponseWriter, r *http.Request) {
	t, err := h.Triggers.FindTriggerByID(r.Context(), sessionFrom(r.Context()).AccountID, r.PathValue("id"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	data, err := h.triggerData(r, t)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, "trigger", data)
}

// triggerData is what the trigger page shows: the trigger, ready-made
// examples of calling it and its latest messages.
func (h *Handler) triggerData(r *http.Request, t *hookline.Trigger) (map[string]any, error) {
	msgs, _, err := h.Messages.FindMessages(r.Context(), hookline.MessageFilter{AccountID: t.AccountID, TriggerID: t.ID, Limit: 5})
	if err != nil {
		return nil, err
	}
	v := h.view(t)
	q := url.Values{"phone": {examplePhone}, "first": {"Ada"}}
	curl := "curl -X POST '" + v.URL + "' \\\n  -d phone=" + examplePhone + " \\\n  -d first=Ada"
	if t.Kind == hookline.KindRVM && t.AudioID == "" {
		q.Set("audio", "https://example.com/message.mp3")
		curl += " \\\n  -d audio=https://example.com/message.mp3"
	}
	return map[string]any{
		"Title": t.Name, "Nav": "triggers", "Trigger": v, "Form": t, "Messages": msgs,
		"ExampleURL": v.URL + "?" + q.Encode(), "ExampleCurl": curl,
		"CanRotate": h.Rotator != nil, "AudioEnabled": h.Audio != nil,
	}, nil
}
