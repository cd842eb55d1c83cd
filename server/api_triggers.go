package server

import (
	"net/http"

	"hookline"
)

// triggerJSON is a trigger as the API shows it, with its webhook URL.
type triggerJSON struct {
	*hookline.Trigger
	WebhookURL string `json:"webhook_url"`
}

func (s *Server) triggerJSON(t *hookline.Trigger) triggerJSON {
	return triggerJSON{Trigger: t, WebhookURL: s.WebhookURL(t.ID)}
}

// triggerCreate is the body of POST /api/v1/triggers.
type triggerCreate struct {
	Kind              hookline.TriggerKind `json:"kind"`
	Name              string               `json:"name"`
	Body              string               `json:"body"`
	AudioID           string               `json:"audio_id"`
	From              string               `json:"from"`
	Enabled           *bool                `json:"enabled"`
	StatusCallbackURL string               `json:"status_callback_url"`
	// SendWindow absent means the default 08:00–21:00; null turns it off.
	SendWindow   hookline.SendWindowPatch `json:"send_window"`
	FrequencyCap *hookline.FrequencyCap   `json:"frequency_cap"`
	RateLimit    *hookline.RateLimit      `json:"rate_limit"`
}

func (s *Server) handleTriggerCreate(w http.ResponseWriter, r *http.Request) {
	var in triggerCreate
	if err := s.decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	t := &hookline.Trigger{AccountID: accountFrom(r.Context()).ID, Kind: in.Kind, Name: in.Name, Body: in.Body, AudioID: in.AudioID,
		From: in.From, Enabled: in.Enabled == nil || *in.Enabled, StatusCallbackURL: in.StatusCallbackURL}
	t.SendWindow, t.FrequencyCap = hookline.DefaultSendWindow(), in.FrequencyCap
	t.RateLimit = in.RateLimit
	if in.SendWindow.Set {
		t.SendWindow = in.SendWindow.Window
	}
	if err := s.Triggers.CreateTrigger(r.Context(), t); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.triggerJSON(t))
}

func (s *Server) handleTriggerList(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Triggers.FindTriggers(r.Context(), hookline.TriggerFilter{AccountID: accountFrom(r.Context()).ID, Kind: hookline.TriggerKind(r.URL.Query().Get("kind"))})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]triggerJSON, len(ts))
	for i, t := range ts {
		out[i] = s.triggerJSON(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"triggers": out})
}

func (s *Server) handleTriggerGet(w http.ResponseWriter, r *http.Request) {
	t, err := s.Triggers.FindTriggerByID(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.triggerJSON(t))
}

func (s *Server) handleTriggerUpdate(w http.ResponseWriter, r *http.Request) {
	var upd hookline.TriggerUpdate
	if err := s.decodeJSON(r, &upd); err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := s.Triggers.UpdateTrigger(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id"), upd)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.triggerJSON(t))
}

func (s *Server) handleTriggerDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Triggers.DeleteTrigger(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
