package twilio

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/carriertest"
	"hookline/carrier/twilio/twiliotest"
)

func TestSendVoicemailPrism(t *testing.T) {
	api, rec := mustRecordingPrism(t)
	rig := mustRig(t, api, nil)
	res, err := rig.Client.SendVoicemail(context.Background(), &hookline.OutboundVoicemail{
		MessageID: "vm-1", To: "+15005550201", AudioURL: testAudioURL, HumanAnswer: "hangup", Duration: time.Second,
	})
	if err != nil {
		t.Fatalf("SendVoicemail: %v", err)
	}
	e := rec.Last(t)
	if got, want := e.Path, "/2010-04-01/Accounts/"+testAccountSID+"/Calls.json"; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	for k, want := range map[string]string{
		"To": "+15005550201", "From": testFrom, "MachineDetection": "DetectMessageEnd", "AsyncAmd": "true",
	} {
		if got := e.Form.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got, want := strings.Join(e.Form["StatusCallbackEvent"], " "), "initiated ringing answered completed"; got != want {
		t.Errorf("StatusCallbackEvent = %q, want %q", got, want)
	}
	for k, route := range map[string]string{"Url": "voice", "AsyncAmdStatusCallback": "amd", "StatusCallback": "call-status"} {
		u, err := url.Parse(e.Form.Get(k))
		if err != nil || u.Path != "/carrier/twilio/"+route || u.Query().Get("message_id") != "vm-1" {
			t.Errorf("%s = %q, want the %s route for vm-1", k, e.Form.Get(k), route)
		}
	}
	if !strings.HasPrefix(res.CarrierID, "CA") || res.Status != hookline.StatusSent {
		t.Errorf("result = %+v, want a CA sid and sent", res)
	}
}

func TestSendVoicemailNeedsAudioURL(t *testing.T) {
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	_, err := rig.Client.SendVoicemail(context.Background(), &hookline.OutboundVoicemail{MessageID: "m", To: "+15005550201"})
	assertCarrierError(t, err, "twilio_audio_url_missing", true)
}

// TestVoicemailFlows plays Twilio's part of a voicemail call against the
// Handler: the call is created through Prism, then the test posts the
// signed callbacks Twilio would; the amd route's live-call update goes
// through Prism too.
func TestVoicemailFlows(t *testing.T) {
	tests := []struct {
		name        string
		humanAnswer string
		answeredBy  string
		wantTwiML   string
		wantStatus  hookline.MessageStatus
		wantCode    string
	}{
		{"MachineBeep", "hangup", "machine_end_beep", "<Play>" + xmlText(testAudioURL) + "</Play><Hangup/>", hookline.StatusDelivered, ""},
		{"MachineSilence", "hangup", "machine_end_silence", "<Play>", hookline.StatusDelivered, ""},
		{"MachineOther", "", "machine_end_other", "<Play>", hookline.StatusDelivered, ""},
		{"HumanHangup", "hangup", "human", "<Response><Hangup/></Response>", hookline.StatusUndelivered, "human_answered"},
		{"HumanPlay", "play", "human", "<Play>", hookline.StatusDelivered, ""},
		{"Fax", "play", "fax", "<Response><Hangup/></Response>", hookline.StatusUndelivered, "twilio_amd_fax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, rec := mustRecordingPrism(t)
			rig := mustRig(t, api, nil)
			res, err := rig.Client.SendVoicemail(context.Background(), &hookline.OutboundVoicemail{
				MessageID: "vm-" + tt.name, To: "+15005550201", AudioURL: testAudioURL, HumanAnswer: tt.humanAnswer,
			})
			if err != nil {
				t.Fatalf("SendVoicemail: %v", err)
			}
			create := rec.Last(t).Form
			final := answerCall(t, rig, rec, create, res.CarrierID, tt.answeredBy, tt.wantTwiML)
			rig.mustPost(t, final, callParams(res.CarrierID, "completed"))
			r := rig.nextReport(t)
			if r.MessageID != "vm-"+tt.name || r.CarrierID != res.CarrierID || r.Status != tt.wantStatus || r.ErrorCode != tt.wantCode {
				t.Errorf("report = %+v, want %s %q", r, tt.wantStatus, tt.wantCode)
			}
		})
	}
}

