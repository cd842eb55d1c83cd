package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline/client"
)

// callbackReceiver is a local status-callback endpoint that checks every
// signature, records what it acknowledged and refuses the first failFirst
// requests so the sender must retry.
type callbackReceiver struct {
	t         *testing.T
	secret    func() string
	mu        sync.Mutex
	failFirst int
	requests  int
	badSig    int
	got       map[string][]string // message id → statuses acknowledged, in order
	events    map[string]bool
}

func (rc *callbackReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	// The signing clock is the node's test clock, so check against the
	// time in the header itself with a wide tolerance.
	if err := client.VerifySignature(rc.secret(), r.Header.Get("Hookline-Signature"), body, 100*365*24*time.Hour, time.Now()); err != nil {
		rc.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if rc.requests <= rc.failFirst {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var ev struct {
		EventID    string    `json:"event_id"`
		MessageID  string    `json:"message_id"`
		TriggerID  string    `json:"trigger_id"`
		Phone      string    `json:"phone"`
		Status     string    `json:"status"`
		OccurredAt time.Time `json:"occurred_at"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.t.Errorf("callback body %s: %v", body, err)
	}
	if rc.events[ev.EventID] {
		rc.t.Errorf("event %s delivered twice", ev.EventID)
	}
	rc.events[ev.EventID] = true
	rc.got[ev.MessageID] = append(rc.got[ev.MessageID], ev.Status)
	w.WriteHeader(http.StatusNoContent)
}

func (rc *callbackReceiver) statuses(id string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.got[id]...)
}

func TestStatusCallbacksSignedOrderedRetried(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, func(c *Config) {
		c.CallbackAllow = []string{"127.0.0.0/8"}
		c.CallbackRetryBase = 10 * time.Millisecond
	})
	key := MustCreateKey(t, m, "callbacks")
	r := Do(t, "POST", m.URL+"/api/v1/signing-secret", key, nil)
	secret, _ := r.Body["secret"].(string)
	if r.Status != 200 || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("signing-secret: %d %s", r.Status, r.Raw)
	}
	rc := &callbackReceiver{t: t, secret: func() string { return secret }, failFirst: 3, got: map[string][]string{}, events: map[string]bool{}}
	recv := httptest.NewServer(rc)
	defer recv.Close()

	r = Do(t, "POST", m.URL+"/api/v1/triggers", key, map[string]any{"kind": "sms", "name": "cb", "body": "Hi", "status_callback_url": recv.URL + "/hook"})
	if r.Status != 201 {
		t.Fatalf("create trigger: %d %s", r.Status, r.Raw)
	}
	hook := r.Body["webhook_url"].(string)
	var ids []string
	for _, phone := range []string{"+15005550101", "+15005550102", "+15005550103"} {
		w := Do(t, "POST", hook, "", map[string]string{"phone": phone})
		if w.Status != 200 {
			t.Fatalf("webhook: %d %s", w.Status, w.Raw)
		}
		ids = append(ids, w.Body["id"].(string))
	}
	want := []string{"queued", "sending", "sent", "delivered"}
	deadline := time.Now().Add(20 * time.Second)
	for _, id := range ids {
		for {
			got := rc.statuses(id)
			if len(got) >= len(want) {
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("message %s callbacks = %v, want %v in order", id, got, want)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("message %s callbacks = %v, want %v", id, got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	rc.mu.Lock()
	if rc.badSig != 0 {
		t.Errorf("%d callbacks had a bad signature", rc.badSig)
	}
	rc.mu.Unlock()
	// The sender counts an attempt once it has the receiver's answer, so
	// the last count may land just after the receiver saw the last event.
	for _, line := range []string{`hookline_callback_attempts_total{result="http_error"} 3`, `hookline_callback_attempts_total{result="ok"} 12`} {
		for {
			metrics := Do(t, "GET", m.URL+"/metrics", "", nil)
			if strings.Contains(string(metrics.Raw), line) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("metrics lack %q", line)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestStatusCallbackBlockedAddress checks callbacks use the safe client: a
// private address that the operator did not allow is never reached.
func TestStatusCallbackBlockedAddress(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, func(c *Config) { c.CallbackRetryBase = time.Hour })
	key := MustCreateKey(t, m, "blocked")
	var reached atomic.Bool
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Store(true) }))
	defer recv.Close()
	r := Do(t, "POST", m.URL+"/api/v1/triggers", key, map[string]any{"kind": "sms", "name": "cb", "body": "Hi", "status_callback_url": recv.URL})
	w := Do(t, "POST", r.Body["webhook_url"].(string), "", map[string]string{"phone": "+15005550104"})
	WaitStatus(t, m, key, w.Body["id"].(string), "delivered")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(string(Do(t, "GET", m.URL+"/metrics", "", nil).Raw), `hookline_callback_attempts_total{result="network_error"}`) {
		if time.Now().After(deadline) {
			t.Fatal("no blocked callback attempt counted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if reached.Load() {
		t.Fatal("a callback reached a loopback address that was not allowed")
	}
}
