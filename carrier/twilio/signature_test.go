package twilio

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The worked example of Twilio's webhook security guide.
var (
	vectorURL    = "https://mycompany.com/myapp.php?foo=1&bar=2"
	vectorParams = url.Values{
		"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"},
	}
	vectorSig = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
)

func TestSignatureVector(t *testing.T) {
	if got := Signature("12345", vectorURL, vectorParams); got != vectorSig {
		t.Fatalf("Signature = %s, want %s", got, vectorSig)
	}
	if !ValidSignature("12345", vectorURL, vectorParams, vectorSig) {
		t.Fatal("ValidSignature refused Twilio's example")
	}
	tampered := url.Values{}
	for k, v := range vectorParams {
		tampered[k] = v
	}
	tampered.Set("Digits", "9999")
	for name, ok := range map[string]bool{
		"tampered param": ValidSignature("12345", vectorURL, tampered, vectorSig),
		"other URL":      ValidSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=3", vectorParams, vectorSig),
		"other token":    ValidSignature("54321", vectorURL, vectorParams, vectorSig),
		"empty":          ValidSignature("12345", vectorURL, vectorParams, ""),
	} {
		if ok {
			t.Errorf("%s: signature accepted", name)
		}
	}
}

// TestVectorThroughHandler checks the Handler rebuilds the URL Twilio
// signed from PublicURL and the request-target, behind StripPrefix too.
func TestVectorThroughHandler(t *testing.T) {
	c, err := New(Config{AccountSID: testAccountSID, AuthToken: "12345", From: testFrom, PublicURL: "https://mycompany.com"})
	if err != nil {
		t.Fatal(err)
	}
	body := vectorParams.Encode()
	req := httptest.NewRequest(http.MethodPost, "/myapp.php?foo=1&bar=2", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if !ValidSignature("12345", c.requestURL(req), mustParseForm(t, req), vectorSig) {
		t.Fatalf("requestURL = %s, signature refused", c.requestURL(req))
	}
}

func mustParseForm(t *testing.T, r *http.Request) url.Values {
	t.Helper()
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	return r.PostForm
}

func TestHandlerRefusesBadSignatures(t *testing.T) {
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	params := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"delivered"}, "CallSid": {"CA1"},
		"CallStatus": {"completed"}, "AnsweredBy": {"human"}, "From": {"+15005550101"}, "Body": {"STOP"}}
	for _, route := range []string{routeStatus, routeSMS, routeVoice, routeAMD, routeCallStatus} {
		u := rig.Client.callbackURL(route, url.Values{"message_id": {"m1"}, "stage": {"play"}})
		for name, sig := range map[string]string{
			"unsigned":    "",
			"wrong token": Signature("not-the-token", u, params),
			"wrong URL":   Signature(testToken, strings.Replace(u, "m1", "m2", 1), params),
			"garbage":     "AAAA",
		} {
			if code, body := rig.postSigned(t, u, params, sig); code != http.StatusForbidden {
				t.Errorf("%s %s: %d %s, want 403", route, name, code, body)
			}
		}
	}
	rig.noReport(t)
	if n := len(rig.Inbound.all()); n != 0 {
		t.Errorf("%d inbound texts stored from refused requests", n)
	}
}

func TestHandlerMethodsAndRoutes(t *testing.T) {
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	resp, err := http.Get(rig.Server.URL + "/carrier/twilio/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET status = %d, want 405", resp.StatusCode)
	}
	if code, _ := rig.post(t, testPublicURL+"/carrier/twilio/nope", url.Values{}, testToken); code != http.StatusNotFound {
		t.Errorf("unknown route = %d, want 404", code)
	}
}

// TestHandlerBehindStripPrefix mounts Handler the other way a router may:
// the signature is still checked against the URL Twilio requested.
func TestHandlerBehindStripPrefix(t *testing.T) {
	rig := mustRig(t, "http://127.0.0.1:1", nil)
	mux := http.NewServeMux()
	mux.Handle("/carrier/twilio/", http.StripPrefix("/carrier/twilio", rig.Client.Handler()))
	rig.Server = httptest.NewServer(mux)
	defer rig.Server.Close()
	u := rig.Client.callbackURL(routeSMS, nil)
	if code, body := rig.post(t, u, url.Values{"From": {"+15005550101"}, "Body": {"hi"}}, testToken); code != http.StatusOK {
		t.Fatalf("signed inbound text behind StripPrefix: %d %s", code, body)
	}
}
