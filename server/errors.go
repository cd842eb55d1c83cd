package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"hookline"
)

// codeStatus is the one table that maps error codes to HTTP statuses.
var codeStatus = map[string]int{
	hookline.EInvalid:              http.StatusBadRequest,
	hookline.EMissingPhone:         http.StatusBadRequest,
	hookline.EInvalidPhone:         http.StatusBadRequest,
	hookline.EInvalidEmail:         http.StatusBadRequest,
	hookline.EUnknownParameter:     http.StatusBadRequest,
	hookline.EConflictingParameter: http.StatusBadRequest,
	hookline.EInvalidParameter:     http.StatusBadRequest,
	hookline.EAudioNotAllowed:      http.StatusBadRequest,
	hookline.EInvalidBody:          http.StatusBadRequest,
	hookline.EInvalidTemplate:      http.StatusBadRequest,
	hookline.EUnauthorized:         http.StatusUnauthorized,
	hookline.ENotFound:             http.StatusNotFound,
	hookline.ETriggerNotFound:      http.StatusNotFound,
	hookline.EMessageNotFound:      http.StatusNotFound,
	hookline.EIdempotencyConflict:  http.StatusConflict,
	hookline.EConflict:             http.StatusConflict,
	hookline.ERequestTooLarge:      http.StatusRequestEntityTooLarge,
	hookline.EUnsupportedMedia:     http.StatusUnsupportedMediaType,
	hookline.ERecipientOptedOut:    http.StatusUnprocessableEntity,
	hookline.EAudioRequired:        http.StatusUnprocessableEntity,
	hookline.EAudioUnreachable:     http.StatusUnprocessableEntity,
	hookline.EAudioInvalid:         http.StatusUnprocessableEntity,
	hookline.EAudioTooLarge:        http.StatusUnprocessableEntity,
	hookline.EAudioTooLong:         http.StatusUnprocessableEntity,
	hookline.EAudioBlockedAddress:  http.StatusUnprocessableEntity,
	hookline.EFrequencyCapped:      http.StatusTooManyRequests,
	hookline.ERateLimited:          http.StatusTooManyRequests,
	hookline.EUnavailable:          http.StatusServiceUnavailable,
	hookline.EInternal:             http.StatusInternalServerError,
}

// StatusFor returns the HTTP status of an error code.
func StatusFor(code string) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// Error writes err as {"error","message"} with the status from the table.
// Internal errors are logged and answered with a generic sentence.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := hookline.ErrorCode(err)
	setRetryAfter(w, err)
	if code == hookline.EInternal {
		s.logger().Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
	}
	writeJSON(w, StatusFor(code), errorBody{Error: code, Message: hookline.ErrorMessage(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
