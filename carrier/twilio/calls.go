package twilio

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"hookline"
)

// detectPause is how long a voicemail call's first TwiML stays silent while
// AMD waits for the greeting to end. AMD's own timeout (30 s by default)
// plus a long greeting fits; if AMD never answers the call hangs up and is
// reported undelivered.
const detectPause = 60

// redirectTimeout bounds the live-call update made while Twilio waits for
// the amd route's answer.
const redirectTimeout = 10 * time.Second

// serveVoice answers the TwiML of a voicemail call at its current stage.
func (c *Client) serveVoice(w http.ResponseWriter, r *http.Request) {
	st := callStateFrom(r.URL.Query())
	if st.Stage == stageDetecting {
		// A synchronous AMD result, if Twilio sent one, decides at once.
		if by := r.PostForm.Get("AnsweredBy"); by != "" {
			st.Stage, st.Reason = decide(by, st.HumanAnswer)
		}
	}
	writeTwiML(w, twimlFor(st))
}

// twimlFor returns the TwiML verbs of a voicemail call at stage st.Stage.
func twimlFor(st callState) string {
	switch st.Stage {
	case stagePlay:
		if st.AudioURL == "" {
			return "<Hangup/>"
		}
		return "<Play>" + xmlText(st.AudioURL) + "</Play><Hangup/>"
	case stageHangup:
		return "<Hangup/>"
	}
	return `<Pause length="` + strconv.Itoa(detectPause) + `"/><Hangup/>`
}

// serveAMD acts on the asynchronous AMD result: it redirects the live call
// to play the audio or to hang up, and makes the call's final status
// callback carry that stage.
func (c *Client) serveAMD(w http.ResponseWriter, r *http.Request) {
	st := callStateFrom(r.URL.Query())
	callSid := r.PostForm.Get("CallSid")
	st.Stage, st.Reason = decide(r.PostForm.Get("AnsweredBy"), st.HumanAnswer)
	ctx, cancel := context.WithTimeout(detach(r.Context()), redirectTimeout)
	defer cancel()
	if err := c.redirectCall(ctx, callSid, st); err != nil {
		// Most often the call already ended; its completed callback,
		// without a stage, reports the voicemail as not played.
		c.logger().Error("twilio: redirect call after AMD", "call_sid", callSid,
			"message_id", st.MessageID, "stage", st.Stage, "err", err)
		http.Error(w, "call not redirected", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serveCallStatus reports a voicemail call's outcome once it is known.
func (c *Client) serveCallStatus(w http.ResponseWriter, r *http.Request) {
	st := callStateFrom(r.URL.Query())
	status, code, ok := callOutcome(r.PostForm.Get("CallStatus"), st)
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	c.report(w, r, hookline.StatusReport{
		MessageID: st.MessageID,
		CarrierID: r.PostForm.Get("CallSid"),
		Status:    status,
		ErrorCode: code,
		At:        c.cfg.Now(),
	})
}
