package main

import (
	"fmt"
	"hookline/internal/pgtest"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrossTenantAccess checks that a key of one account gets 404, as for
// something that does not exist, on every resource of another account, and
// that lists never show the other account's rows.
func TestCrossTenantAccess(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t)
	keyA, keyB := MustCreateKey(t, m, "tenant-a"), MustCreateKey(t, m, "tenant-b")
	trig, hook := MustCreateTrigger(t, m, keyA, "Hello {first}")
	w := Do(t, "POST", hook, "", map[string]string{"phone": "+15005550111", "first": "Ann"})
	if w.Status != 200 {
		t.Fatalf("webhook: %d %s", w.Status, w.Raw)
	}
	msg := w.Body["id"].(string)
	if r := Do(t, "POST", m.URL+"/api/v1/opt-outs", keyA, map[string]any{"phone": "+15005550112"}); r.Status >= 300 {
		t.Fatalf("opt-out: %d %s", r.Status, r.Raw)
	}
	keys := Do(t, "GET", m.URL+"/api/v1/keys", keyA, nil)
	keyAID := fmt.Sprint(keys.Body["keys"].([]any)[0].(map[string]any)["id"])

	phone := url.PathEscape("+15005550111")
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/triggers/" + trig, nil},
		{"PATCH", "/api/v1/triggers/" + trig, map[string]any{"enabled": false}},
		{"DELETE", "/api/v1/triggers/" + trig, nil},
		{"POST", "/api/v1/triggers/" + trig + "/rotate", nil},
		{"GET", "/api/v1/messages/" + msg, nil},
		{"GET", "/api/v1/contacts/" + phone, nil},
		{"DELETE", "/api/v1/opt-outs/" + url.PathEscape("+15005550112"), nil},
		{"DELETE", "/api/v1/keys/" + keyAID, nil},
		{"GET", "/api/v1/audio/00000000-0000-4000-8000-000000000000", nil},
	} {
		r := Do(t, tc.method, m.URL+tc.path, keyB, tc.body)
		if r.Status != http.StatusNotFound {
			t.Errorf("B %s %s = %d %s, want 404", tc.method, tc.path, r.Status, r.Raw)
		}
	}
	for _, path := range []string{"/api/v1/triggers", "/api/v1/messages", "/api/v1/contacts", "/api/v1/opt-outs", "/api/v1/keys"} {
		r := Do(t, "GET", m.URL+path, keyB, nil)
		for _, secret := range []string{trig, msg, "+15005550111", "+15005550112", `"id":` + keyAID + `,`} {
			if r.Status == 200 && strings.Contains(string(r.Raw), secret) {
				t.Errorf("B GET %s shows A's %s: %s", path, secret, r.Raw)
			}
		}
	}
	// A still has everything B tried to change.
	if r := Do(t, "GET", m.URL+"/api/v1/triggers/"+trig, keyA, nil); r.Status != 200 || r.Body["enabled"] != true {
		t.Errorf("A's trigger after B's attempts: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "GET", m.URL+"/api/v1/keys", keyA, nil); strings.Contains(string(r.Raw), "revoked_at") {
		t.Errorf("A's key was revoked by B: %s", r.Raw)
	}
}

// TestKeysListCreateRevoke checks named keys: the secret is shown once,
// lists show prefixes only, and a revoked key stops working.
func TestKeysListCreateRevoke(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "keys")
	r := Do(t, "POST", m.URL+"/api/v1/keys", key, map[string]string{"name": "ci"})
	secret, _ := r.Body["secret"].(string)
	if r.Status != 201 || !strings.HasPrefix(secret, "hk_") || r.Body["name"] != "ci" {
		t.Fatalf("create key: %d %s", r.Status, r.Raw)
	}
	id := strconv.FormatFloat(r.Body["id"].(float64), 'f', 0, 64)
	list := Do(t, "GET", m.URL+"/api/v1/keys", secret, nil)
	if list.Status != 200 || strings.Contains(string(list.Raw), secret) || len(list.Body["keys"].([]any)) != 2 {
		t.Fatalf("list keys: %d %s", list.Status, list.Raw)
	}
	if r := Do(t, "DELETE", m.URL+"/api/v1/keys/"+id, key, nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "GET", m.URL+"/api/v1/triggers", secret, nil); r.Status != 401 {
		t.Fatalf("revoked key: %d, want 401", r.Status)
	}
}

