package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hookline/carrier/twilio"
	"hookline/carrier/twilio/twiliotest"
)

// TestTwilioVoicemailEndToEnd drives Hookline with --rvm-carrier twilio
// against Prism serving Twilio's OpenAPI document: a voicemail trigger with
// an uploaded MP3 fires, Calls.json gets a call whose TwiML and callback
// URLs point back at Hookline, then the test plays Twilio: it fetches the
// first TwiML, posts the signed AMD result (machine_end_beep), which makes
// Hookline redirect the live call through Prism, fetches the TwiML that
// plays the /media URL (which serves the MP3), and posts the signed final
// call status (completed): the message is delivered.
func TestTwilioVoicemailEndToEnd(t *testing.T) {
	t.Parallel()
	api, rec := twiliotest.StartRecordingPrism(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	m := MustRunMain(t, rvmPolling, func(c *Config) {
		c.Addr, c.BaseURL = addr, base
		c.RVMCarrier = "twilio"
		c.Carriers.Twilio = TwilioConfig{AccountSID: twiliotest.AccountSID, AuthToken: twiliotest.AuthToken, From: twiliotest.From, APIURL: api}
	})
	key := MustCreateKey(t, m, "acme")
	mp3 := mustRead(t, filepath.Join("..", "..", "audio", "testdata", "tone-1500ms-44k-stereo.mp3"))
	up := uploadRaw(t, m, key, mp3)
	if up.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.Status, up.Raw)
	}
	hook := createRVMTrigger(t, m, key, up.Body["id"].(string))
	const phone = "+17755382277"
	id := fireHook(t, hook, phone)
	sent := WaitStatus(t, m, key, id, "sent")
	callSid, _ := sent.Body["carrier_id"].(string)

	calls := rec.Find("POST", "/Accounts/"+twiliotest.AccountSID+"/Calls.json")
	if len(calls) != 1 || !calls[0].OK() {
		t.Fatalf("Calls.json requests: %+v, want one Prism accepted", calls)
	}
	create := calls[0].Form
	if callSid == "" || !strings.Contains(string(calls[0].Body), callSid) {
		t.Fatalf("message carrier_id %q is not the sid Prism answered: %s", callSid, calls[0].Body)
	}
	if create.Get("To") != phone || create.Get("From") != "+17755550100" || create.Get("MachineDetection") != "DetectMessageEnd" {
		t.Errorf("call To=%q From=%q MachineDetection=%q", create.Get("To"), create.Get("From"), create.Get("MachineDetection"))
	}
	for field, route := range map[string]string{"Url": "voice", "AsyncAmdStatusCallback": "amd", "StatusCallback": "call-status"} {
		u, err := url.Parse(create.Get(field))
		if err != nil || u.Path != "/carrier/twilio/"+route || u.Scheme+"://"+u.Host != base || u.Query().Get("message_id") != id {
			t.Errorf("%s = %q, want %s/carrier/twilio/%s?message_id=%s...", field, create.Get(field), base, route, id)
		}
	}
	voice, _ := url.Parse(create.Get("Url"))
	if audio := voice.Query().Get("audio"); !strings.HasPrefix(audio, base+"/media/") {
		t.Errorf("the call's audio URL %q is not a Hookline media URL", audio)
	}

	if twiml := postSignedTwilio(t, create.Get("Url"), twilioCall(callSid, "in-progress"), http.StatusOK); !strings.Contains(twiml, "<Pause") {
		t.Fatalf("first TwiML = %s, want a pause while AMD listens", twiml)
	}
	amd := twilioCall(callSid, "in-progress")
	amd.Set("AnsweredBy", "machine_end_beep")
	amd.Set("MachineDetectionDuration", "3100")
	postSignedTwilio(t, create.Get("AsyncAmdStatusCallback"), amd, http.StatusNoContent)
	updates := rec.Find("POST", "/Calls/"+callSid+".json")
	if len(updates) != 1 || !updates[0].OK() {
		t.Fatalf("live-call updates: %+v, want one Prism accepted", updates)
	}
	update := updates[0].Form

	twiml := postSignedTwilio(t, update.Get("Url"), twilioCall(callSid, "in-progress"), http.StatusOK)
	play := regexp.MustCompile(`<Play>([^<]+)</Play>`).FindStringSubmatch(twiml)
	if play == nil {
		t.Fatalf("TwiML after AMD = %s, want <Play>", twiml)
	}
	media := strings.ReplaceAll(play[1], "&amp;", "&")
	if !strings.HasPrefix(media, base+"/media/") {
		t.Fatalf("<Play> URL %q is not a Hookline media URL", media)
	}
	resp, err := http.Get(media)
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/mpeg" || !bytes.Equal(served, mp3) {
		t.Fatalf("media URL: %d %s, %d bytes, want the uploaded %d-byte MP3", resp.StatusCode, resp.Header.Get("Content-Type"), len(served), len(mp3))
	}

	postSignedTwilio(t, update.Get("StatusCallback"), twilioCall(callSid, "completed"), http.StatusNoContent)
	msg := WaitStatus(t, m, key, id, "delivered")
	if got, want := eventStatuses(msg), "queued,sending,sent,delivered"; got != want {
		t.Errorf("events = %s, want %s", got, want)
	}
	// An unsigned callback is refused and changes nothing.
	if code := postTwilio(t, update.Get("StatusCallback"), twilioCall(callSid, "failed"), ""); code != http.StatusForbidden {
		t.Errorf("unsigned call-status callback: %d, want 403", code)
	}
	if r := Do(t, "GET", m.URL+"/api/v1/messages/"+id, key, nil); r.Body["status"] != "delivered" {
		t.Errorf("after an unsigned callback: %s", r.Raw)
	}
}

// twilioCall is the form of a voice callback Twilio posts for a call.
func twilioCall(callSid, status string) url.Values {
	return url.Values{"AccountSid": {twiliotest.AccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {callSid},
		"CallStatus": {status}, "Direction": {"outbound-api"}, "From": {twiliotest.From}, "To": {"+17755382277"}}
}

// postSignedTwilio posts form to u signed as Twilio would, checks the
// status and returns the body.
func postSignedTwilio(t *testing.T, u string, form url.Values, want int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Signature(twiliotest.AuthToken, u, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s, want %d", u, resp.StatusCode, body, want)
	}
	return string(body)
}
