package sip

import (
	"context"
	"errors"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/carriertest"
)

// TestByeEarly checks that a far-end hangup stops the audio at once and is
// a permanent, undelivered sip_bye_early.
func TestByeEarly(t *testing.T) {
	t.Parallel()
	peer := startSipp(t, "bye_early.xml", "0", 1)
	c := newTestClient(t, peer, nil)
	start := time.Now()
	_, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550401", 3))
	wantCarrierError(t, err, CodeByeEarly, true, hookline.StatusUndelivered)
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("call took %s after a BYE at 500 ms: audio did not stop", elapsed)
	}
	peer.WaitSuccess(t)
}

// TestDigestAuth answers sipp's 401 challenge with good and bad
// credentials.
func TestDigestAuth(t *testing.T) {
	t.Parallel()
	t.Run("Good", func(t *testing.T) {
		t.Parallel()
		peer := startSipp(t, "auth.xml", "0", 1)
		c := newTestClient(t, peer, func(c *Config) { c.Username, c.Password = "hookline", "secret" })
		res, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550402", 0.5))
		if err != nil {
			t.Fatalf("SendVoicemail: %v", err)
		}
		if res.Status != hookline.StatusDelivered {
			t.Fatalf("status = %s, want delivered", res.Status)
		}
		peer.WaitSuccess(t)
	})
	t.Run("Bad", func(t *testing.T) {
		t.Parallel()
		peer := startSipp(t, "auth.xml", "0", 1)
		c := newTestClient(t, peer, func(c *Config) { c.Username, c.Password = "hookline", "wrong" })
		_, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550403", 0.5))
		wantCarrierError(t, err, "sip_401", true, hookline.StatusFailed)
		peer.WaitSuccess(t)
	})
}

// TestNoAnswer checks that a call ringing past SetupTimeout is canceled and
// is a transient sip_408.
func TestNoAnswer(t *testing.T) {
	t.Parallel()
	peer := startSipp(t, "noanswer.xml", "0", 1)
	c := newTestClient(t, peer, func(c *Config) { c.SetupTimeout = time.Second })
	start := time.Now()
	_, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550404", 1))
	wantCarrierError(t, err, CodeTimeout, false, "")
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("gave up after %s, want about 1 s", elapsed)
	}
	peer.WaitSuccess(t)
}

// TestLateAnswer checks that an answer coming after the setup timeout is
// ACKed and hung up at once, and the send is still the transient sip_408:
// the far end must not hold an open call, or record silence into a
// mailbox, until it gives up on its unacknowledged 200. The answer either
// crosses our CANCEL (the phone picked up as the timeout ran out) or comes
// from a phone that never rang (nothing to cancel, so the INVITE
// transaction is gone when it arrives).
func TestLateAnswer(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, scenario, phone string }{
		{"CrossingCancel", "late_answer.xml", "+15005550408"},
		{"WithoutRinging", "late_no_ring.xml", "+15005550409"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			peer := startSipp(t, c.scenario, "0", 1)
			client := newTestClient(t, peer, func(c *Config) { c.SetupTimeout = time.Second })
			_, err := client.SendVoicemail(testContext(t, 10*time.Second), voicemail(c.phone, 1))
			wantCarrierError(t, err, CodeTimeout, false, "")
			peer.WaitSuccess(t)
		})
	}
}

// TestTCP drops a voicemail over SIP on TCP.
func TestTCP(t *testing.T) {
	t.Parallel()
	peer := startSipp(t, "uas.xml", "0", 1, "-t", "t1")
	capt := startCapture(t, peer.MediaPort)
	c := newTestClient(t, peer, func(c *Config) { c.Transport = "tcp" })
	res, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550405", 1))
	if err != nil {
		t.Fatalf("SendVoicemail: %v", err)
	}
	if res.Status != hookline.StatusDelivered {
		t.Fatalf("status = %s, want delivered", res.Status)
	}
	want, _ := testAudio(1)(context.Background(), hookline.PCMU)
	checkStream(t, capt.Packets(t), 0, want)
}

// TestCanceledWhileWaitingForSlot checks that a caller waiting for a call
// slot gives up with its context, as a transient error.
func TestCanceledWhileWaitingForSlot(t *testing.T) {
	t.Parallel()
	peer := startSipp(t, "uas.xml", "0", 1)
	c := newTestClient(t, peer, func(c *Config) { c.MaxConcurrentCalls = 1 })
	done := make(chan error, 1)
	go func() {
		_, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550406", 1))
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // the first call holds the only slot
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.SendVoicemail(ctx, voicemail("+15005550407", 1))
	if !errors.Is(err, context.DeadlineExceeded) || hookline.IsPermanent(err) {
		t.Fatalf("err = %v, want a transient deadline error", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("first call: %v", err)
	}
}

// TestConformance runs the carrier conformance suite against sipp.
func TestConformance(t *testing.T) {
	t.Parallel()
	carriertest.RunVoicemail(t, func(t *testing.T) *carriertest.VoicemailHarness {
		peer := startSipp(t, "uas.xml", "0", 1)
		c := newTestClient(t, peer, nil)
		return &carriertest.VoicemailHarness{
			Sender:    c,
			Received:  peer.Deposits,
			FailPhone: "+15005550999",
			From:      "+15005550006",
			Audio:     testAudio(1),
		}
	})
}
