// Package web is Hookline's dashboard: server-rendered html/template pages
// with embedded static files, one file per page or action. Plain forms work
// without JavaScript; small scripts add live updates and the copy button.
// It calls the services directly (Go interfaces), never the HTTP API.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"hookline"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// AudioLibrary validates, stores and reads back MP3s; the audio engineer's
// library (the same one behind /api/v1/audio) satisfies it.
type AudioLibrary interface {
	// Upload validates and stores an MP3, once per SHA-256 per account.
	Upload(ctx context.Context, accountID int64, data []byte) (*hookline.Audio, error)
	FindAudio(ctx context.Context, accountID int64, id string) (*hookline.Audio, error)
	AudioData(ctx context.Context, id string) ([]byte, error)
}

// TriggerRotator gives a trigger a new secret webhook URL.
type TriggerRotator interface {
	RotateTrigger(ctx context.Context, accountID int64, id string) (*hookline.Trigger, error)
}

// SigningSecrets manages the secret that signs status callbacks.
type SigningSecrets interface {
	SigningSecret(ctx context.Context, accountID int64) (string, error)
	RotateSigningSecret(ctx context.Context, accountID int64) (string, error)
}

// Handler serves the dashboard. The optional services (nil when not
// wired) hide the parts of the pages that need them.
type Handler struct {
	Users    hookline.UserService
	Accounts hookline.AccountService
	Triggers hookline.TriggerService
	Messages hookline.MessageService
	Contacts hookline.ContactService
	Inbox    hookline.InboxStore
	Audio    AudioLibrary
	OptOuts  hookline.OptOutService
	// Inbound applies a simulated phone's reply (STOP, HELP, ...) as if
	// the carrier had delivered it; Replies lists those replies.
	Inbound hookline.InboundHandler
	Replies hookline.InboundStore
	Rotator TriggerRotator
	Secrets SigningSecrets
	// Webhook serves /webhook/Custom/{id}; the test form calls it in
	// process, so a test fire goes through exactly the public code path.
	Webhook http.Handler
	// WebhookURL returns the public URL of a trigger.
	WebhookURL    func(id string) string
	DefaultRegion string
	// SecureCookies marks cookies Secure; it is also set per request when
	// the request came over TLS.
	SecureCookies bool
	Now           hookline.Clock
	Logger        *slog.Logger

	pages map[string]*page
	mux   *http.ServeMux
}

// Init parses the templates and builds the routes. Call it once before
// serving.
func (h *Handler) Init() error {
	pages, err := parsePages()
	if err != nil {
		return err
	}
	h.pages = pages
	h.mux = h.routes()
	return nil
}

// ServeHTTP serves the dashboard behind cross-origin protection: a POST
// from another site is refused before it reaches a handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	cop := http.NewCrossOriginProtection()
	cop.Handler(h.mux).ServeHTTP(w, r)
}

func (h *Handler) routes() *http.ServeMux {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.loginSubmit)
	mux.Handle("POST /logout", h.auth(h.logout))
	mux.Handle("GET /{$}", h.auth(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/triggers", http.StatusSeeOther) }))
	mux.Handle("GET /triggers", h.auth(h.triggerList))
	mux.Handle("GET /triggers/new", h.auth(h.triggerNew))
	mux.Handle("POST /triggers", h.auth(h.triggerCreate))
	mux.Handle("GET /triggers/{id}", h.auth(h.triggerShow))
	mux.Handle("POST /triggers/{id}", h.auth(h.triggerSave))
	mux.Handle("POST /triggers/{id}/enabled", h.auth(h.triggerToggle))
	mux.Handle("POST /triggers/{id}/rotate", h.auth(h.triggerRotate))
	mux.Handle("POST /triggers/{id}/test", h.auth(h.triggerTest))
	mux.Handle("GET /messages", h.auth(h.messageList))
	mux.Handle("GET /messages.json", h.auth(h.messageListJSON))
	mux.Handle("GET /messages/{id}", h.auth(h.messageShow))
	mux.Handle("GET /contacts", h.auth(h.contactList))
	mux.Handle("GET /contacts.csv", h.auth(h.contactExport))
	mux.Handle("POST /opt-outs", h.auth(h.optOutSave))
	mux.Handle("POST /opt-outs/remove", h.auth(h.optOutRemove))
	mux.Handle("GET /phone", h.auth(h.phoneShow))
	mux.Handle("GET /phone.json", h.auth(h.phoneJSON))
	mux.Handle("POST /phone/reply", h.auth(h.phoneReply))
	mux.Handle("GET /audio/{id}", h.auth(h.audioFile))
	mux.Handle("GET /settings", h.auth(h.settingsShow))
	mux.Handle("POST /settings/keys", h.auth(h.keyCreate))
	mux.Handle("POST /settings/keys/{id}/revoke", h.auth(h.keyRevoke))
	mux.Handle("POST /settings/secret", h.auth(h.secretRotate))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.renderStatus(w, r, http.StatusNotFound, "error", map[string]any{"Title": "Not found", "Text": "There is no page at this address."})
	})
	return mux
}

// cacheStatic lets browsers keep the embedded files for an hour.
func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) region() string {
	if h.DefaultRegion != "" {
		return h.DefaultRegion
	}
	return "US"
}

// serverError logs an unexpected error and shows a generic page.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	code := hookline.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case hookline.ENotFound, hookline.ETriggerNotFound, hookline.EMessageNotFound:
		status = http.StatusNotFound
	case hookline.EInternal:
		h.logger().Error("dashboard request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	default:
		status = http.StatusBadRequest
	}
	h.renderStatus(w, r, status, "error", map[string]any{"Title": http.StatusText(status), "Text": hookline.ErrorMessage(err)})
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
