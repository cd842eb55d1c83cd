package hookline

import (
	"errors"
	"fmt"
)

// Error codes are stable machine-readable identifiers that clients may depend
// on. Each maps to one HTTP status in the server's code table.
const (
	ENotFound             = "not_found"
	EInvalid              = "invalid_request"
	EUnauthorized         = "unauthorized"
	EInternal             = "internal"
	EMissingPhone         = "missing_phone"
	EInvalidPhone         = "invalid_phone"
	EInvalidEmail         = "invalid_email"
	EUnknownParameter     = "unknown_parameter"
	EConflictingParameter = "conflicting_parameter"
	EInvalidParameter     = "invalid_parameter"
	EAudioNotAllowed      = "audio_not_allowed"
	ETriggerNotFound      = "trigger_not_found"
	EMessageNotFound      = "message_not_found"
	EIdempotencyConflict  = "idempotency_conflict"
	ERequestTooLarge      = "request_too_large"
	EUnsupportedMedia     = "unsupported_media_type"
	EInvalidBody          = "invalid_body"
	EInvalidTemplate      = "invalid_template"
	ERecipientOptedOut    = "recipient_opted_out"
	EAudioRequired        = "audio_required"
	EAudioUnreachable     = "audio_unreachable"
	EAudioInvalid         = "audio_invalid"
	EAudioTooLarge        = "audio_too_large"
	EAudioTooLong         = "audio_too_long"
	EAudioBlockedAddress  = "audio_blocked_address"
	EFrequencyCapped      = "frequency_capped"
	ERateLimited          = "rate_limited"
	EUnavailable          = "unavailable"
	EConflict             = "conflict"
)

// Error is the one error type that crosses the service boundary. Code is a
// stable machine code; Message is a sentence a client can act on. Internal
// details never go in Message: they are logged instead.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("hookline error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EInternal for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-facing message of err. Errors that are not
// *Error hide their text behind a generic sentence.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}
