package web

import (
	"net/http"
	"net/url"
	"strings"

	"hookline"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/triggers"
	}
	return next
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "login", map[string]any{"Title": "Sign in", "Next": r.URL.Query().Get("next")})
}

func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, password, next := r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue("next")
	u, err := h.Users.AuthenticateUser(r.Context(), email, password)
	if err != nil {
		status := http.StatusUnauthorized
		if hookline.ErrorCode(err) == hookline.EInternal {
			h.logger().Error("sign in", "err", err)
			status = http.StatusInternalServerError
		}
		h.renderStatus(w, r, status, "login", map[string]any{"Title": "Sign in", "Next": next, "Email": email, "Error": hookline.ErrorMessage(err)})
		return
	}
	token, s, err := h.Users.CreateSession(r.Context(), u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setSessionCookie(w, r, token, s.ExpiresAt)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.Users.DeleteSession(r.Context(), sessionFrom(r.Context()).token); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies || isHTTPS(r)})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
