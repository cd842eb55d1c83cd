package sip

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"

	"hookline"
)

func TestParseAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sdp string
		addr      string
		codec     hookline.G711Codec
		err       string
	}{
		{"PCMU", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0 101\r\n", "10.0.0.1:4000", hookline.PCMU, ""},
		{"FirstOfferedWins", "v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 18 8 0\n", "10.0.0.1:4000", hookline.PCMA, ""},
		{"MediaLevelC", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 8\r\nc=IN IP4 10.0.0.2\r\n", "10.0.0.2:4000", hookline.PCMA, ""},
		{"VideoFirst", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 96\r\nm=audio 4000 RTP/AVP 0\r\n", "10.0.0.1:4000", hookline.PCMU, ""},
		{"IPv6", "v=0\r\nc=IN IP6 ::1\r\nm=audio 4000 RTP/AVP 0\r\n", "[::1]:4000", hookline.PCMU, ""},
		{"NoCodec", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 18\r\n", "", "", "no codec"},
		{"Rejected", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 0 RTP/AVP 0\r\n", "", "", "rejected"},
		{"NoAudio", "v=0\r\nc=IN IP4 10.0.0.1\r\n", "", "", "no audio"},
		{"NoAddress", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n", "", "", "not an IP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAnswer([]byte(tc.sdp))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr.String() != tc.addr || got.Codec != tc.codec {
				t.Fatalf("got %s %s, want %s %s", got.Addr, got.Codec, tc.addr, tc.codec)
			}
		})
	}
}

func TestOfferSDP(t *testing.T) {
	t.Parallel()
	sdp := string(offerSDP("192.0.2.7", 40000, 42))
	for _, want := range []string{"c=IN IP4 192.0.2.7\r\n", "m=audio 40000 RTP/AVP 0 8 101\r\n", "a=rtpmap:8 PCMA/8000\r\n"} {
		if !strings.Contains(sdp, want) {
			t.Errorf("offer lacks %q:\n%s", want, sdp)
		}
	}
}

func TestErrorForStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status    int
		permanent bool
		final     hookline.MessageStatus
	}{
		{404, true, hookline.StatusUndelivered},
		{484, true, hookline.StatusUndelivered},
		{486, true, hookline.StatusUndelivered},
		{600, true, hookline.StatusUndelivered},
		{603, true, hookline.StatusUndelivered},
		{401, true, hookline.StatusFailed},
		{407, true, hookline.StatusFailed},
		{403, true, hookline.StatusFailed},
		{408, false, ""},
		{480, false, ""},
		{500, false, ""},
		{503, false, ""},
	} {
		e := errorForStatus(tc.status, "x")
		if want := "sip_" + strconv.Itoa(tc.status); e.Code != want || e.Permanent != tc.permanent || e.Status != tc.final {
			t.Errorf("errorForStatus(%d) = %+v, want %s permanent=%v status=%q", tc.status, e, want, tc.permanent, tc.final)
		}
	}
}

func TestRequestURI(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ tmpl, want, to string }{
		{"sip:{phone}@vm.example.net:5060", "sip:15005550201@vm.example.net:5060", "15005550201"},
		{"sip:{e164}@vm.example.net", "sip:+15005550201@vm.example.net", "+15005550201"},
		{"sip:deposit@vm.example.net;transport=tcp", "sip:deposit@vm.example.net;transport=tcp", "15005550201"},
	} {
		cfg := Config{URI: tc.tmpl}
		u, err := cfg.requestURI("+15005550201")
		if err != nil {
			t.Fatal(err)
		}
		if u.String() != tc.want || cfg.toUser(u, "+15005550201") != tc.to {
			t.Errorf("%s: got %s to %s, want %s to %s", tc.tmpl, u.String(), cfg.toUser(u, "+15005550201"), tc.want, tc.to)
		}
	}
	if _, err := (Config{URI: "sip:{phone}@"}).withDefaults(); err == nil {
		t.Error("a URI without a host was accepted")
	}
	if _, err := (Config{URI: "sip:a@b", Transport: "tls"}).withDefaults(); err == nil {
		t.Error("transport tls was accepted")
	}
}

// TestStream checks packetization, headers and real-time pacing against a
// local socket.
func TestStream(t *testing.T) {
	t.Parallel()
	recv, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer recv.Close()
	send, err := listenRTP("127.0.0.1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer send.Close()
	audio := make([]byte, 25*samplesPerPacket-10) // 0.5 s, last packet padded
	for i := range audio {
		audio[i] = byte(i)
	}
	s := newStreamer(send, recv.LocalAddr(), ptPCMA)
	start := time.Now()
	sent, err := s.stream(context.Background(), packetize(audio, silence(hookline.PCMA)))
	if elapsed := time.Since(start); err != nil || sent != 25 || elapsed < 500*time.Millisecond || elapsed > 700*time.Millisecond {
		t.Fatalf("stream = %d, %v in %s; want 25 packets in 500 ms", sent, err, elapsed)
	}
	buf := make([]byte, 1500)
	var first rtp.Packet
	for i := range 25 {
		recv.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := recv.ReadFrom(buf)
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		var p rtp.Packet
		if err := p.Unmarshal(buf[:n]); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = p
		}
		if p.PayloadType != ptPCMA || p.Marker != (i == 0) || p.SequenceNumber != first.SequenceNumber+uint16(i) ||
			p.Timestamp != first.Timestamp+uint32(i*samplesPerPacket) || p.SSRC != first.SSRC || len(p.Payload) != samplesPerPacket {
			t.Fatalf("packet %d header %+v, first %+v", i, p.Header, first.Header)
		}
		if i == 24 && (p.Payload[149] != audio[24*samplesPerPacket+149] || p.Payload[150] != 0xD5) {
			t.Fatalf("last packet not padded with A-law silence: % x", p.Payload[140:])
		}
	}
}

// TestStreamCanceled checks that a canceled stream stops promptly.
func TestStreamCanceled(t *testing.T) {
	t.Parallel()
	conn, err := listenRTP("127.0.0.1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	sent, err := newStreamer(conn, conn.LocalAddr(), ptPCMU).stream(ctx, packetize(make([]byte, 8000), 0xFF))
	if err == nil || sent < 4 || sent > 7 {
		t.Fatalf("stream = %d, %v; want about 5 packets and an error", sent, err)
	}
}

func TestListenRTPRange(t *testing.T) {
	t.Parallel()
	base := freePorts(t, 4)
	a, err := listenRTP("127.0.0.1", base, base+3)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := listenRTP("127.0.0.1", base, base+3)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pa, pb := a.LocalAddr().(*net.UDPAddr).Port, b.LocalAddr().(*net.UDPAddr).Port
	if pa%2 != 0 || pb%2 != 0 || pa == pb || pa < base || pb > base+3 {
		t.Fatalf("ports %d and %d, want the two even ports of %d-%d", pa, pb, base, base+3)
	}
	if c, err := listenRTP("127.0.0.1", base, base+3); err == nil {
		c.Close()
		t.Fatal("a third socket fit in a range of two even ports")
	}
}
