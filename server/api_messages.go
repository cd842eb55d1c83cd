package server

import (
	"net/http"
	"strconv"

	"hookline"
)

func (s *Server) handleMessageList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := hookline.MessageFilter{AccountID: accountFrom(r.Context()).ID, TriggerID: q.Get("trigger_id"), Status: hookline.MessageStatus(q.Get("status")), Cursor: q.Get("cursor")}
	if f.Status != "" && !f.Status.Valid() {
		s.Error(w, r, hookline.Errorf(hookline.EInvalidParameter, "Unknown status %q.", truncate(string(f.Status))))
		return
	}
	if p := q.Get("phone"); p != "" {
		phone, err := hookline.ParsePhone(p, s.region())
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.Phone = phone
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			s.Error(w, r, hookline.Errorf(hookline.EInvalidParameter, "limit must be a number from 1 to 500."))
			return
		}
		f.Limit = n
	}
	ms, next, err := s.Messages.FindMessages(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": ms, "next_cursor": next})
}

func (s *Server) handleMessageGet(w http.ResponseWriter, r *http.Request) {
	m, err := s.Messages.FindMessageByID(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleContactList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cs, next, err := s.Contacts.FindContacts(r.Context(), hookline.ContactFilter{AccountID: accountFrom(r.Context()).ID, Query: q.Get("q"), Cursor: q.Get("cursor")})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"contacts": cs, "next_cursor": next})
}

func (s *Server) handleContactGet(w http.ResponseWriter, r *http.Request) {
	phone, err := hookline.ParsePhone(r.PathValue("phone"), s.region())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.Contacts.FindContactByPhone(r.Context(), accountFrom(r.Context()).ID, phone)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