// TestTriggerRotate checks the old webhook URL answers 404 after rotation
// and the new one works, with the trigger's messages following it.
func TestTriggerRotate(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "rotate")
	id, hook := MustCreateTrigger(t, m, key, "Hi")
	first := Do(t, "POST", hook, "", map[string]string{"phone": "+15005550121"})
	r := Do(t, "POST", m.URL+"/api/v1/triggers/"+id+"/rotate", key, nil)
	newID, _ := r.Body["id"].(string)
	newHook, _ := r.Body["webhook_url"].(string)
	if r.Status != 200 || newID == "" || newID == id || !strings.HasSuffix(newHook, "/webhook/Custom/"+newID) {
		t.Fatalf("rotate: %d %s", r.Status, r.Raw)
	}
	if w := Do(t, "POST", hook, "", map[string]string{"phone": "+15005550121"}); w.Status != 404 || w.Body["error"] != "trigger_not_found" {
		t.Errorf("old URL: %d %s, want 404 trigger_not_found", w.Status, w.Raw)
	}
	if w := Do(t, "POST", newHook, "", map[string]string{"phone": "+15005550121"}); w.Status != 200 {
		t.Errorf("new URL: %d %s", w.Status, w.Raw)
	}
	if g := Do(t, "GET", m.URL+"/api/v1/messages/"+first.Body["id"].(string), key, nil); g.Body["trigger_id"] != newID {
		t.Errorf("old message trigger_id = %v, want %s", g.Body["trigger_id"], newID)
	}
	// Disabling answers 404 too, without showing the difference.
	Do(t, "PATCH", m.URL+"/api/v1/triggers/"+newID, key, map[string]any{"enabled": false})
	if w := Do(t, "POST", newHook, "", map[string]string{"phone": "+15005550121"}); w.Status != 404 {
		t.Errorf("disabled: %d %s", w.Status, w.Raw)
	}
}

// TestTriggerRateLimitAcrossNodes runs two nodes on one database: the
// limit is counted in the database, so together they accept only the limit.
func TestTriggerRateLimitAcrossNodes(t *testing.T) {
	t.Parallel()
	// Nodes share PostgreSQL; SQLite serves one node (its folder is locked).
	pgtest.Skip(t)
	dbURL := pgtest.URL(t)
	a := MustRunMain(t, func(c *Config) { c.DatabaseURL = dbURL })
	b := MustRunMain(t, func(c *Config) { c.DatabaseURL = dbURL })
	key := MustCreateKey(t, a, "ratelimit")
	r := Do(t, "POST", a.URL+"/api/v1/triggers", key, map[string]any{"kind": "sms", "name": "rl", "body": "Hi", "rate_limit": map[string]int{"requests": 3, "window_seconds": 3600}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	ok, limited := 0, 0
	for i := range 6 {
		node := []*Main{a, b}[i%2]
		w := Do(t, "POST", node.URL+"/webhook/Custom/"+id, "", map[string]string{"phone": "+15005550131"})
		switch w.Status {
		case 200:
			ok++
		case 429:
			limited++
			if w.Body["error"] != "rate_limited" {
				t.Errorf("429 body %s", w.Raw)
			}
			if s, err := strconv.Atoi(w.Header.Get("Retry-After")); err != nil || s < 1 || time.Duration(s)*time.Second > time.Hour {
				t.Errorf("Retry-After = %q", w.Header.Get("Retry-After"))
			}
		default:
			t.Errorf("webhook: %d %s", w.Status, w.Raw)
		}
	}
	if ok != 3 || limited != 3 {
		t.Fatalf("accepted %d, limited %d; want 3 and 3", ok, limited)
	}
}
