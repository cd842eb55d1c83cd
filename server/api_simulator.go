package server

import (
	"net/http"

	"hookline"
)

func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) {
	phone, err := hookline.ParsePhone(r.URL.Query().Get("phone"), s.region())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	entries, err := s.Inbox.FindInbox(r.Context(), accountFrom(r.Context()).ID, phone)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, e := range entries {
		if e.AudioID != "" {
			e.AudioURL = "/api/v1/audio/" + e.AudioID + "/file"
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"phone": phone, "entries": entries})
}

// simulatorFailure is the body of POST /api/v1/simulator/failures.
type simulatorFailure struct {
	Phone string `json:"phone"`
	Mode  string `json:"mode"`
	Count int    `json:"count"`
}

func (s *Server) handleSimulatorFailure(w http.ResponseWriter, r *http.Request) {
	if s.Simulator == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "The simulator carrier is not in use."))
		return
	}
	var in simulatorFailure
	if err := s.decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	phone, err := hookline.ParsePhone(in.Phone, s.region())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	switch in.Mode {
	case "permanent", "transient", "":
	default:
		s.Error(w, r, hookline.Errorf(hookline.EInvalidParameter, "mode must be \"permanent\", \"transient\" or \"\" (clear)."))
		return
	}
	s.Simulator.SetFailure(phone, in.Mode, in.Count)
	writeJSON(w, http.StatusOK, map[string]any{"phone": phone, "mode": in.Mode, "count": in.Count})
}
