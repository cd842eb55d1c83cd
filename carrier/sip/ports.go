package sip

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// listenRTP opens a UDP socket for one call's media on ip. With a port range
// it tries the even ports of the range (RTP convention, RTCP on the odd one
// above) from a random start, so concurrent calls rarely collide; without
// one the system picks a port.
func listenRTP(ip string, min, max int) (*net.UDPConn, error) {
	if min == 0 && max == 0 {
		return listenUDP(ip, 0)
	}
	first := min + min%2
	count := (max-first)/2 + 1
	if count <= 0 {
		return nil, fmt.Errorf("rtp port range %d-%d holds no even port", min, max)
	}
	start := rand.IntN(count)
	var lastErr error
	for i := range count {
		port := first + 2*((start+i)%count)
		conn, err := listenUDP(ip, port)
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("no free rtp port in %d-%d: %w", min, max, lastErr)
}

func listenUDP(ip string, port int) (*net.UDPConn, error) {
	addr, err := net.ResolveUDPAddr("udp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	return net.ListenUDP("udp", addr)
}
