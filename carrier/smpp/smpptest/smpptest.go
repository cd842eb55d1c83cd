// Package smpptest starts the node-smpp SMSC of carrier/smpp/testdata/smsc.js
// for the smpp package's own tests and for end-to-end tests of the hookline
// binary, and reads back what it recorded. It imports nothing of hookline,
// so package smpp's internal tests can use it without an import cycle. It
// skips the test when node or the npm package smpp is missing, unless
// HOOKLINE_REQUIRE_PEERS=1.
package smpptest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test SMSC's fixed credentials and magic destinations (see smsc.js).
const (
	SystemID = "hook"
	Password = "secret"
	// RefusedPhone is answered ESME_RINVDSTADR (0x0B) at submit.
	RefusedPhone = "+15005550999"
	// UndeliverablePhone is accepted, then receipted stat:UNDELIV err:001.
	UndeliverablePhone = "+15005550998"
)

// Paths returns the smsc.js script and the node_modules folder holding the
// smpp package, found from this file's location in the module.
func Paths() (script, nodeModules string) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	return filepath.Join(dir, "..", "testdata", "smsc.js"),
		filepath.Join(dir, "..", "..", "..", "testdata", "node", "node_modules")
}

// SMSC is one running smsc.js on a fixed port, so a test can kill and
// restart it.
type SMSC struct {
	t      testing.TB
	port   int
	record string
	args   []string

	mu    sync.Mutex
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// Start runs smsc.js with extra args (like "--receipt-ms", "50") and waits
// until it listens; t.Cleanup kills it.
func Start(t testing.TB, args ...string) *SMSC {
	t.Helper()
	_, nm := Paths()
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node not installed")
	}
	if _, err := os.Stat(filepath.Join(nm, "smpp", "package.json")); err != nil {
		skipOrFail(t, "npm package smpp not installed in testdata/node")
	}
	s := &SMSC{t: t, port: freePort(t), record: filepath.Join(t.TempDir(), "submits.jsonl"), args: args}
	s.Restart()
	t.Cleanup(s.Kill)
	return s
}

func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Addr is the SMSC's host:port.
func (s *SMSC) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// Restart starts the SMSC (again, after Kill) on the same port and waits
// until it listens.
func (s *SMSC) Restart() {
	s.t.Helper()
	script, nm := Paths()
	args := append([]string{script, "--port", strconv.Itoa(s.port), "--record", s.record}, s.args...)
	cmd := exec.Command("node", args...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nm)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "listening") {
				ready <- true
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			s.t.Fatal("smsc.js exited before listening")
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		s.t.Fatal("smsc.js did not start")
	}
	s.mu.Lock()
	s.cmd, s.stdin = cmd, stdin
	s.mu.Unlock()
}

// Kill ends the SMSC with SIGKILL, as a crash would.
func (s *SMSC) Kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

// MO injects a mobile-originated text from a phone (E.164) to a number.
func (s *SMSC) MO(from, to, text string) {
	s.t.Helper()
	s.MOParts(from, to, text, 1, false)
}

// MOParts injects a mobile-originated text split into parts deliver_sm
// segments joined by a concatenation UDH, encoded as UCS-2 when ucs2 is
// set and as GSM-7 otherwise, so a test can exercise inbound reassembly
// and decoding.
func (s *SMSC) MOParts(from, to, text string, parts int, ucs2 bool) {
	s.t.Helper()
	b, _ := json.Marshal(map[string]any{"from": from, "to": to, "text": text, "parts": parts, "ucs2": ucs2})
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		s.t.Fatal(err)
	}
}
