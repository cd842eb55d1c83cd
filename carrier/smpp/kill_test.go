package smpp

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/smpp/smpptest"
)

// TestSMSCKilled kills the SMSC with SIGKILL while messages are being
// submitted and restarts it on the same port. Callers retry transient
// errors as River would; every message must end up accepted.
//
// What the record can show: every message at least once. A submit whose
// submit_sm_resp died with the SMSC is submitted again after the rebind,
// and if the SMSC had already stored it the far end gets a duplicate: SMPP
// has no idempotency key. Such duplicates are bounded by the submits in
// flight at the kill (at most the window), and the test asserts that bound
// rather than pretending to exactly-once.
func TestSMSCKilled(t *testing.T) {
	peer := smpptest.Start(t)
	const n, window = 60, 10
	tc := MustStartClient(t, peer, func(c *Config) { c.Window = window; c.Throughput = 150 })
	bodies := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		bodies[i] = fmt.Sprintf("kill test message %02d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = sendRetrying(tc, &hookline.OutboundSMS{MessageID: fmt.Sprint("k", i), To: "+15005550500", Body: bodies[i]})
		}()
	}
	for len(peer.Submits()) < n/3 {
		time.Sleep(5 * time.Millisecond)
	}
	peer.Kill()
	time.Sleep(300 * time.Millisecond)
	peer.Restart()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	count := map[string]int{}
	for _, r := range peer.Submits() {
		count[r.Text]++
	}
	dups := 0
	for _, b := range bodies {
		if count[b] == 0 {
			t.Errorf("%q never reached the SMSC", b)
		}
		dups += max(count[b]-1, 0)
	}
	if dups > window {
		t.Errorf("%d duplicates, more than the %d submits a window can hold in flight", dups, window)
	}
	t.Logf("%d messages, %d duplicated by resubmission after the kill", n, dups)
}

// sendRetrying retries transient errors with a short pause, as the
// delivery job does.
func sendRetrying(tc *testClient, m *hookline.OutboundSMS) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := tc.SendSMS(ctx, m)
		cancel()
		if err == nil || hookline.IsPermanent(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
