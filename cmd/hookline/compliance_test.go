package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// DaytimeEverywhereInNANP is an instant at which the default send window
// (08:00–21:00) holds in every zone of the North American numbering plan,
// Guam to American Samoa (22:00–23:30 UTC in July), so tests' +1 numbers are
// never held for quiet hours. It lies in the future: a message held by a
// test waits for its job instead of being retried at once.
var DaytimeEverywhereInNANP = time.Date(2030, 7, 15, 22, 30, 0, 0, time.UTC)

// TestClock reads a set instant plus the real time elapsed since it was set.
type TestClock struct {
	mu       sync.Mutex
	at, real time.Time
}

// ClockAt returns the Now of a clock that starts at t.
func ClockAt(t time.Time) func() time.Time { return NewTestClock(t).Now }

// NewTestClock returns a clock that starts at t.
func NewTestClock(t time.Time) *TestClock { return &TestClock{at: t, real: time.Now()} }

// Now returns the clock's time.
func (c *TestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at.Add(time.Since(c.real))
}

// Set moves the clock to t.
func (c *TestClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.real = t, time.Now()
}

// releaseHeld makes River work every scheduled job now, as it would when
// their time comes: the clock of the gate is moved, River's is not.
func releaseHeld(t *testing.T, m *Main) int {
	t.Helper()
	res, err := m.River.JobList(context.Background(), river.NewJobListParams().States(rivertype.JobStateScheduled).First(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range res.Jobs {
		if _, err := m.River.JobRetry(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
	}
	return len(res.Jobs)
}

// waitReplies polls the simulated inbox of phone until it holds n texts and
// returns their bodies.
func waitReplies(t *testing.T, m *Main, key, phone string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := Do(t, "GET", m.URL+"/api/v1/simulator/inbox?phone="+url.QueryEscape(phone), key, nil)
		var bodies []string
		entries, _ := r.Body["entries"].([]any)
		for _, e := range entries {
			bodies = append(bodies, e.(map[string]any)["body"].(string))
		}
		if len(bodies) >= n {
			return bodies
		}
		if time.Now().After(deadline) {
			t.Fatalf("inbox of %s: %d texts, want %d: %s", phone, len(bodies), n, r.Raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func reply(t *testing.T, m *Main, key, phone, text string) *apiResponse {
	t.Helper()
	r := Do(t, "POST", m.URL+"/api/v1/simulator/reply", key, map[string]any{"from": phone, "text": text})
	if r.Status != http.StatusOK {
		t.Fatalf("reply %q: %d %s", text, r.Status, r.Raw)
	}
	return r
}

// TestComplianceKeywords: a phone replies STOP in the simulator; a message
// held for quiet hours before the STOP is canceled when its window opens,
// the next webhook is refused, HELP is answered, START re-enables the phone
// and its next held message goes when the window opens.
func TestComplianceKeywords(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	clock := NewTestClock(time.Date(2030, 1, 15, 6, 0, 0, 0, ny))
	m := MustRunMain(t, func(c *Config) { c.Now = clock.Now })
	key := MustCreateKey(t, m, "acme")
	_, hook := MustCreateTrigger(t, m, key, "Your order shipped")
	const phone = "+12125551234" // New York

	// 06:00 in New York: the message is accepted and held until 08:00.
	r := Do(t, "POST", hook, "", map[string]any{"phone": phone})
	if r.Status != 200 || r.Body["status"] != "scheduled" {
		t.Fatalf("webhook before 08:00: %d %s", r.Status, r.Raw)
	}
	held := r.Body["id"].(string)
	msg := Do(t, "GET", m.URL+"/api/v1/messages/"+held, key, nil)
	if got, want := msg.Body["scheduled_for"], "2030-01-15T13:00:00Z"; got != want {
		t.Fatalf("scheduled_for = %v, want %s", got, want)
	}

	in := reply(t, m, key, phone, "  stop! ")
	if in.Body["keyword"] != "opt_out" {
		t.Fatalf("STOP reply = %s", in.Raw)
	}
	if got := waitReplies(t, m, key, phone, 1); !strings.Contains(got[0], "unsubscribed") {
		t.Fatalf("opt-out confirmation = %q", got)
	}

	// The window opens: the held message is canceled, not sent.
	clock.Set(time.Date(2030, 1, 15, 8, 0, 1, 0, ny))
	if n := releaseHeld(t, m); n != 1 {
		t.Fatalf("%d held jobs, want 1", n)
	}
	if c := WaitStatus(t, m, key, held, "canceled"); c.Body["error_code"] != "recipient_opted_out" {
		t.Fatalf("held message = %s", c.Raw)
	}

	// The next webhook is refused and queues nothing.
	r = Do(t, "POST", hook, "", map[string]any{"phone": phone})
	if r.Status != http.StatusUnprocessableEntity || r.Body["error"] != "recipient_opted_out" {
		t.Fatalf("webhook after STOP: %d %s", r.Status, r.Raw)
	}
	if list := Do(t, "GET", m.URL+"/api/v1/messages?phone="+url.QueryEscape(phone), key, nil); len(list.Body["messages"].([]any)) != 2 {
		t.Fatalf("messages after refused webhook = %s, want the held one and the confirmation", list.Raw)
	}

	// A second STOP changes nothing and gets no second confirmation; HELP
	// is answered even while opted out.
	reply(t, m, key, phone, "STOP")
	reply(t, m, key, phone, "help")
	if got := waitReplies(t, m, key, phone, 2); len(got) != 2 || !strings.Contains(got[1], "Reply STOP to unsubscribe") {
		t.Fatalf("after STOP, HELP: inbox = %q", got)
	}

	// START re-enables the phone; at 22:00 its message is held until 08:00
	// the next day and sent when that window opens.
	reply(t, m, key, phone, "Start")
	if got := waitReplies(t, m, key, phone, 3); !strings.Contains(got[2], "subscribed again") {
		t.Fatalf("opt-in confirmation = %q", got)
	}
	clock.Set(time.Date(2030, 1, 15, 22, 0, 0, 0, ny))
	r = Do(t, "POST", hook, "", map[string]any{"phone": phone})
	if r.Status != 200 || r.Body["status"] != "scheduled" {
		t.Fatalf("webhook after START at 22:00: %d %s", r.Status, r.Raw)
	}
	again := r.Body["id"].(string)
	clock.Set(time.Date(2030, 1, 16, 8, 0, 0, 0, ny))
	releaseHeld(t, m)
	WaitStatus(t, m, key, again, "delivered")

	inbound := Do(t, "GET", m.URL+"/api/v1/inbound", key, nil)
	var kws []string
	for _, e := range inbound.Body["inbound"].([]any) {
		kws = append(kws, e.(map[string]any)["keyword"].(string))
	}
	if got, want := strings.Join(kws, ","), "opt_in,help,opt_out,opt_out"; got != want {
		t.Fatalf("inbound keywords = %s, want %s (%s)", got, want, inbound.Raw)
	}
}

// TestComplianceAPI covers the suppression list (JSON, CSV import and
// export), the keyword settings, trigger send windows and frequency caps.
func TestComplianceAPI(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "acme")
	api := m.URL + "/api/v1"

	if r := Do(t, "POST", api+"/opt-outs", key, map[string]any{"phone": "+12125551234"}); r.Status != 201 || r.Body["added"] != 1.0 {
		t.Fatalf("add opt-out: %d %s", r.Status, r.Raw)
	}
	req, _ := http.NewRequest("POST", api+"/opt-outs", strings.NewReader("phone\n+12125550001\n(212) 555-0002\n+12125551234\n"))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	if r := doReq(t, req); r.Status != 201 || r.Body["added"] != 2.0 || r.Body["already_opted_out"] != 1.0 {
		t.Fatalf("CSV import: %d %s", r.Status, r.Raw)
	}
	req, _ = http.NewRequest("POST", api+"/opt-outs", strings.NewReader("+12125550003\nnot a phone\n"))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	if r := doReq(t, req); r.Status != 400 || r.Body["error"] != "invalid_phone" || !strings.HasPrefix(r.Body["message"].(string), "Row 2") {
		t.Fatalf("bad CSV import: %d %s", r.Status, r.Raw)
	}
	list := Do(t, "GET", api+"/opt-outs", key, nil)
	if got := len(list.Body["opt_outs"].([]any)); got != 3 {
		t.Fatalf("opt-outs = %s, want 3 (a bad file adds nothing)", list.Raw)
	}
	if o := list.Body["opt_outs"].([]any)[2].(map[string]any); o["phone"] != "+12125551234" || o["source"] != "api" || o["created_at"] == nil {
		t.Fatalf("oldest opt-out = %v", o)
	}
	csv := Do(t, "GET", api+"/opt-outs?format=csv", key, nil)
	if lines := strings.Split(strings.TrimSpace(string(csv.Raw)), "\n"); csv.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(lines) != 4 ||
		lines[0] != "phone,source,created_at" || !strings.HasPrefix(lines[1], "+1212555000") || !strings.Contains(lines[1], ",import,") {
		t.Fatalf("CSV export: %s", csv.Raw)
	}
	if r := Do(t, "DELETE", api+"/opt-outs/"+url.PathEscape("+12125550001"), key, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "DELETE", api+"/opt-outs/"+url.PathEscape("+12125550001"), key, nil); r.Status != 404 {
		t.Fatalf("delete again: %d %s", r.Status, r.Raw)
	}
	// One list per account.
	other := MustCreateKey(t, m, "other")
	if r := Do(t, "GET", api+"/opt-outs", other, nil); len(r.Body["opt_outs"].([]any)) != 0 {
		t.Fatalf("other account sees %s", r.Raw)
	}

	// Keyword settings: defaults, then a PATCH that keeps what it omits.
	s := Do(t, "GET", api+"/settings/compliance", key, nil)
	if kw := s.Body["opt_out_keywords"].([]any); len(kw) != 8 || kw[0] != "STOP" || s.Body["help_reply"] == "" {
		t.Fatalf("default settings = %s", s.Raw)
	}
	s = Do(t, "PATCH", api+"/settings/compliance", key, map[string]any{"help_keywords": []string{"help", "aide"}, "help_reply": "Acme: call 555-0100."})
	if s.Status != 200 || s.Body["help_keywords"].([]any)[1] != "AIDE" || len(s.Body["opt_out_keywords"].([]any)) != 8 {
		t.Fatalf("PATCH settings: %d %s", s.Status, s.Raw)
	}
	if r := Do(t, "PATCH", api+"/settings/compliance", key, map[string]any{"opt_out_keywords": []string{}}); r.Status != 400 || r.Body["error"] != "invalid_request" {
		t.Fatalf("empty opt-out list: %d %s", r.Status, r.Raw)
	}
	reply(t, m, key, "+12125557777", "aide")
	if got := waitReplies(t, m, key, "+12125557777", 1); got[0] != "Acme: call 555-0100." {
		t.Fatalf("help reply = %q", got)
	}

	// Triggers: the default window, null to turn it off, a frequency cap.
	r := Do(t, "POST", api+"/triggers", key, map[string]any{"kind": "sms", "name": "Code", "body": "Your code", "send_window": nil,
		"frequency_cap": map[string]any{"max": 2, "period": "24h"}})
	if r.Status != 201 || r.Body["send_window"] != nil || r.Body["frequency_cap"].(map[string]any)["max"] != 2.0 {
		t.Fatalf("create with send_window null: %d %s", r.Status, r.Raw)
	}
	id, hook := r.Body["id"].(string), r.Body["webhook_url"].(string)
	for i := range 2 {
		if r := Do(t, "POST", hook, "", map[string]any{"phone": "+12125558888"}); r.Status != 200 {
			t.Fatalf("capped webhook %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	if r := Do(t, "POST", hook, "", map[string]any{"phone": "+12125558888"}); r.Status != 429 || r.Body["error"] != "frequency_capped" {
		t.Fatalf("over the cap: %d %s", r.Status, r.Raw)
	}
	r = Do(t, "PATCH", api+"/triggers/"+id, key, map[string]any{"name": "Code 2"})
	if r.Body["send_window"] != nil || r.Body["frequency_cap"] == nil {
		t.Fatalf("PATCH without the fields changed them: %s", r.Raw)
	}
	r = Do(t, "PATCH", api+"/triggers/"+id, key, map[string]any{"send_window": map[string]any{"start": "09:00", "end": "17:00"}, "frequency_cap": nil})
	if w, _ := r.Body["send_window"].(map[string]any); w["start"] != "09:00" || r.Body["frequency_cap"] != nil {
		t.Fatalf("PATCH window and cap: %s", r.Raw)
	}
	if r := Do(t, "PATCH", api+"/triggers/"+id, key, map[string]any{"send_window": map[string]any{"start": "9", "end": "17:00"}}); r.Status != 400 {
		t.Fatalf("bad window: %d %s", r.Status, r.Raw)
	}
	def := Do(t, "POST", api+"/triggers", key, map[string]any{"kind": "sms", "name": "Promo", "body": "Sale"})
	if w, _ := def.Body["send_window"].(map[string]any); w["start"] != "08:00" || w["end"] != "21:00" {
		t.Fatalf("default window: %s", def.Raw)
	}
}
