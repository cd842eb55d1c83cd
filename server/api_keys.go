package server

import (
	"context"
	"net/http"
	"strconv"

	"hookline"
)

// SecretRotator creates or replaces an account's callback signing secret.
type SecretRotator interface {
	RotateSigningSecret(ctx context.Context, accountID int64) (string, error)
}

// TriggerRotator gives a trigger a new id, so its old webhook URL stops
// working at once.
type TriggerRotator interface {
	RotateTrigger(ctx context.Context, accountID int64, id string) (*hookline.Trigger, error)
}

// keyCreate is the body of POST /api/v1/keys.
type keyCreate struct {
	Name string `json:"name"`
}

func (s *Server) handleKeyList(w http.ResponseWriter, r *http.Request) {
	keys, err := s.Accounts.FindAPIKeys(r.Context(), accountFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if keys == nil {
		keys = []*hookline.APIKey{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func (s *Server) handleKeyCreate(w http.ResponseWriter, r *http.Request) {
	var in keyCreate
	if err := s.decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if len(in.Name) > 100 {
		s.Error(w, r, hookline.Errorf(hookline.EInvalid, "A key name is at most 100 characters."))
		return
	}
	secret, k, err := s.Accounts.CreateAPIKey(r.Context(), accountFrom(r.Context()).ID, in.Name)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		*hookline.APIKey
		Secret string `json:"secret"`
	}{k, secret})
}

func (s *Server) handleKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "No such API key."))
		return
	}
	if err := s.Accounts.RevokeAPIKey(r.Context(), accountFrom(r.Context()).ID, id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleSigningSecret creates or rotates the account's callback signing
// secret and shows it this once.
func (s *Server) handleSigningSecret(w http.ResponseWriter, r *http.Request) {
	if s.Secrets == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "Status callbacks are not enabled on this server."))
		return
	}
	secret, err := s.Secrets.RotateSigningSecret(r.Context(), accountFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"secret": secret})
}

// handleTriggerRotate gives the trigger a new id and webhook URL; the old
// URL answers 404 from then on.
func (s *Server) handleTriggerRotate(w http.ResponseWriter, r *http.Request) {
	if s.Rotator == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "Trigger rotation is not enabled on this server."))
		return
	}
	t, err := s.Rotator.RotateTrigger(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.triggerJSON(t))
}
