package main

import (
	"strings"
	"testing"
)

// TestHealthReadyMetrics checks the operations endpoints of a live node.
func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "ops")
	_, hook := MustCreateTrigger(t, m, key, "Hi")
	w := Do(t, "POST", hook, "", map[string]string{"phone": "+15005550151"})
	WaitStatus(t, m, key, w.Body["id"].(string), "delivered")
	Do(t, "POST", hook, "", map[string]string{"phone": "nope"})
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := Do(t, "GET", m.URL+p, "", nil); r.Status != 200 || r.Body["status"] != "ok" {
			t.Errorf("GET %s = %d %s", p, r.Status, r.Raw)
		}
	}
	r := Do(t, "GET", m.URL+"/metrics", "", nil)
	for _, want := range []string{
		`hookline_webhook_requests_total{code="200"} 1`,
		`hookline_webhook_requests_total{code="400"} 1`,
		`hookline_messages{status="delivered"} 1`,
		`hookline_queue_jobs{state="available"}`,
		`hookline_queue_oldest_available_seconds`,
		`hookline_carrier_send_seconds_count{carrier="simulator",result="ok"} 1`,
	} {
		if !strings.Contains(string(r.Raw), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
