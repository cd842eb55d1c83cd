package server

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hookline"
)

// DefaultMaxRequestBytes is the backstop on every request body; routes
// apply their own, smaller limits (MaxBodyBytes) before this one.
const DefaultMaxRequestBytes = 32 << 20

// setRetryAfter sends Retry-After for errors that carry a delay.
func setRetryAfter(w http.ResponseWriter, err error) {
	var ra *hookline.RetryAfterError
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(ra.After.Seconds())))))
	}
}

// withSecurity sets the security headers of every answer, bounds request
// bodies and turns a panic into a plain 500 that reveals nothing.
func (s *Server) withSecurity(next http.Handler) http.Handler {
	https := strings.HasPrefix(s.BaseURL, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		h.Set("Referrer-Policy", "same-origin")
		if https || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, DefaultMaxRequestBytes)
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger().Error("handler panic", "method", r.Method, "path", logPath(r.URL.Path), "request_id", requestID(r.Context()), "panic", v)
				s.Error(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog logs each request as one structured line with its request
// id, and counts webhook answers by status code. Successful webhook calls
// log at debug: they are the bulk of the traffic and the metrics count them.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		webhook := strings.HasPrefix(r.URL.Path, "/webhook/")
		if webhook && s.Metrics != nil {
			s.Metrics.webhookRequests.WithLabelValues(strconv.Itoa(sw.status)).Inc()
		}
		level := slog.LevelInfo
		switch {
		case sw.status >= 500:
			level = slog.LevelError
		case webhook && sw.status < 400, r.URL.Path == "/healthz", r.URL.Path == "/readyz", r.URL.Path == "/metrics":
			level = slog.LevelDebug
		}
		log := s.logger()
		if !log.Enabled(r.Context(), level) {
			return // spares building the line's attributes
		}
		log.Log(r.Context(), level, "http request", "method", r.Method, "path", logPath(r.URL.Path), "status", sw.status,
			"bytes", sw.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000, "request_id", requestID(r.Context()), "remote", r.RemoteAddr)
	})
}

// logPath hides the secret part of webhook URLs: a trigger id is a
// capability, so only its first characters go to the log.
func logPath(p string) string {
	if id, ok := strings.CutPrefix(p, "/webhook/Custom/"); ok && len(id) > 8 {
		return "/webhook/Custom/" + id[:8] + "…"
	}
	return p
}
