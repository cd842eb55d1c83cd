package twilio

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"hookline"
)

// apiErrorBody is the JSON Twilio answers with when it refuses a request.
type apiErrorBody struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// transientCodes are Twilio error codes on 4xx answers that a later retry
// can get past: bad credentials (fixable by the operator without failing
// every queued message) and rate limits.
var transientCodes = map[int]bool{
	20003: true, // authentication failed
	20005: true, // account not active
	20429: true, // too many requests
	14107: true, // SMS send rate limit exceeded
}

// apiError sorts a non-2xx answer into a *hookline.CarrierError. 4xx answers
// are the request's fault and permanent, named by Twilio's error code
// ("twilio_21211"); 429, 5xx and the transientCodes are retried.
func apiError(status int, body []byte) *hookline.CarrierError {
	var b apiErrorBody
	_ = json.Unmarshal(body, &b) // a non-JSON body leaves b zero
	code := "twilio_http_" + strconv.Itoa(status)
	if b.Code != 0 {
		code = "twilio_" + strconv.Itoa(b.Code)
	}
	err := fmt.Errorf("twilio answered %d: %s", status, b.Message)
	if b.Message == "" {
		err = fmt.Errorf("twilio answered %d: %.200q", status, body)
	}
	ce := &hookline.CarrierError{Code: code, Err: err}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
	case status == http.StatusUnauthorized || transientCodes[b.Code]:
	case status >= 400:
		ce.Permanent = true
	}
	return ce
}
