package smpp

import (
	"context"
	"testing"

	"hookline"
	"hookline/carrier/smpp/smpptest"
)

// gateLimiter is a Limiter that lets one submit through per token the test
// puts in, and tells the test when a submit starts waiting.
type gateLimiter struct {
	waiting chan struct{}
	tokens  chan struct{}
}

func (g *gateLimiter) Wait(ctx context.Context) error {
	g.waiting <- struct{}{}
	select {
	case <-g.tokens:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestLimiterGatesSubmits checks that a configured Limiter (the shared,
// deployment-wide one in production) is waited on before every submit_sm,
// each segment of a long text taking its own token, and that nothing
// reaches the SMSC before the token is given.
func TestLimiterGatesSubmits(t *testing.T) {
	peer := smpptest.Start(t)
	gate := &gateLimiter{waiting: make(chan struct{}, 8), tokens: make(chan struct{}, 8)}
	tc := MustStartClient(t, peer, func(c *Config) { c.Limiter = gate; c.Throughput = 1 })
	const to = "+15005550777"
	long := make([]byte, 200) // two GSM-7 segments
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	done := make(chan error, 1)
	go func() {
		_, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: "lim1", To: to, Body: string(long)})
		done <- err
	}()
	<-gate.waiting
	if n := len(peer.SubmitsTo(to)); n != 0 {
		t.Fatalf("SMSC received %d submits before the limiter gave a token", n)
	}
	select {
	case err := <-done:
		t.Fatalf("SendSMS returned (%v) without a token", err)
	default:
	}
	gate.tokens <- struct{}{}
	<-gate.waiting // the second segment waits for its own token
	gate.tokens <- struct{}{}
	if err := <-done; err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if n := len(peer.SubmitsTo(to)); n != 2 {
		t.Fatalf("SMSC received %d submits, want 2 segments", n)
	}
	if got := peer.Received(to); len(got) != 1 || got[0] != string(long) {
		t.Fatalf("SMSC reassembled %q", got)
	}

	// A send whose context ends while it waits for a token sends nothing.
	ctx, cancel := context.WithCancel(testCtx(t))
	go func() {
		_, err := tc.SendSMS(ctx, &hookline.OutboundSMS{MessageID: "lim2", To: "+15005550778", Body: "x"})
		done <- err
	}()
	<-gate.waiting
	cancel()
	if err := <-done; err == nil {
		t.Fatal("SendSMS without a token succeeded")
	}
	if n := len(peer.SubmitsTo("+15005550778")); n != 0 {
		t.Fatalf("SMSC received %d submits from a canceled send", n)
	}
}
