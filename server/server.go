// Package server is Hookline's HTTP side: the webhook, the /api/v1 JSON API
// and the simulator's pages, on the standard library's router.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hookline"
)

// Simulator is the control surface of the built-in carrier, when in use.
type Simulator interface {
	SetFailure(phone, mode string, count int)
}

// Server holds the services the handlers use.
type Server struct {
	// BaseURL is the public origin used in webhook URLs, without a slash.
	BaseURL       string
	DefaultRegion string
	// MaxBodyBytes bounds webhook and API request bodies.
	MaxBodyBytes int64

	Accounts hookline.AccountService
	Triggers hookline.TriggerService
	Messages hookline.MessageService
	Contacts hookline.ContactService
	Inbox    hookline.InboxStore
	// OptOuts, InboundStore, InboundHandler and Settings serve the
	// compliance API: the suppression list, texts phones sent back, and
	// the keyword settings.
	OptOuts        hookline.OptOutService
	InboundStore   hookline.InboundStore
	InboundHandler hookline.InboundHandler
	Settings       hookline.SettingsService
	// Admission and Audio are optional policies of the webhook.
	Admission Admission
	Audio     AudioResolver
	// AudioLibrary serves /api/v1/audio and the public /media URLs.
	AudioLibrary AudioLibrary
	// Simulator is nil unless the simulator carrier is in use.
	Simulator Simulator
	// Dashboard, when set, serves the web pages at every path the API,
	// webhook and media routes do not claim.
	Dashboard http.Handler
	Now       hookline.Clock
	Logger    *slog.Logger
	// Secrets and Rotator serve signing-secret and trigger rotation;
	// Metrics and Ready serve /metrics and /readyz (all optional).
	Secrets SecretRotator
	Rotator TriggerRotator
	Metrics *Metrics
	Ready   func(ctx context.Context) error
	// Carriers, when set, serves carriers' callbacks below /carrier/
	// (Twilio's status and inbound webhooks), which check their own
	// signatures.
	Carriers http.Handler

	draining atomic.Bool
	routesMu sync.Mutex
	routes   []Route
}

// Drain makes the webhook answer 503 unavailable while the process stops.
func (s *Server) Drain() { s.draining.Store(true) }

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// WebhookURL returns the public URL of a trigger's webhook.
func (s *Server) WebhookURL(id string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/webhook/Custom/" + id
}

type ctxKey int

const (
	accountKey ctxKey = iota
	requestIDKey
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func accountFrom(ctx context.Context) *hookline.Account {
	a, _ := ctx.Value(accountKey).(*hookline.Account)
	return a
}

// withRequestID gives every request an id, echoed in X-Request-Id.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// requireKey authenticates /api/v1 requests by their bearer API key.
func (s *Server) requireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			s.Error(w, r, hookline.Errorf(hookline.EUnauthorized, "Send your API key as Authorization: Bearer <key>."))
			return
		}
		a, err := s.Accounts.Authenticate(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), accountKey, a)))
	})
}
