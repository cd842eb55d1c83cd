package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"hookline"
)

func (h *Handler) triggerToggle(w http.ResponseWriter, r *http.Request) {
	enabled := r.FormValue("enabled") == "true"
	t, err := h.Triggers.UpdateTrigger(r.Context(), sessionFrom(r.Context()).AccountID, r.PathValue("id"), hookline.TriggerUpdate{Enabled: &enabled})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	text := "Trigger disabled: its URL answers trigger_not_found until you enable it."
	if t.Enabled {
		text = "Trigger enabled."
	}
	h.redirectFlash(w, r, "/triggers/"+t.ID, flash{Kind: "ok", Text: text})
}

func (h *Handler) triggerRotate(w http.ResponseWriter, r *http.Request) {
	if h.Rotator == nil {
		h.serverError(w, r, hookline.Errorf(hookline.ENotFound, "Rotating URLs is not available on this server."))
		return
	}
	t, err := h.Rotator.RotateTrigger(r.Context(), sessionFrom(r.Context()).AccountID, r.PathValue("id"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirectFlash(w, r, "/triggers/"+t.ID, flash{Kind: "ok", Text: "New webhook URL made; the old one no longer works."})
}

// webhookFields are the parameters the test form passes on.
var webhookFields = []string{"phone", "first", "last", "email", "audio"}

// triggerTest fires the trigger through the webhook handler in process, so
// the test goes through the same validation as a real call.
func (h *Handler) triggerTest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := h.Triggers.FindTriggerByID(r.Context(), sessionFrom(r.Context()).AccountID, id); err != nil {
		h.serverError(w, r, err)
		return
	}
	form := url.Values{}
	for _, k := range webhookFields {
		if v := strings.TrimSpace(r.FormValue(k)); v != "" {
			form.Set(k, v)
		}
	}
	req := httptest.NewRequestWithContext(r.Context(), http.MethodPost, "/webhook/Custom/"+url.PathEscape(id), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.Webhook.ServeHTTP(rec, req)
	var answer struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	back := "/triggers/" + id
	if rec.Code != http.StatusOK {
		h.redirectFlash(w, r, back, flash{Kind: "error", Text: answer.Error + ": " + answer.Message})
		return
	}
	h.redirectFlash(w, r, back, flash{Kind: "ok", Text: "Sent: message " + answer.ID + " is " + answer.Status + ".",
		Link: "/messages/" + answer.ID, LinkText: "Follow it"})
}
