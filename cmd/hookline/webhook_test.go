package main

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hookline"
)

// countMessages returns how many messages the account has.
func countMessages(t *testing.T, m *Main, key string) int {
	t.Helper()
	r := Do(t, "GET", m.URL+"/api/v1/messages?limit=500", key, nil)
	return len(r.Body["messages"].([]any))
}

// TestWebhookBadInput sends each kind of bad webhook call and checks its
// error code and that no message was stored.
func TestWebhookBadInput(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	id, hook := MustCreateTrigger(t, m, key, "Hi {first|there}")
	disabledID, disabledHook := MustCreateTrigger(t, m, key, "Off")
	Do(t, "PATCH", m.URL+"/api/v1/triggers/"+disabledID, key, map[string]any{"enabled": false})
	_ = id

	big := strings.Repeat("a", 70<<10)
	tests := []struct {
		name        string
		method      string
		url         string
		contentType string
		body        string
		status      int
		code        string
	}{
		{"missing phone", "GET", hook + "?first=Ann", "", "", 400, hookline.EMissingPhone},
		{"empty phone", "GET", hook + "?phone=", "", "", 400, hookline.EMissingPhone},
		{"invalid phone", "GET", hook + "?phone=12345", "", "", 400, hookline.EInvalidPhone},
		{"letters phone", "GET", hook + "?phone=call-me", "", "", 400, hookline.EInvalidPhone},
		{"misspelt Phone", "GET", hook + "?Phone=%2B17755382277", "", "", 400, hookline.EUnknownParameter},
		{"misspelt firstname", "GET", hook + "?phone=%2B17755382277&firstname=Ann", "", "", 400, hookline.EUnknownParameter},
		{"conflicting query values", "GET", hook + "?phone=%2B17755382277&phone=%2B17755382278", "", "", 400, hookline.EConflictingParameter},
		{"conflicting query and body", "POST", hook + "?phone=%2B17755382277", "application/x-www-form-urlencoded", "phone=%2B17755382278", 400, hookline.EConflictingParameter},
		{"invalid email", "GET", hook + "?phone=%2B17755382277&email=not-an-email", "", "", 400, hookline.EInvalidEmail},
		{"oversized body", "POST", hook, "application/x-www-form-urlencoded", "phone=%2B17755382277&first=" + big, 413, hookline.ERequestTooLarge},
		{"invalid utf-8", "GET", hook + "?phone=%2B17755382277&first=%ff%fe", "", "", 400, hookline.EInvalidParameter},
		{"json not an object", "POST", hook, "application/json", `["phone"]`, 400, hookline.EInvalidBody},
		{"json nested value", "POST", hook, "application/json", `{"phone":{"n":1}}`, 400, hookline.EInvalidParameter},
		{"unsupported type", "POST", hook, "text/csv", "phone,+17755382277", 415, hookline.EUnsupportedMedia},
		{"audio on sms", "GET", hook + "?phone=%2B17755382277&audio=https%3A%2F%2Fexample.com%2Fa.mp3", "", "", 400, hookline.EAudioNotAllowed},
		{"unknown trigger", "GET", m.URL + "/webhook/Custom/7f1a6a7e-5d3b-4c1e-9d7a-2b1f0e9c8d7a?phone=%2B17755382277", "", "", 404, hookline.ETriggerNotFound},
		{"not a uuid", "GET", m.URL + "/webhook/Custom/nope?phone=%2B17755382277", "", "", 404, hookline.ETriggerNotFound},
		{"disabled trigger", "GET", disabledHook + "?phone=%2B17755382277", "", "", 404, hookline.ETriggerNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			r := doReq(t, req)
			if r.Status != tt.status || r.Body["error"] != tt.code {
				t.Fatalf("got %d %s, want %d %s", r.Status, r.Raw, tt.status, tt.code)
			}
			if msg, _ := r.Body["message"].(string); msg == "" || strings.Contains(msg, "sql") {
				t.Fatalf("message %q is not a clear sentence", msg)
			}
		})
	}
	if n := countMessages(t, m, key); n != 0 {
		t.Fatalf("%d messages stored after bad input, want 0", n)
	}
}