// answerCall plays an answered call with async AMD: the initial TwiML, the
// AMD callback and its live-call update, and the TwiML after it. It returns
// the status callback URL the call ends with.
func answerCall(t *testing.T, rig *testRig, rec *twiliotest.Recorder, create url.Values, callSid, answeredBy, wantTwiML string) string {
	t.Helper()
	for _, ev := range []string{"initiated", "ringing", "in-progress"} {
		rig.mustPost(t, create.Get("StatusCallback"), callParams(callSid, ev))
	}
	rig.noReport(t)
	if got := rig.mustPost(t, create.Get("Url"), callParams(callSid, "in-progress")); !strings.Contains(got, `<Pause length="60"/>`) {
		t.Fatalf("initial TwiML = %s, want a pause while AMD listens", got)
	}
	amd := callParams(callSid, "in-progress")
	amd.Set("AnsweredBy", answeredBy)
	amd.Set("MachineDetectionDuration", "4200")
	rig.mustPost(t, create.Get("AsyncAmdStatusCallback"), amd)
	update := rec.Last(t)
	if got, want := update.Path, "/2010-04-01/Accounts/"+testAccountSID+"/Calls/"+callSid+".json"; got != want {
		t.Fatalf("update path = %s, want %s", got, want)
	}
	if got := rig.mustPost(t, update.Form.Get("Url"), callParams(callSid, "in-progress")); !strings.Contains(got, wantTwiML) {
		t.Errorf("TwiML after AMD = %s, want %s", got, wantTwiML)
	}
	return update.Form.Get("StatusCallback")
}

func callParams(callSid, status string) url.Values {
	return url.Values{
		"AccountSid": {testAccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {callSid},
		"CallStatus": {status}, "Direction": {"outbound-api"}, "From": {testFrom}, "To": {"+15005550201"},
	}
}

func TestCallStatusOutcomes(t *testing.T) {
	tests := []struct {
		callStatus, stage string
		wantStatus        hookline.MessageStatus
		wantCode          string
	}{
		{"busy", "", hookline.StatusUndelivered, "twilio_call_busy"},
		{"no-answer", "", hookline.StatusUndelivered, "twilio_call_no_answer"},
		{"canceled", "", hookline.StatusUndelivered, "twilio_call_canceled"},
		{"failed", "", hookline.StatusFailed, "twilio_call_failed"},
		{"completed", "", hookline.StatusUndelivered, "voicemail_not_played"},
		{"completed", "play", hookline.StatusDelivered, ""},
		{"ringing", "", "", ""},
		{"in-progress", "play", "", ""},
	}
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	for _, tt := range tests {
		q := callState{MessageID: "vm-9", Stage: tt.stage}.statusQuery()
		rig.mustPost(t, rig.Client.callbackURL(routeCallStatus, q), callParams("CA9", tt.callStatus))
		if tt.wantStatus == "" {
			rig.noReport(t)
			continue
		}
		if r := rig.nextReport(t); r.MessageID != "vm-9" || r.CarrierID != "CA9" || r.Status != tt.wantStatus || r.ErrorCode != tt.wantCode || !r.At.Equal(testNow) {
			t.Errorf("%s %q: report = %+v, want %s %q", tt.callStatus, tt.stage, r, tt.wantStatus, tt.wantCode)
		}
	}
}

// TestConformanceVoicemail runs carriertest with the test as Twilio:
// machines answer the call, the fail phone is busy.
func TestConformanceVoicemail(t *testing.T) {
	carriertest.RunVoicemail(t, func(t *testing.T) *carriertest.VoicemailHarness {
		api, rec := mustRecordingPrism(t)
		rig := mustRig(t, api, nil)
		return &carriertest.VoicemailHarness{
			Sender:    &voiceStandIn{rig: rig, rec: rec, t: t},
			Reports:   rig.Reports,
			FailPhone: failPhone,
			From:      testFrom,
		}
	})
}

// voiceStandIn gives each voicemail the AudioURL Hookline's audio store
// would, sends it, and calls back as Twilio.
type voiceStandIn struct {
	rig *testRig
	rec *twiliotest.Recorder
	t   *testing.T
}

func (s *voiceStandIn) Name() string { return s.rig.Client.Name() }

func (s *voiceStandIn) SendVoicemail(ctx context.Context, v *hookline.OutboundVoicemail) (*hookline.SendResult, error) {
	vv := *v
	vv.AudioURL = testAudioURL
	res, err := s.rig.Client.SendVoicemail(ctx, &vv)
	if err != nil {
		return nil, err
	}
	create := s.rec.Last(s.t).Form
	if v.To == failPhone {
		s.rig.mustPost(s.t, create.Get("StatusCallback"), callParams(res.CarrierID, "busy"))
		return res, nil
	}
	final := answerCall(s.t, s.rig, s.rec, create, res.CarrierID, "machine_end_beep", "<Play>")
	s.rig.mustPost(s.t, final, callParams(res.CarrierID, "completed"))
	return res, nil
}
