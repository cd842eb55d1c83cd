package sip

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/pion/rtp"

	"hookline"
)

// G.711 at 8 kHz in 20 ms packets: 160 samples (and bytes) per packet.
const (
	samplesPerPacket = 160
	packetInterval   = 20 * time.Millisecond
)

// silence returns the G.711 byte of a zero sample, used to pad the last
// packet to a full 20 ms.
func silence(codec hookline.G711Codec) byte {
	if codec == hookline.PCMA {
		return 0xD5
	}
	return 0xFF
}

// streamer sends one call's audio as RTP. Sequence number, timestamp and
// SSRC start at random values (RFC 3550 §5.1).
type streamer struct {
	conn        net.PacketConn
	dst         net.Addr
	payloadType uint8
	seq         uint16
	timestamp   uint32
	ssrc        uint32
}

func newStreamer(conn net.PacketConn, dst net.Addr, payloadType uint8) *streamer {
	return &streamer{
		conn:        conn,
		dst:         dst,
		payloadType: payloadType,
		seq:         uint16(rand.Uint32()),
		timestamp:   rand.Uint32(),
		ssrc:        rand.Uint32(),
	}
}

// packetize splits audio into 160-byte payloads, padding the last one with
// silence.
func packetize(audio []byte, pad byte) [][]byte {
	var out [][]byte
	for off := 0; off < len(audio); off += samplesPerPacket {
		chunk := make([]byte, samplesPerPacket)
		n := copy(chunk, audio[off:])
		for i := n; i < samplesPerPacket; i++ {
			chunk[i] = pad
		}
		out = append(out, chunk)
	}
	return out
}

// stream sends the payloads paced in real time and returns when the last one
// has played out (its 20 ms have passed) or ctx is done; sent counts the
// packets written. Packet i leaves at
// start + i×20 ms, an absolute schedule, so timer lateness does not
// accumulate into drift.
func (s *streamer) stream(ctx context.Context, payloads [][]byte) (sent int, err error) {
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for i, payload := range payloads {
		if err := s.send(payload, i == 0); err != nil {
			return i, err
		}
		timer.Reset(time.Until(start.Add(time.Duration(i+1) * packetInterval)))
		select {
		case <-ctx.Done():
			return i + 1, ctx.Err()
		case <-timer.C:
		}
	}
	return len(payloads), nil
}

// send writes one packet. The marker bit flags the start of the talkspurt.
func (s *streamer) send(payload []byte, marker bool) error {
	p := rtp.Packet{
		Header: rtp.Header{
			Version:        2,
			Marker:         marker,
			PayloadType:    s.payloadType,
			SequenceNumber: s.seq,
			Timestamp:      s.timestamp,
			SSRC:           s.ssrc,
		},
		Payload: payload,
	}
	buf, err := p.Marshal()
	if err != nil {
		return fmt.Errorf("marshal rtp: %w", err)
	}
	if _, err := s.conn.WriteTo(buf, s.dst); err != nil {
		return fmt.Errorf("send rtp: %w", err)
	}
	s.seq++
	s.timestamp += samplesPerPacket
	return nil
}

// drain reads and discards what the far end sends to conn (its RTP and RTCP,
// or an echo) until conn is closed, so nothing queues up in the kernel.
func drain(conn net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := conn.ReadFrom(buf); err != nil {
			return
		}
	}
}
