package twilio

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"hookline"
)

// SendVoicemail places a call that drops v's audio on the answering
// machine. Twilio runs answering machine detection (DetectMessageEnd) in the
// background while the call's first TwiML pauses; Handler's amd route then
// redirects the live call to play v.AudioURL, or to hang up on a person
// when v.HumanAnswer is "hangup". The call's fate comes back to the
// call-status route. Everything the later steps need travels in the
// callback URLs, so any Hookline node can serve them.
//
// Twilio fetches the audio itself: v.AudioURL is required.
func (c *Client) SendVoicemail(ctx context.Context, v *hookline.OutboundVoicemail) (*hookline.SendResult, error) {
	if v.AudioURL == "" {
		return nil, &hookline.CarrierError{Code: "twilio_audio_url_missing", Permanent: true,
			Err: errors.New("twilio fetches voicemail audio by URL but the message has no AudioURL")}
	}
	from := v.From
	if from == "" {
		from = c.cfg.From
	}
	if from == "" {
		return nil, &hookline.CarrierError{Code: "twilio_no_caller_id", Permanent: true,
			Err: errors.New("a call needs a From number; configure From")}
	}
	st := callState{MessageID: v.MessageID, AudioURL: v.AudioURL, HumanAnswer: v.HumanAnswer}
	form := url.Values{
		"To":                           {v.To},
		"From":                         {from},
		"Url":                          {c.callbackURL(routeVoice, st.query())},
		"Method":                       {"POST"},
		"MachineDetection":             {"DetectMessageEnd"},
		"AsyncAmd":                     {"true"},
		"AsyncAmdStatusCallback":       {c.callbackURL(routeAMD, st.query())},
		"AsyncAmdStatusCallbackMethod": {"POST"},
		"StatusCallback":               {c.callbackURL(routeCallStatus, st.statusQuery())},
		"StatusCallbackMethod":         {"POST"},
		"StatusCallbackEvent":          {"initiated", "ringing", "answered", "completed"},
	}
	r, err := c.post(ctx, "/Calls.json", form)
	if err != nil {
		return nil, err
	}
	return &hookline.SendResult{CarrierID: r.SID, Status: hookline.StatusSent}, nil
}

// redirectCall points the live call callSid at the voice route for stage
// st.Stage, and its final status callback at a URL that records the stage,
// so that the call's completion can be told apart (audio played or not).
// Twilio only takes a new StatusCallback together with a new Url.
func (c *Client) redirectCall(ctx context.Context, callSid string, st callState) error {
	form := url.Values{
		"Url":                  {c.callbackURL(routeVoice, st.query())},
		"Method":               {"POST"},
		"StatusCallback":       {c.callbackURL(routeCallStatus, st.statusQuery())},
		"StatusCallbackMethod": {"POST"},
	}
	_, err := c.post(ctx, "/Calls/"+url.PathEscape(callSid)+".json", form)
	return err
}

// The stages of a voicemail call, carried in the callback URLs.
const (
	stageDetecting = ""       // answered, AMD still listening
	stagePlay      = "play"   // the voicemail audio is on the line
	stageHangup    = "hangup" // we hung up without playing; Reason says why
)

// callState is what the callbacks of one voicemail call need to know,
// encoded in their query strings rather than kept in memory.
type callState struct {
	MessageID   string
	AudioURL    string
	HumanAnswer string
	Stage       string
	Reason      string
}

// The callbacks' query parameter names.
const (
	paramMessageID = "message_id"
	paramAudio     = "audio"
	paramHuman     = "human"
	paramStage     = "stage"
	paramReason    = "reason"
)

func (s callState) query() url.Values {
	q := s.statusQuery()
	q.Set(paramAudio, s.AudioURL)
	if s.HumanAnswer != "" {
		q.Set(paramHuman, s.HumanAnswer)
	}
	return q
}

// statusQuery leaves out the audio URL, which status callbacks do not need.
func (s callState) statusQuery() url.Values {
	q := url.Values{paramMessageID: {s.MessageID}}
	if s.Stage != "" {
		q.Set(paramStage, s.Stage)
	}
	if s.Reason != "" {
		q.Set(paramReason, s.Reason)
	}
	return q
}

func callStateFrom(q url.Values) callState {
	return callState{
		MessageID:   q.Get(paramMessageID),
		AudioURL:    q.Get(paramAudio),
		HumanAnswer: q.Get(paramHuman),
		Stage:       q.Get(paramStage),
		Reason:      q.Get(paramReason),
	}
}

// decide picks the next stage once AMD has said who answered. Machines get
// the audio after their greeting ends. A person gets it only when the
// trigger says "play". "unknown" (AMD timed out, typically a long or silent
// greeting) is treated as a machine: a person saying hello is detected.
func decide(answeredBy, humanAnswer string) (stage, reason string) {
	switch answeredBy {
	case "machine_end_beep", "machine_end_silence", "machine_end_other", "machine_start", "unknown":
		return stagePlay, ""
	case "human":
		if humanAnswer == "play" {
			return stagePlay, ""
		}
		return stageHangup, "human_answered"
	case "":
		return stageHangup, "twilio_amd_missing"
	}
	return stageHangup, "twilio_amd_" + answeredBy
}

// callOutcome maps a call status callback to a message status; report is
// false for statuses on the way (initiated, ringing, answered).
func callOutcome(callStatus string, st callState) (status hookline.MessageStatus, code string, report bool) {
	switch callStatus {
	case "completed":
		switch st.Stage {
		case stagePlay:
			return hookline.StatusDelivered, "", true
		case stageHangup:
			return hookline.StatusUndelivered, orDefault(st.Reason, "voicemail_not_played"), true
		}
		// The call ended before AMD decided: the callee hung up early or
		// the pause ran out.
		return hookline.StatusUndelivered, "voicemail_not_played", true
	case "busy", "no-answer", "canceled":
		return hookline.StatusUndelivered, callCode(callStatus), true
	case "failed":
		return hookline.StatusFailed, callCode(callStatus), true
	}
	return "", "", false
}

// callCode names a failed call's status as an error code, with
// underscores like Hookline's other codes: "twilio_call_no_answer".
func callCode(callStatus string) string {
	return "twilio_call_" + strings.ReplaceAll(callStatus, "-", "_")
}
