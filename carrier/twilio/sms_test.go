package twilio

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"hookline"
	"hookline/carrier/carriertest"
	"hookline/carrier/twilio/twiliotest"
)

func TestSendSMSPrism(t *testing.T) {
	tests := []struct {
		name        string
		service     string
		from        string
		wantField   string
		wantValue   string
		absentField string
	}{
		{"From", "", "+15005550009", "From", "+15005550009", "MessagingServiceSid"},
		{"DefaultFrom", "", "", "From", testFrom, "MessagingServiceSid"},
		{"MessagingService", testService, "+15005550009", "MessagingServiceSid", testService, "From"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, rec := mustRecordingPrism(t)
			rig := mustRig(t, api, func(c *Config) { c.MessagingServiceSID = tt.service })
			res, err := rig.Client.SendSMS(context.Background(), &hookline.OutboundSMS{
				MessageID: "msg-1", From: tt.from, To: "+15005550101", Body: "Hi Ann 👋",
			})
			if err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			e := rec.Last(t)
			if got, want := e.Path, "/2010-04-01/Accounts/"+testAccountSID+"/Messages.json"; got != want {
				t.Errorf("path = %s, want %s", got, want)
			}
			if got := e.Form.Get(tt.wantField); got != tt.wantValue {
				t.Errorf("%s = %q, want %q", tt.wantField, got, tt.wantValue)
			}
			if _, ok := e.Form[tt.absentField]; ok {
				t.Errorf("%s sent alongside %s", tt.absentField, tt.wantField)
			}
			if got, want := e.Form.Get("StatusCallback"), testPublicURL+"/carrier/twilio/status?message_id=msg-1"; got != want {
				t.Errorf("StatusCallback = %q, want %q", got, want)
			}
			if res.CarrierID == "" || !strings.HasPrefix(res.CarrierID, "SM") || res.Status != hookline.StatusSent {
				t.Errorf("result = %+v, want an SM sid and sent", res)
			}
		})
	}
}

// TestAPIURLWithVersion checks that an APIURL naming the spec's version
// prefix does not double it.
func TestAPIURLWithVersion(t *testing.T) {
	api, rec := mustRecordingPrism(t)
	rig := mustRig(t, api+"/2010-04-01/", nil)
	if _, err := rig.Client.SendSMS(context.Background(), &hookline.OutboundSMS{MessageID: "m", To: "+15005550101", Body: "x"}); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	rec.Last(t)
}

// TestPrismRefusesBadRequests proves the contract check is live: a request
// Twilio's document forbids (a malformed AccountSid) is refused, and the
// refusal is a permanent error.
func TestPrismRefusesBadRequests(t *testing.T) {
	api, _ := mustRecordingPrism(t)
	rig := mustRig(t, api, func(c *Config) { c.AccountSID = "ACnot-a-sid" })
	_, err := rig.Client.SendSMS(context.Background(), &hookline.OutboundSMS{MessageID: "m", To: "+15005550101", Body: "x"})
	assertCarrierError(t, err, "twilio_http_422", true)
}

// failPhone is the number the Twilio stand-in reports undelivered.
const failPhone = "+15005550199"

// TestConformanceSMS runs carriertest against Prism, with the test playing
// Twilio's part in the asynchronous half: after each accepted send it posts
// the signed status callback Twilio would, to the StatusCallback URL the
// client gave, and the Handler feeds the harness's Reports.
func TestConformanceSMS(t *testing.T) {
	carriertest.RunSMS(t, func(t *testing.T) *carriertest.SMSHarness {
		api, rec := mustRecordingPrism(t)
		rig := mustRig(t, api, nil)
		return &carriertest.SMSHarness{
			Sender:    &twilioStandIn{rig: rig, rec: rec, t: t},
			Reports:   rig.Reports,
			FailPhone: failPhone,
			From:      testFrom,
		}
	})
}

// twilioStandIn sends through the Client and then calls back as Twilio.
type twilioStandIn struct {
	rig *testRig
	rec *twiliotest.Recorder
	t   *testing.T
}

func (s *twilioStandIn) Name() string { return s.rig.Client.Name() }

func (s *twilioStandIn) SendSMS(ctx context.Context, m *hookline.OutboundSMS) (*hookline.SendResult, error) {
	res, err := s.rig.Client.SendSMS(ctx, m)
	if err != nil {
		return nil, err
	}
	sent := s.rec.Last(s.t).Form
	params := url.Values{
		"AccountSid": {testAccountSID}, "ApiVersion": {"2010-04-01"},
		"MessageSid": {res.CarrierID}, "SmsSid": {res.CarrierID},
		"From": {sent.Get("From")}, "To": {m.To},
	}
	statuses := []string{"sent", "delivered"}
	if m.To == failPhone {
		statuses = []string{"sent", "undelivered"}
		params.Set("ErrorCode", "30003")
	}
	for _, st := range statuses {
		params.Set("MessageStatus", st)
		params.Set("SmsStatus", st)
		s.rig.mustPost(s.t, sent.Get("StatusCallback"), params)
	}
	return res, nil
}

func TestSendSMSErrors(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		body          string
		wantCode      string
		wantPermanent bool
	}{
		{"InvalidTo", 400, `{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}`, "twilio_21211", true},
		{"Unsubscribed", 400, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`, "twilio_21610", true},
		{"NotFoundNoBody", 404, ``, "twilio_http_404", true},
		{"BadCredentials", 401, `{"code":20003,"message":"Authenticate","status":401}`, "twilio_20003", false},
		{"RateLimited", 429, `{"code":20429,"message":"Too Many Requests","status":429}`, "twilio_20429", false},
		{"ServerError", 500, `{"code":20500,"message":"Internal Server Error","status":500}`, "twilio_20500", false},
		{"Unavailable", 503, `<html>busy</html>`, "twilio_http_503", false},
		{"AcceptedButFailed", 201, `{"sid":"SM1","status":"failed"}`, "twilio_failed", true},
		{"AcceptedWithoutSid", 201, `{}`, "twilio_bad_response", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			rig := mustRig(t, srv.URL, nil)
			_, err := rig.Client.SendSMS(context.Background(), &hookline.OutboundSMS{MessageID: "m", To: "+15005550101", Body: "x"})
			assertCarrierError(t, err, tt.wantCode, tt.wantPermanent)
		})
	}
	t.Run("Network", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		rig := mustRig(t, srv.URL, nil)
		_, err := rig.Client.SendSMS(context.Background(), &hookline.OutboundSMS{MessageID: "m", To: "+15005550101", Body: "x"})
		assertCarrierError(t, err, "twilio_network", false)
	})
}

func assertCarrierError(t *testing.T, err error, code string, permanent bool) {
	t.Helper()
	ce, ok := err.(*hookline.CarrierError)
	if !ok {
		t.Fatalf("err = %v (%T), want *hookline.CarrierError", err, err)
	}
	if ce.Code != code || ce.Permanent != permanent {
		t.Errorf("err = %v: code %q permanent %v, want %q %v", err, ce.Code, ce.Permanent, code, permanent)
	}
}
