package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEndToEndSMS boots the server, creates a key and a trigger, calls the
// webhook and sees the message delivered and in the simulated inbox.
func TestEndToEndSMS(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Hi {first|there}, thanks!")
	if !strings.HasPrefix(hook, m.URL+"/webhook/Custom/") {
		t.Fatalf("webhook_url = %s", hook)
	}

	r := Do(t, "GET", hook+"?phone="+url.QueryEscape("+17755382277")+"&first=Ann&last=Lee&email=a@b.co", "", nil)
	if r.Status != 200 {
		t.Fatalf("webhook: %d %s", r.Status, r.Raw)
	}
	id, _ := r.Body["id"].(string)
	if got, want := r.Body["message"], "Message sent with ID: "+id; got != want || id == "" {
		t.Fatalf("message = %v, want %q", got, want)
	}
	if r.Body["status"] != "queued" {
		t.Fatalf("status = %v, want queued", r.Body["status"])
	}

	msg := WaitStatus(t, m, key, id, "delivered")
	if msg.Body["body"] != "Hi Ann, thanks!" || msg.Body["encoding"] != "GSM-7" || msg.Body["segments"] != 1.0 {
		t.Fatalf("message = %s", msg.Raw)
	}
	var statuses []string
	for _, e := range msg.Body["events"].([]any) {
		statuses = append(statuses, e.(map[string]any)["status"].(string))
	}
	if got, want := strings.Join(statuses, ","), "queued,sending,sent,delivered"; got != want {
		t.Fatalf("events = %s, want %s", got, want)
	}

	inbox := Do(t, "GET", m.URL+"/api/v1/simulator/inbox?phone="+url.QueryEscape("+17755382277"), key, nil)
	entries := inbox.Body["entries"].([]any)
	if len(entries) != 1 || entries[0].(map[string]any)["message_id"] != id || entries[0].(map[string]any)["body"] != "Hi Ann, thanks!" {
		t.Fatalf("inbox = %s", inbox.Raw)
	}

	c, err := m.DB.FindContactByPhone(context.Background(), 1, "+17755382277")
	if err != nil || c.First != "Ann" || c.Last != "Lee" || c.Email != "a@b.co" {
		t.Fatalf("contact = %+v, %v", c, err)
	}
	// A later call with only the phone keeps the names.
	if r := Do(t, "POST", hook, "", map[string]any{"phone": "+17755382277", "first": ""}); r.Status != 200 {
		t.Fatalf("second webhook: %d %s", r.Status, r.Raw)
	}
	if c, _ := m.DB.FindContactByPhone(context.Background(), 1, "+17755382277"); c.First != "Ann" {
		t.Fatalf("contact first = %q after empty first, want Ann", c.First)
	}
}

func TestAPIRequiresKey(t *testing.T) {
	m := MustRunMain(t)
	for _, key := range []string{"", "hk_wrong"} {
		r := Do(t, "GET", m.URL+"/api/v1/triggers", key, nil)
		if r.Status != http.StatusUnauthorized || r.Body["error"] != "unauthorized" || r.Body["message"] == "" {
			t.Fatalf("key %q: %d %s", key, r.Status, r.Raw)
		}
	}
}

func TestTriggerCRUD(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	id, hook := MustCreateTrigger(t, m, key, "Hello {first}")

	if r := Do(t, "POST", m.URL+"/api/v1/triggers", key, map[string]any{"kind": "sms", "name": "Bad", "body": "Hi {frist}"}); r.Status != 400 || r.Body["error"] != "invalid_template" {
		t.Fatalf("unknown merge field: %d %s", r.Status, r.Raw)
	}
	r := Do(t, "PATCH", m.URL+"/api/v1/triggers/"+id, key, map[string]any{"name": "Renamed", "body": "Bye {last|friend}"})
	if r.Status != 200 || r.Body["name"] != "Renamed" || r.Body["body"] != "Bye {last|friend}" {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "GET", m.URL+"/api/v1/triggers", key, nil); len(r.Body["triggers"].([]any)) != 1 {
		t.Fatalf("list: %s", r.Raw)
	}
	if r := Do(t, "PATCH", m.URL+"/api/v1/triggers/"+id, key, map[string]any{"enabled": false}); r.Body["enabled"] != false {
		t.Fatalf("disable: %s", r.Raw)
	}
	if r := Do(t, "GET", hook+"?phone=%2B17755382277", "", nil); r.Status != 404 || r.Body["error"] != "trigger_not_found" {
		t.Fatalf("disabled webhook: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "DELETE", m.URL+"/api/v1/triggers/"+id, key, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "GET", m.URL+"/api/v1/triggers/"+id, key, nil); r.Status != 404 {
		t.Fatalf("get deleted: %d", r.Status)
	}
}
