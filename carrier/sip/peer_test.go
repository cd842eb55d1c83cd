package sip

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// requireTool returns the path of a peer program, skipping the test when it
// is missing unless HOOKLINE_REQUIRE_PEERS=1.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
			t.Fatalf("%s is required (HOOKLINE_REQUIRE_PEERS=1): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

var portMu sync.Mutex

// freePorts returns the first of n consecutive free UDP and TCP ports on
// 127.0.0.1, starting at an even port.
func freePorts(t *testing.T, n int) int {
	t.Helper()
	portMu.Lock()
	defer portMu.Unlock()
	for range 200 {
		base := 20000 + 2*rand.IntN(6000) // below Linux's ephemeral ports (32768 up)
		if portsFree(base, n) {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

func portsFree(base, n int) bool {
	var closers []func() error
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for p := base; p < base+n; p++ {
		addr := "127.0.0.1:" + strconv.Itoa(p)
		u, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return false
		}
		closers = append(closers, u.Close)
		l, err := net.Listen("tcp4", addr)
		if err != nil {
			return false
		}
		closers = append(closers, l.Close)
	}
	return true
}

// sipp is one running sipp UAS.
type sipp struct {
	SIPPort, MediaPort int
	logFile            string
	done               chan struct{}
	exit               error
}

// startSipp runs sipp as a UAS with scenario (a file in testdata) for up to
// calls calls, answering with codecs (an SDP format list). It returns once
// sipp listens; t.Cleanup stops it. Ports are chosen free but can be taken
// by another process before sipp binds them, so a sipp that exits before
// listening is started again on other ports, twice at most.
func startSipp(t *testing.T, scenario, codecs string, calls int, extra ...string) *sipp {
	t.Helper()
	bin := requireTool(t, "sipp")
	for attempt := 1; ; attempt++ {
		s, out := launchSipp(t, bin, scenario, codecs, calls, extra)
		if s != nil {
			return s
		}
		if attempt == 3 {
			t.Fatalf("sipp exited before listening, three times; its last output:\n%s", out)
		}
		t.Logf("sipp exited before listening; starting it on other ports. Its output:\n%s", out)
	}
}

// launchSipp starts one sipp and waits until it listens. If it exits first
// it returns nil and what sipp printed.
func launchSipp(t *testing.T, bin, scenario, codecs string, calls int, extra []string) (*sipp, string) {
	t.Helper()
	base := freePorts(t, 8)
	s := &sipp{SIPPort: base, MediaPort: base + 4, logFile: filepath.Join(t.TempDir(), "sipp.log"), done: make(chan struct{})}
	args := []string{
		"-sf", filepath.Join("testdata", scenario),
		"-i", "127.0.0.1", "-p", strconv.Itoa(s.SIPPort), "-cp", strconv.Itoa(base + 1),
		"-mp", strconv.Itoa(s.MediaPort), "-rtp_echo",
		"-m", strconv.Itoa(calls), "-l", strconv.Itoa(calls),
		"-key", "codecs", codecs,
		"-trace_logs", "-log_file", s.logFile,
		"-nostdin", "-timeout", "60s",
	}
	cmd := exec.Command(bin, append(args, extra...)...)
	out := &bytes.Buffer{} // read only once sipp has exited
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sipp: %v", err)
	}
	done := s.done
	go func() { s.exit = cmd.Wait(); close(done) }()
	if !waitBound(t, s.SIPPort, done) {
		return nil, tail(out.String(), 3000)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("sipp output (tail):\n%s", tail(out.String(), 2000))
		}
	})
	return s, ""
}

// waitBound waits until something listens on the port (UDP or TCP), and
// reports false if the peer exits first.
func waitBound(t *testing.T, port int, exited <-chan struct{}) bool {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		if !portsFree(port, 1) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on udp port %d", port)
	return false
}

// WaitSuccess waits for sipp to finish its calls and checks that it counted
// every one successful (exit status 0): the far end saw a correct dialog.
func (s *sipp) WaitSuccess(t *testing.T) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("sipp did not finish its calls")
	}
	if s.exit != nil {
		t.Fatalf("sipp: %v (a call failed on its side)", s.exit)
	}
}

// Deposits returns how many voicemails sipp logged for phone (digits only).
func (s *sipp) Deposits(phone string) int {
	data, _ := os.ReadFile(s.logFile)
	return strings.Count(string(data), "deposit "+strings.TrimPrefix(phone, "+")+" ")
}

// capture is a running tshark capture of the RTP sent to one port.
type capture struct {
	port int
	file string
	cmd  *exec.Cmd
	done chan struct{}
}

// startCapture captures UDP packets sent to port on the loopback interface
// and returns once tshark is capturing.
func startCapture(t *testing.T, port int) *capture {
	t.Helper()
	bin := requireTool(t, "tshark")
	c := &capture{port: port, file: filepath.Join(t.TempDir(), "rtp.pcap"), done: make(chan struct{})}
	c.cmd = exec.Command(bin, "-i", "lo", "-f", fmt.Sprintf("udp dst port %d", port), "-w", c.file, "-q")
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start tshark: %v", err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Capturing on") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	go func() { c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() { c.stop() })
	select {
	case <-ready:
		time.Sleep(500 * time.Millisecond)
	case <-c.done:
		t.Fatal("tshark exited before capturing")
	case <-time.After(15 * time.Second):
		t.Fatal("tshark did not start capturing")
	}
	return c
}

func (c *capture) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

// rtpPacket is one captured RTP packet as tshark decoded it.
type rtpPacket struct {
	SSRC        uint32
	PayloadType uint8
	Seq         uint16
	Timestamp   uint32
	Marker      bool
	Payload     []byte
}

// Packets stops the capture (after a short grace for packets in flight) and
// returns the RTP packets it holds.
func (c *capture) Packets(t *testing.T) []rtpPacket {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	c.stop()
	out, err := exec.Command("tshark", "-r", c.file, "-d", fmt.Sprintf("udp.port==%d,rtp", c.port),
		"-T", "fields", "-E", "separator=,",
		"-e", "rtp.ssrc", "-e", "rtp.p_type", "-e", "rtp.seq", "-e", "rtp.timestamp", "-e", "rtp.marker", "-e", "rtp.payload").Output()
	if err != nil {
		t.Fatalf("read capture: %v", err)
	}
	if os.Getenv("SIP_TEST_DEBUG") != "" {
		t.Logf("tshark:\n%.600s", out)
	}
	var pkts []rtpPacket
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		pkts = append(pkts, parseFields(t, line))
	}
	return pkts
}

func parseFields(t *testing.T, line string) rtpPacket {
	t.Helper()
	f := strings.Split(line, ",")
	if len(f) != 6 {
		t.Fatalf("tshark line %q: want 6 fields", line)
	}
	num := func(s string) uint64 {
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			t.Fatalf("tshark field %q: %v", s, err)
		}
		return v
	}
	payload, err := hex.DecodeString(strings.ReplaceAll(f[5], ":", ""))
	if err != nil {
		t.Fatalf("tshark payload %q: %v", f[5], err)
	}
	return rtpPacket{
		SSRC: uint32(num(f[0])), PayloadType: uint8(num(f[1])), Seq: uint16(num(f[2])),
		Timestamp: uint32(num(f[3])), Marker: f[4] == "1" || f[4] == "True", Payload: payload,
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// testContext is a context bounded by d and the test.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
