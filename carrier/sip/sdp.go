package sip

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"hookline"
)

// RTP payload types of the codecs we offer (RFC 3551 static types) and of
// telephone-events (dynamic, RFC 4733).
const (
	ptPCMU           = 0
	ptPCMA           = 8
	ptTelephoneEvent = 101
)

// offerSDP returns our SDP offer: PCMU and PCMA (in that order of
// preference) and telephone-event, sent from ip:port.
func offerSDP(ip string, port int, sessionID uint64) []byte {
	family := "IP4"
	if parsed := net.ParseIP(ip); parsed != nil && parsed.To4() == nil {
		family = "IP6"
	}
	lines := []string{
		"v=0",
		fmt.Sprintf("o=hookline %d %d IN %s %s", sessionID, sessionID, family, ip),
		"s=hookline",
		fmt.Sprintf("c=IN %s %s", family, ip),
		"t=0 0",
		fmt.Sprintf("m=audio %d RTP/AVP %d %d %d", port, ptPCMU, ptPCMA, ptTelephoneEvent),
		fmt.Sprintf("a=rtpmap:%d PCMU/8000", ptPCMU),
		fmt.Sprintf("a=rtpmap:%d PCMA/8000", ptPCMA),
		fmt.Sprintf("a=rtpmap:%d telephone-event/8000", ptTelephoneEvent),
		fmt.Sprintf("a=fmtp:%d 0-16", ptTelephoneEvent),
		"a=ptime:20",
		"a=sendrecv",
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// answer is what we need from the far end's SDP answer.
type answer struct {
	// Addr is where to send RTP.
	Addr *net.UDPAddr
	// PayloadType and Codec are the first codec of the answer's audio m=
	// line that we offered.
	PayloadType uint8
	Codec       hookline.G711Codec
}

// errNoCodec means the answer accepted none of the codecs we offered.
var errNoCodec = errors.New("sdp answer has no codec we offered")

// parseAnswer reads the connection address, audio port and chosen codec from
// an SDP answer. A media-level c= line overrides the session-level one.
func parseAnswer(body []byte) (*answer, error) {
	var (
		sessionIP, mediaIP string
		port               = -1
		formats            []string
		inAudio, seenMedia bool
	)
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "m="):
			inAudio = false
			if seenMedia && port >= 0 {
				continue // only the first audio stream counts
			}
			fields := strings.Fields(line[2:])
			if len(fields) < 4 || fields[0] != "audio" {
				continue
			}
			p, err := strconv.Atoi(strings.SplitN(fields[1], "/", 2)[0])
			if err != nil {
				return nil, fmt.Errorf("sdp: bad m= port %q", fields[1])
			}
			port, formats, inAudio, seenMedia = p, fields[3:], true, true
		case strings.HasPrefix(line, "c="):
			fields := strings.Fields(line[2:])
			if len(fields) < 3 {
				return nil, fmt.Errorf("sdp: bad c= line %q", line)
			}
			ip := strings.SplitN(fields[2], "/", 2)[0] // drop a multicast TTL
			if inAudio {
				mediaIP = ip
			} else if !seenMedia {
				sessionIP = ip
			}
		}
	}
	return buildAnswer(sessionIP, mediaIP, port, formats)
}

func buildAnswer(sessionIP, mediaIP string, port int, formats []string) (*answer, error) {
	if port < 0 {
		return nil, errors.New("sdp: no audio m= line")
	}
	if port == 0 {
		return nil, errors.New("sdp: audio stream rejected (port 0)")
	}
	ipText := mediaIP
	if ipText == "" {
		ipText = sessionIP
	}
	ip := net.ParseIP(ipText)
	if ip == nil {
		return nil, fmt.Errorf("sdp: connection address %q is not an IP", ipText)
	}
	for _, f := range formats {
		switch f {
		case strconv.Itoa(ptPCMU):
			return &answer{Addr: &net.UDPAddr{IP: ip, Port: port}, PayloadType: ptPCMU, Codec: hookline.PCMU}, nil
		case strconv.Itoa(ptPCMA):
			return &answer{Addr: &net.UDPAddr{IP: ip, Port: port}, PayloadType: ptPCMA, Codec: hookline.PCMA}, nil
		}
	}
	return nil, errNoCodec
}