// TestWebhookEncodings accepts the parameters as a query, a form, multipart
// form data and JSON, merging query and body.
func TestWebhookEncodings(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hi {first} {last}")

	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.WriteField("phone", "+17755382277")
	w.WriteField("first", "Multi")
	w.WriteField("last", "Part")
	w.Close()

	tests := []struct {
		name, method, url, contentType, body, want string
	}{
		{"query", "GET", hook + "?phone=%2B17755382277&first=Query&last=Get", "", "", "Hi Query Get"},
		{"form", "POST", hook, "application/x-www-form-urlencoded", "phone=%2B17755382277&first=Form&last=Post", "Hi Form Post"},
		{"multipart", "POST", hook, w.FormDataContentType(), mp.String(), "Hi Multi Part"},
		{"json", "POST", hook, "application/json", `{"phone":"+17755382277","first":"Jay","last":"Son"}`, "Hi Jay Son"},
		{"query and json merged", "POST", hook + "?first=Mix", "application/json", `{"phone":"(775) 538-2277","last":"Ed"}`, "Hi Mix Ed"},
		{"same value twice", "POST", hook + "?phone=%2B17755382277&first=Twice", "application/x-www-form-urlencoded", "first=Twice&last=Ok", "Hi Twice Ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			r := doReq(t, req)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			msg := Do(t, "GET", m.URL+"/api/v1/messages/"+r.Body["id"].(string), key, nil)
			if msg.Body["body"] != tt.want || msg.Body["phone"] != "+17755382277" {
				t.Fatalf("message = %s, want body %q to +17755382277", msg.Raw, tt.want)
			}
		})
	}
}

// TestIdempotencyKey answers a repeated request with the first answer and
// no second message, and a different request with the same key with 409.
func TestIdempotencyKey(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hi {first}")
	send := func(first, ikey string) *apiResponse {
		req, _ := http.NewRequest("GET", hook+"?phone=%2B17755382277&first="+url.QueryEscape(first), nil)
		req.Header.Set("Idempotency-Key", ikey)
		return doReq(t, req)
	}
	a := send("Ann", "order-1")
	b := send("Ann", "order-1")
	if a.Status != 200 || b.Status != 200 || string(a.Raw) != string(b.Raw) {
		t.Fatalf("replay: %d %s then %d %s", a.Status, a.Raw, b.Status, b.Raw)
	}
	if c := send("Bob", "order-1"); c.Status != 409 || c.Body["error"] != hookline.EIdempotencyConflict {
		t.Fatalf("conflict: %d %s", c.Status, c.Raw)
	}
	if d := send("Ann", "order-2"); d.Status != 200 || d.Body["id"] == a.Body["id"] {
		t.Fatalf("new key: %d %s", d.Status, d.Raw)
	}
	if n := countMessages(t, m, key); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	// Concurrent duplicates commit once.
	results := make(chan string, 20)
	for range 20 {
		go func() { results <- send("Cy", "order-3").Body["id"].(string) }()
	}
	first := <-results
	for range 19 {
		if id := <-results; id != first {
			t.Fatalf("concurrent replay answered %s and %s", first, id)
		}
	}
	if n := countMessages(t, m, key); n != 3 {
		t.Fatalf("%d messages after concurrent duplicates, want 3", n)
	}
}

// TestTransientFailureRetries makes the simulator fail a number a few times:
// the message is retried and delivered; a permanently failing number ends
// undelivered with the carrier's code.
func TestTransientFailureRetries(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hi")
	m.Sim.SetFailure("+17755382201", "permanent", 0)
	r := Do(t, "GET", hook+"?phone=%2B17755382201", "", nil)
	msg := WaitStatus(t, m, key, r.Body["id"].(string), "undelivered")
	if msg.Body["error_code"] != "sim_rejected" {
		t.Fatalf("error_code = %v", msg.Body["error_code"])
	}
	// Transient: River retries after its backoff (1s for the first retry).
	if r := Do(t, "POST", m.URL+"/api/v1/simulator/failures", key, map[string]any{"phone": "+17755382202", "mode": "transient", "count": 1}); r.Status != 200 {
		t.Fatalf("set failure: %d %s", r.Status, r.Raw)
	}
	r = Do(t, "GET", hook+"?phone=%2B17755382202", "", nil)
	WaitStatus(t, m, key, r.Body["id"].(string), "delivered")
	inbox, _ := m.DB.FindInbox(context.Background(), 1, "+17755382202")
	if len(inbox) != 1 {
		t.Fatalf("inbox has %d entries after a retry, want 1", len(inbox))
	}
}
