package sip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"hookline"
)

// testAudio returns seconds of distinct, recognisable "audio" per codec, so a
// capture shows which codec's bytes were sent.
func testAudio(seconds float64) func(context.Context, hookline.G711Codec) ([]byte, error) {
	return func(_ context.Context, codec hookline.G711Codec) ([]byte, error) {
		b := make([]byte, int(seconds*8000))
		for i := range b {
			if codec == hookline.PCMA {
				b[i] = byte(i*7%253) | 0x01
			} else {
				b[i] = byte(i % 251)
			}
		}
		return b, nil
	}
}

// newTestClient returns a Client calling the sipp peer, closed by t.Cleanup.
func newTestClient(t *testing.T, peer *sipp, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		URI:          fmt.Sprintf("sip:{phone}@127.0.0.1:%d", peer.SIPPort),
		From:         "+15005550006",
		ListenAddr:   "127.0.0.1:0",
		SetupTimeout: 5 * time.Second,
		Logger:       slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func voicemail(to string, seconds float64) *hookline.OutboundVoicemail {
	return &hookline.OutboundVoicemail{
		MessageID: "m-" + to, To: to, Audio: testAudio(seconds),
		Duration: time.Duration(seconds * float64(time.Second)),
	}
}

// TestDrop deposits 2 s of audio and checks every RTP packet sipp received.
func TestDrop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, codecs string
		want         hookline.G711Codec
		pt           uint8
	}{
		{"PCMU", "0", hookline.PCMU, 0},
		{"PCMAOnly", "8", hookline.PCMA, 8},
		{"PCMAFirst", "8 0", hookline.PCMA, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			peer := startSipp(t, "uas.xml", tc.codecs, 1)
			capt := startCapture(t, peer.MediaPort)
			c := newTestClient(t, peer, nil)
			start := time.Now()
			res, err := c.SendVoicemail(testContext(t, 15*time.Second), voicemail("+15005550201", 2))
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("SendVoicemail: %v", err)
			}
			if res.Status != hookline.StatusDelivered || res.CarrierID == "" {
				t.Fatalf("result = %+v, want delivered with a Call-ID", res)
			}
			if elapsed < 1950*time.Millisecond || elapsed > 3500*time.Millisecond {
				t.Errorf("call took %s, want about 2 s (real-time pacing)", elapsed)
			}
			want, _ := testAudio(2)(context.Background(), tc.want)
			checkStream(t, capt.Packets(t), tc.pt, want)
			if got := peer.Deposits("+15005550201"); got != 1 {
				t.Errorf("sipp logged %d deposits, want 1", got)
			}
			peer.WaitSuccess(t)
		})
	}
}

// checkStream checks that pkts are one RTP stream carrying audio.
func checkStream(t *testing.T, pkts []rtpPacket, pt uint8, audio []byte) {
	t.Helper()
	wantN := len(audio) / samplesPerPacket
	if len(pkts) < wantN-2 || len(pkts) > wantN+2 {
		t.Fatalf("captured %d RTP packets, want %d±2", len(pkts), wantN)
	}
	var payload []byte
	for i, p := range pkts {
		if p.PayloadType != pt {
			t.Fatalf("packet %d payload type %d, want %d", i, p.PayloadType, pt)
		}
		if p.SSRC != pkts[0].SSRC {
			t.Fatalf("packet %d SSRC %#x, want %#x", i, p.SSRC, pkts[0].SSRC)
		}
		if p.Marker != (i == 0) {
			t.Errorf("packet %d marker = %v, want %v", i, p.Marker, i == 0)
		}
		if want := pkts[0].Seq + uint16(i); p.Seq != want {
			t.Fatalf("packet %d seq %d, want %d", i, p.Seq, want)
		}
		if want := pkts[0].Timestamp + uint32(i*samplesPerPacket); p.Timestamp != want {
			t.Fatalf("packet %d timestamp %d, want %d", i, p.Timestamp, want)
		}
		payload = append(payload, p.Payload...)
	}
	if !bytes.Equal(payload, audio) {
		t.Fatalf("captured %d payload bytes differ from the %d audio bytes", len(payload), len(audio))
	}
}

// TestBusy checks that a 486 is a permanent, undelivered sip_486.
func TestBusy(t *testing.T) {
	t.Parallel()
	peer := startSipp(t, "uas.xml", "0", 1)
	c := newTestClient(t, peer, nil)
	_, err := c.SendVoicemail(testContext(t, 10*time.Second), voicemail("+15005550999", 1))
	wantCarrierError(t, err, "sip_486", true, hookline.StatusUndelivered)
	peer.WaitSuccess(t)
}

func wantCarrierError(t *testing.T, err error, code string, permanent bool, status hookline.MessageStatus) {
	t.Helper()
	var ce *hookline.CarrierError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *hookline.CarrierError", err)
	}
	if ce.Code != code || ce.Permanent != permanent || (permanent && ce.Status != status) {
		t.Fatalf("err = %+v, want code %s permanent %v status %s", ce, code, permanent, status)
	}
}

// TestConcurrent drops 10 voicemails of 2 s at once: all arrive complete and
// together take about as long as one.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	const calls = 10
	peer := startSipp(t, "uas.xml", "0", calls)
	capt := startCapture(t, peer.MediaPort)
	c := newTestClient(t, peer, nil)
	ctx := testContext(t, 20*time.Second)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i := range calls {
		wg.Go(func() {
			_, errs[i] = c.SendVoicemail(ctx, voicemail(fmt.Sprintf("+150055503%02d", i), 2))
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if elapsed > 3500*time.Millisecond {
		t.Errorf("10 concurrent 2 s calls took %s, want about 2 s", elapsed)
	}
	streams := map[uint32][]rtpPacket{}
	for _, p := range capt.Packets(t) {
		streams[p.SSRC] = append(streams[p.SSRC], p)
	}
	if len(streams) != calls {
		t.Fatalf("captured %d RTP streams, want %d", len(streams), calls)
	}
	want, _ := testAudio(2)(context.Background(), hookline.PCMU)
	for _, pkts := range streams {
		checkStream(t, pkts, 0, want)
	}
	t.Logf("%d calls of 2 s took %s", calls, elapsed)
	peer.WaitSuccess(t)
}
