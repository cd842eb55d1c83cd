package sip

import (
	"testing"
	"time"
)

// TestNewClose checks that a Client binds, reports its address and closes
// cleanly on both transports.
func TestNewClose(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"udp", "tcp"} {
		c, err := New(Config{URI: "sip:{phone}@127.0.0.1:5060", Transport: transport, ListenAddr: "127.0.0.1:0"})
		if err != nil {
			t.Fatalf("%s: New: %v", transport, err)
		}
		if c.Addr() == nil || c.Name() != "sip" {
			t.Fatalf("%s: Addr %v Name %q", transport, c.Addr(), c.Name())
		}
		time.Sleep(10 * time.Millisecond) // let the server goroutine run
		if err := c.Close(); err != nil {
			t.Errorf("%s: Close: %v", transport, err)
		}
	}
}

// TestAdvertisedHost checks that a Client bound to all interfaces puts the
// address of its route to the platform in Contact and SDP.
func TestAdvertisedHost(t *testing.T) {
	t.Parallel()
	c, err := New(Config{URI: "sip:{phone}@127.0.0.1:5060", ListenAddr: "0.0.0.0:0"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer c.Close()
	if c.host != "127.0.0.1" {
		t.Fatalf("advertised host %q, want 127.0.0.1", c.host)
	}
}
