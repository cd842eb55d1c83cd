package server

import (
	"net/http"
	"slices"
	"strings"
)

// Route is one method and path pattern the server answers, as registered
// in routes.go. The OpenAPI document must list exactly these.
type Route struct {
	Method  string
	Pattern string
}

// router is a ServeMux that records every method-qualified pattern, so the
// list of routes comes from routes.go itself and cannot drift from it.
// Catch-alls without a method (like "/api/v1/") are not routes of their own.
type router struct {
	*http.ServeMux
	s *Server
}

// newMux returns a recording mux; a root mux (root true) starts a new list.
func (s *Server) newMux(root bool) *router {
	if root {
		s.routesMu.Lock()
		s.routes = nil
		s.routesMu.Unlock()
	}
	return &router{ServeMux: http.NewServeMux(), s: s}
}

// HandleFunc registers and records a handler function.
func (r *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	r.record(pattern)
	r.ServeMux.HandleFunc(pattern, h)
}

// Handle registers and records a handler.
func (r *router) Handle(pattern string, h http.Handler) {
	r.record(pattern)
	r.ServeMux.Handle(pattern, h)
}

func (r *router) record(pattern string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || strings.HasPrefix(method, "/") {
		return
	}
	r.s.routesMu.Lock()
	r.s.routes = append(r.s.routes, Route{Method: method, Pattern: strings.TrimSpace(path)})
	r.s.routesMu.Unlock()
}

// Routes returns the routes registered by the last call of Handler, sorted.
func (s *Server) Routes() []Route {
	s.routesMu.Lock()
	defer s.routesMu.Unlock()
	out := slices.Clone(s.routes)
	slices.SortFunc(out, func(a, b Route) int {
		if c := strings.Compare(a.Pattern, b.Pattern); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return out
}
