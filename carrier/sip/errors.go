package sip

import (
	"fmt"

	"hookline"
)

// Error codes that are not a SIP status of the far end.
const (
	// CodeByeEarly is a call the far end hung up before the audio ended.
	CodeByeEarly = "sip_bye_early"
	// CodeTimeout is a call not answered within the setup timeout (or a
	// transaction that timed out); it has the code of a 408.
	CodeTimeout = "sip_408"
	// CodeNoCodec is an answer without a codec we offered.
	CodeNoCodec = "sip_488"
)

// errorForStatus classifies a final non-2xx answer to an INVITE.
//
//   - 404, 484, 486, 600, 603, 604: the number does not exist, is busy or
//     declines: permanent, undelivered.
//   - 408, 480 and every 5xx: the platform or the phone is unavailable for
//     now: transient, the queue retries.
//   - 401, 407 (a challenge we could not answer: wrong or missing
//     credentials), 403 and other 3xx/4xx: our request or account is wrong
//     and retrying will not help: permanent, failed.
//   - other 6xx: permanent, undelivered.
func errorForStatus(status int, reason string) *hookline.CarrierError {
	e := &hookline.CarrierError{
		Code: fmt.Sprintf("sip_%d", status),
		Err:  fmt.Errorf("far end answered %d %s", status, reason),
	}
	switch {
	case status == 404, status == 484, status == 486, status == 600, status == 603, status == 604:
		e.Permanent, e.Status = true, hookline.StatusUndelivered
	case status == 408, status == 480, status >= 500 && status < 600:
		// transient
	case status >= 600:
		e.Permanent, e.Status = true, hookline.StatusUndelivered
	default:
		e.Permanent, e.Status = true, hookline.StatusFailed
	}
	return e
}

// timeoutError is a call that was not answered in time.
func timeoutError(err error) *hookline.CarrierError {
	return &hookline.CarrierError{Code: CodeTimeout, Err: err}
}

// byeEarlyError is a call the far end hung up before the audio ended. It is
// permanent so that the queue does not deposit a second voicemail after a
// partial one.
func byeEarlyError(sent, total int) *hookline.CarrierError {
	return &hookline.CarrierError{
		Code: CodeByeEarly, Permanent: true, Status: hookline.StatusUndelivered,
		Err: fmt.Errorf("far end hung up after %d of %d packets", sent, total),
	}
}

// noCodecError is an answer we cannot send audio to.
func noCodecError(err error) *hookline.CarrierError {
	return &hookline.CarrierError{Code: CodeNoCodec, Permanent: true, Status: hookline.StatusFailed, Err: err}
}
