package web

import (
	"net/http"

	"hookline"
)

func (h *Handler) messageShow(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	m, err := h.Messages.FindMessageByID(r.Context(), accountID, r.PathValue("id"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	data := map[string]any{"Title": "Message " + m.ID[:min(8, len(m.ID))], "Nav": "messages", "Message": m}
	if t, err := h.Triggers.FindTriggerByID(r.Context(), accountID, m.TriggerID); err == nil {
		data["Trigger"] = t
	} else if hookline.ErrorCode(err) == hookline.EInternal {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, "message", data)
}
