package server

import (
	"net/http"

	"hookline"
)

func (s *Server) handleInboundList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := hookline.InboundFilter{AccountID: accountFrom(r.Context()).ID, Cursor: q.Get("cursor")}
	if p := q.Get("phone"); p != "" {
		phone, err := hookline.ParsePhone(p, s.region())
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.Phone = phone
	}
	list, next, err := s.InboundStore.FindInbound(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"inbound": list, "next_cursor": next})
}

// simulatorReply is the body of POST /api/v1/simulator/reply: a simulated
// phone texting back to the caller's account.
type simulatorReply struct {
	From string `json:"from"`
	To   string `json:"to"`
	Text string `json:"text"`
}

func (s *Server) handleSimulatorReply(w http.ResponseWriter, r *http.Request) {
	if s.Simulator == nil || s.InboundHandler == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "The simulator carrier is not in use."))
		return
	}
	var in simulatorReply
	if err := s.decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	from, err := hookline.ParsePhone(in.From, s.region())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(in.Text) > 1600 {
		s.Error(w, r, hookline.Errorf(hookline.EInvalidParameter, "text is at most 1600 bytes."))
		return
	}
	m := &hookline.InboundMessage{AccountID: accountFrom(r.Context()).ID, From: from, To: in.To, Text: in.Text, Carrier: "simulator", ReceivedAt: s.now().UTC()}
	if err := s.InboundHandler.HandleInbound(r.Context(), m); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleComplianceSettingsGet(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Settings.FindComplianceSettings(r.Context(), accountFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cs)
}

func (s *Server) handleComplianceSettingsUpdate(w http.ResponseWriter, r *http.Request) {
	var p hookline.ComplianceSettingsPatch
	if err := s.decodeJSON(r, &p); err != nil {
		s.Error(w, r, err)
		return
	}
	cs, err := s.Settings.UpdateComplianceSettings(r.Context(), accountFrom(r.Context()).ID, p)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cs)
}
