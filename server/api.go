package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"hookline"
)

// decodeJSON strictly decodes a request body into v.
func (s *Server) decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, s.maxBody()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return hookline.Errorf(hookline.ERequestTooLarge, "The request body is too large.")
		}
		return hookline.Errorf(hookline.EInvalidBody, "The body is not valid JSON for this request: %s.", jsonProblem(err))
	}
	if dec.More() {
		return hookline.Errorf(hookline.EInvalidBody, "The body must hold one JSON object.")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing internals.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return "field " + typeErr.Field + " has the wrong type"
	case errors.As(err, &syntaxErr):
		return "syntax error"
	}
	if msg := err.Error(); len(msg) < 80 {
		return msg
	}
	return "malformed"
}

func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, hookline.Errorf(hookline.ENotFound, "No API route matches %s %s.", r.Method, r.URL.Path))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
