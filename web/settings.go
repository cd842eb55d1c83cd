package web

import (
	"net/http"
	"strconv"
	"strings"

	"hookline"
)

// settingsData is what the settings page shows; extra adds a one-time
// secret or an error.
func (h *Handler) settingsData(r *http.Request, extra map[string]any) (map[string]any, error) {
	accountID := sessionFrom(r.Context()).AccountID
	keys, err := h.Accounts.FindAPIKeys(r.Context(), accountID)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Title": "Settings", "Nav": "settings", "Keys": keys, "SecretsEnabled": h.Secrets != nil}
	if h.Secrets != nil {
		s, err := h.Secrets.SigningSecret(r.Context(), accountID)
		if err != nil {
			return nil, err
		}
		data["HasSecret"] = s != ""
	}
	for k, v := range extra {
		data[k] = v
	}
	return data, nil
}

func (h *Handler) settingsShow(w http.ResponseWriter, r *http.Request) {
	h.settingsPage(w, r, http.StatusOK, nil)
}

func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	data, err := h.settingsData(r, extra)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderStatus(w, r, status, "settings", data)
}

// keyCreate shows the new key's secret in its answer, not after a redirect,
// so the secret is never stored anywhere but the page in front of the user.
func (h *Handler) keyCreate(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.FormValue("name"))
	if len(name) > 100 {
		h.settingsPage(w, r, http.StatusUnprocessableEntity, map[string]any{"Error": "A key name is at most 100 characters."})
		return
	}
	secret, key, err := h.Accounts.CreateAPIKey(r.Context(), sessionFrom(r.Context()).AccountID, name)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.settingsPage(w, r, http.StatusOK, map[string]any{"NewKey": secret, "NewKeyName": key.Name})
}

func (h *Handler) keyRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = h.Accounts.RevokeAPIKey(r.Context(), sessionFrom(r.Context()).AccountID, id)
	} else {
		err = hookline.Errorf(hookline.ENotFound, "No such API key.")
	}
	if err != nil {
		h.redirectFlash(w, r, "/settings", flash{Kind: "error", Text: hookline.ErrorMessage(err)})
		return
	}
	h.redirectFlash(w, r, "/settings", flash{Kind: "ok", Text: "API key revoked; requests with it now get 401."})
}

// secretRotate makes a new callback signing secret and shows it once.
func (h *Handler) secretRotate(w http.ResponseWriter, r *http.Request) {
	if h.Secrets == nil {
		h.serverError(w, r, hookline.Errorf(hookline.ENotFound, "Signing secrets are not available on this server."))
		return
	}
	secret, err := h.Secrets.RotateSigningSecret(r.Context(), sessionFrom(r.Context()).AccountID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.settingsPage(w, r, http.StatusOK, map[string]any{"NewSecret": secret})
}
