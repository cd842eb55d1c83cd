package smpp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// smscPeer is the node-smpp SMSC of testdata/smsc.js, run as a child
// process on a fixed port so a test can kill and restart it.
type smscPeer struct {
	t      testing.TB
	port   int
	record string
	args   []string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
}

// nodeModules is where `npm install` in testdata/node puts the smpp package.
const nodeModules = "../../testdata/node/node_modules"

// MustStartSMSC starts the SMSC, or skips the test when node or the smpp
// package is missing (fails instead when HOOKLINE_REQUIRE_PEERS=1).
func MustStartSMSC(t testing.TB, args ...string) *smscPeer {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node not installed")
	}
	if _, err := os.Stat(filepath.Join(nodeModules, "smpp", "package.json")); err != nil {
		skipOrFail(t, "npm package smpp not installed in testdata/node")
	}
	s := &smscPeer{t: t, port: freePort(t), record: filepath.Join(t.TempDir(), "submits.jsonl"), args: args}
	s.start()
	t.Cleanup(s.kill)
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *smscPeer) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// start runs smsc.js and waits until it listens.
func (s *smscPeer) start() {
	s.t.Helper()
	nm, _ := filepath.Abs(nodeModules)
	args := append([]string{"testdata/smsc.js", "--port", strconv.Itoa(s.port), "--record", s.record}, s.args...)
	cmd := exec.Command("node", args...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nm)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.cmd = cmd
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
		s.t.Fatal("smsc.js did not start")
	}
}

// kill ends the SMSC with SIGKILL, as a crash would.
func (s *smscPeer) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}

// mo injects a mobile-originated text.
func (s *smscPeer) mo(from, to, text string, parts int, ucs2 bool) {
	s.t.Helper()
	b, _ := json.Marshal(map[string]any{"from": from, "to": to, "text": text, "parts": parts, "ucs2": ucs2})
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		s.t.Fatal(err)
	}
}

// submitRecord is one submit_sm as smsc.js recorded it; Text is decoded by
// node-smpp, not by this package.
type submitRecord struct {
	ID   string `json:"id"`
	Dst  string `json:"dst"`
	Src  string `json:"src"`
	DC   int    `json:"dc"`
	ESM  int    `json:"esm"`
	RD   int    `json:"rd"`
	UDH  string `json:"udh"`
	SM   string `json:"sm"`
	Text string `json:"text"`
}

// submits reads the record file.
func (s *smscPeer) submits() []submitRecord {
	s.t.Helper()
	b, err := os.ReadFile(s.record)
	if err != nil && !os.IsNotExist(err) {
		s.t.Fatal(err)
	}
	var out []submitRecord
	for _, line := range strings.Split(string(b), "\n") {
		var r submitRecord
		if json.Unmarshal([]byte(line), &r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// received reassembles the texts the SMSC got for phone: segments with a
// concatenation UDH are joined in sequence order; a segment repeated within
// an open message (a resubmission) counts once.
func (s *smscPeer) received(phone string) []string {
	dst := strings.TrimPrefix(phone, "+")
	type group struct{ parts map[int]string }
	open := map[string]*group{}
	var out []string
	for _, r := range s.submits() {
		if r.Dst != dst {
			continue
		}
		ref, total, seq, ok := parseConcatUDH(r.UDH)
		if !ok {
			out = append(out, r.Text)
			continue
		}
		key := fmt.Sprintf("%d/%d", ref, total)
		g := open[key]
		if g == nil {
			g = &group{parts: map[int]string{}}
			open[key] = g
		}
		g.parts[seq] = r.Text
		if len(g.parts) == total {
			seqs := make([]int, 0, total)
			for k := range g.parts {
				seqs = append(seqs, k)
			}
			sort.Ints(seqs)
			var sb strings.Builder
			for _, k := range seqs {
				sb.WriteString(g.parts[k])
			}
			out = append(out, sb.String())
			delete(open, key)
		}
	}
	return out
}

// parseConcatUDH reads "050003<ref><total><seq>".
func parseConcatUDH(h string) (ref, total, seq int, ok bool) {
	if len(h) != 12 || !strings.HasPrefix(h, "050003") {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(h[6:], 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return int(v >> 16), int(v >> 8 & 0xFF), int(v & 0xFF), true
}
