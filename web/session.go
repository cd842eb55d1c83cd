package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"hookline"
)

// sessionCookie holds the session token; the database holds its hash.
const sessionCookie = "hookline_session"

type sessionKey struct{}

// session is the signed-in user of a request, with its CSRF token.
type session struct {
	*hookline.Session
	token string
	CSRF  string
}

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// csrfToken derives the per-session form token from the session token, so
// it needs no storage and dies with the session. It is an HMAC, so the
// token cannot be worked back to the cookie from a leaked page.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("hookline csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// auth admits requests with a valid session, checks the CSRF token of every
// form post, and sends anyone else to the sign-in page.
func (h *Handler) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var s *hookline.Session
		var err error
		c, cerr := r.Cookie(sessionCookie)
		if cerr == nil && c.Value != "" {
			s, err = h.Users.FindSession(r.Context(), c.Value)
		}
		if s == nil {
			if err != nil && hookline.ErrorCode(err) == hookline.EInternal {
				h.serverError(w, r, err)
				return
			}
			if r.Method == http.MethodGet && r.URL.Path != "/messages.json" && r.URL.Path != "/phone.json" {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "Please sign in.", http.StatusUnauthorized)
			return
		}
		sess := &session{Session: s, token: c.Value, CSRF: csrfToken(c.Value)}
		if r.Method == http.MethodPost && !hmac.Equal([]byte(formValue(r, "csrf")), []byte(sess.CSRF)) {
			h.renderStatus(w, r, http.StatusForbidden, "error", map[string]any{"Title": "Form expired",
				"Text": "This form is out of date or came from another page. Go back, reload and try again."})
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
	})
}

// formValue reads a form field from a urlencoded or multipart body.
func formValue(r *http.Request, name string) string {
	if r.MultipartForm == nil && r.PostForm == nil {
		_ = r.ParseMultipartForm(maxUpload)
	}
	return r.FormValue(name)
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies || isHTTPS(r),
	})
}

// flash is a one-time notice shown on the next page, carried in a cookie so
// a redirect after a post can say what happened.
type flash struct {
	Kind string `json:"k"` // ok or error
	Text string `json:"t"`
	Link string `json:"l,omitempty"`
	// LinkText labels Link.
	LinkText string `json:"lt,omitempty"`
}

const flashCookie = "hookline_flash"

func (h *Handler) setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	b, _ := json.Marshal(f)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies || isHTTPS(r), MaxAge: 60})
}

// takeFlash reads and clears the flash.
func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f flash
	if err != nil || json.Unmarshal(b, &f) != nil {
		return nil
	}
	return &f
}

// redirectFlash redirects after a post with a notice.
func (h *Handler) redirectFlash(w http.ResponseWriter, r *http.Request, to string, f flash) {
	h.setFlash(w, r, f)
	http.Redirect(w, r, to, http.StatusSeeOther)
}
