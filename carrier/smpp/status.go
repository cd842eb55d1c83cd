package smpp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/linxGnu/gosmpp/data"

	"hookline"
)

// Error codes of the transient CarrierErrors SendSMS returns. Permanent
// errors carry the SMPP command_status as its SMPP 3.4 name, e.g.
// "ESME_RINVDSTADR", or "ESME_0x%08X" for a status without one.
const (
	// CodeLinkDown: no bind was up before the caller's context ended.
	CodeLinkDown = "smpp_link_down"
	// CodeClosed: the client is closed.
	CodeClosed = "smpp_closed"
	// CodeThrottled: the SMSC kept answering ESME_RTHROTTLED or
	// ESME_RMSGQFUL after the configured retries.
	CodeThrottled = "smpp_throttled"
	// CodeCanceled: the caller's context ended while a submit was pending.
	CodeCanceled = "smpp_canceled"
	// CodeEncoding: the text could not be encoded (never expected).
	CodeEncoding = "smpp_encoding"
)

// statusCode names an SMPP command_status for CarrierError.Code.
func statusCode(s data.CommandStatusType) string {
	if name := s.String(); strings.HasPrefix(name, "ESME_") {
		return name
	}
	return fmt.Sprintf("ESME_0x%08X", uint32(s))
}

// retryable reports whether a submit answered with s should be retried
// after a pause: the SMSC is busy, not refusing the message.
func retryable(s data.CommandStatusType) bool {
	return s == data.ESME_RTHROTTLED || s == data.ESME_RMSGQFUL
}

// transientStatus reports whether s is a temporary SMSC condition that a
// later attempt may get past, so the message must not fail permanently.
func transientStatus(s data.CommandStatusType) bool {
	switch s {
	case data.ESME_RSYSERR, data.ESME_RTHROTTLED, data.ESME_RMSGQFUL,
		data.ESME_RX_T_APPN, data.ESME_RINVBNDSTS:
		return true
	}
	return false
}

// statusError is the CarrierError for a submit_sm_resp with status s.
func statusError(s data.CommandStatusType) *hookline.CarrierError {
	return &hookline.CarrierError{
		Code:      statusCode(s),
		Permanent: !transientStatus(s),
		Status:    hookline.StatusFailed,
		Err:       fmt.Errorf("submit_sm_resp status 0x%08X", uint32(s)),
	}
}

func transient(code string, err error) *hookline.CarrierError {
	return &hookline.CarrierError{Code: code, Err: err}
}

// Link errors: errNotSent means the submit never reached the wire and can
// be retried freely; errUnacked means it was written but its response was
// lost with the link, so a retry may duplicate it.
var (
	errNotSent  = errors.New("smpp: link lost before submit was sent")
	errUnacked  = errors.New("smpp: link lost before submit_sm_resp")
	errClosed   = errors.New("smpp: client closed")
	errTimedOut = errors.New("smpp: response timeout")
)
