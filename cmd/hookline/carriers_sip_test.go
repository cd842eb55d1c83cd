package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIPEndToEnd drives Hookline with --rvm-carrier sip against sipp
// playing a voicemail platform (carrier/sip/testdata/uas.xml): an RVM
// trigger with an uploaded MP3, a webhook, and the voicemail delivered
// after sipp took the call and logged the deposit. The package test of
// carrier/sip counts the RTP packets; this one proves the wiring.
func TestSIPEndToEnd(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("sipp")
	if err != nil {
		if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
			t.Fatal("sipp is required")
		}
		t.Skip("sipp not installed")
	}
	base := freeUDPPorts(t, 8)
	logFile := filepath.Join(t.TempDir(), "sipp.log")
	cmd := exec.Command(bin, "-sf", filepath.Join("..", "..", "carrier", "sip", "testdata", "uas.xml"),
		"-i", "127.0.0.1", "-p", strconv.Itoa(base), "-cp", strconv.Itoa(base+1), "-mp", strconv.Itoa(base+4),
		"-rtp_echo", "-m", "1", "-key", "codecs", "0", "-trace_logs", "-log_file", logFile, "-nostdin", "-timeout", "60s")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("sipp output:\n%s", out.String())
		}
	})
	waitUDPBound(t, base)

	m := MustRunMain(t, func(c *Config) {
		c.RVMCarrier = "sip"
		c.Carriers.SIP.URI = fmt.Sprintf("sip:{phone}@127.0.0.1:%d", base)
		c.Carriers.SIP.Listen = "127.0.0.1:0"
		c.Carriers.SIP.SetupTimeout = 10 * time.Second
	})
	key := MustCreateKey(t, m, "acme")
	up := uploadRaw(t, m, key, mustRead(t, tone1500))
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Raw)
	}
	hook := createRVMTrigger(t, m, key, up.Body["id"].(string))
	const phone = "+17755382277"
	r := webhookWithAudio(t, hook, phone, "")
	if r.Status != 200 {
		t.Fatalf("webhook: %d %s", r.Status, r.Raw)
	}
	WaitStatus(t, m, key, r.Body["id"].(string), "delivered")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("sipp: %v (the call failed on its side)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sipp did not finish its call")
	}
	log, _ := os.ReadFile(logFile)
	if n := strings.Count(string(log), "deposit "+strings.TrimPrefix(phone, "+")+" "); n != 1 {
		t.Fatalf("sipp logged %d deposits for %s, want 1:\n%s", n, phone, log)
	}
}

// freeUDPPorts returns the first of n consecutive free UDP ports.
func freeUDPPorts(t *testing.T, n int) int {
	t.Helper()
	for range 200 {
		base := 20000 + 2*rand.IntN(6000) // below Linux's ephemeral ports (32768 up)
		ok := true
		for p := base; p < base+n && ok; p++ {
			c, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				continue
			}
			c.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free UDP ports")
	return 0
}

// waitUDPBound waits until something holds the UDP port.
func waitUDPBound(t *testing.T, port int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return
		}
		c.Close()
	}
	t.Fatalf("sipp does not listen on udp port %d", port)
}
