package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks that server/openapi.json documents
// exactly the routes registered in routes.go. When it fails after you add a
// route, add the named path and method to server/openapi.json.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("server/openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	documented := map[Route]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
				documented[Route{Method: strings.ToUpper(method), Pattern: path}] = true
			}
		}
	}
	s := &Server{}
	s.Handler()
	routes := s.Routes()
	if len(routes) == 0 {
		t.Fatal("the router recorded no routes")
	}
	for _, r := range routes {
		if !documented[r] {
			t.Errorf("route %s %s (server/routes.go) is missing from server/openapi.json: add paths[%q][%q]", r.Method, r.Pattern, r.Pattern, strings.ToLower(r.Method))
		}
		delete(documented, r)
	}
	for r := range documented {
		t.Errorf("server/openapi.json documents %s %s, which server/routes.go does not register", r.Method, r.Pattern)
	}
}

// TestOpenAPIServed checks the document is served without a key.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	s := &Server{}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("GET /api/v1/openapi.json = %d, valid JSON %v", rec.Code, json.Valid(rec.Body.Bytes()))
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base     string
		wantHSTS bool
	}{{"http://localhost:8080", false}, {"https://hooks.example.com", true}} {
		s := &Server{BaseURL: tc.base}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		h := rec.Header()
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", tc.base, k, got, want)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: CSP = %q", tc.base, h.Get("Content-Security-Policy"))
		}
		if got := h.Get("Strict-Transport-Security") != ""; got != tc.wantHSTS {
			t.Errorf("%s: HSTS set %v, want %v", tc.base, got, tc.wantHSTS)
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", tc.base)
		}
	}
}

// TestPanicHidesDetails checks a panicking handler answers a generic 500.
func TestPanicHidesDetails(t *testing.T) {
	t.Parallel()
	s := &Server{}
	h := s.withSecurity(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret database password") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(rec.Body.String(), `"internal"`) {
		t.Fatalf("panic answer = %d %s", rec.Code, rec.Body)
	}
}
