package web

import (
	"net/http"

	"hookline"
)

// triggerView is a trigger with what the pages show beside it.
type triggerView struct {
	*hookline.Trigger
	URL string
}

func (h *Handler) view(t *hookline.Trigger) triggerView {
	return triggerView{Trigger: t, URL: h.WebhookURL(t.ID)}
}

func (h *Handler) triggerList(w http.ResponseWriter, r *http.Request) {
	ts, err := h.Triggers.FindTriggers(r.Context(), hookline.TriggerFilter{AccountID: sessionFrom(r.Context()).AccountID})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	views := make([]triggerView, len(ts))
	for i, t := range ts {
		views[i] = h.view(t)
	}
	h.render(w, r, "triggers", map[string]any{"Title": "Triggers", "Nav": "triggers", "Triggers": views})
}
