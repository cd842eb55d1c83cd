package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// BuildHookline builds the hookline binary once per test run.
func BuildHookline(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hookline-bin")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "hookline")
		out, err := exec.Command("go", "build", "-o", buildPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// Proc is a hookline serve process started by a test.
type Proc struct {
	t    *testing.T
	bin  string
	args []string
	cmd  *exec.Cmd
	URL  string
	Addr string
}

// FreeAddr returns a loopback address with a port that was free.
func FreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// StartProc runs `hookline serve` with args on addr and waits until it
// answers. It is killed when the test ends.
func StartProc(t *testing.T, addr string, args ...string) *Proc {
	t.Helper()
	p := &Proc{t: t, bin: BuildHookline(t), args: args, Addr: addr, URL: "http://" + addr}
	p.Start()
	t.Cleanup(func() { p.Kill() })
	return p
}

// Start starts (or restarts) the process.
func (p *Proc) Start() {
	p.t.Helper()
	args := append([]string{"serve", "--addr", p.Addr, "--log-level", "warn"}, p.args...)
	p.cmd = exec.Command(p.bin, args...)
	p.cmd.Stderr = os.Stderr
	stdout, _ := p.cmd.StdoutPipe()
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on") {
				ready <- nil
			}
		}
		ready <- fmt.Errorf("exited before listening")
	}()
	select {
	case err := <-ready:
		if err != nil {
			p.t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		p.t.Fatal("server did not start in 30s")
	}
}

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Proc) Kill() {
	if p.cmd != nil && p.cmd.Process != nil && p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

// Stop sends SIGTERM and waits for a clean exit.
func (p *Proc) Stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	return p.cmd.Wait()
}

// RunCLI runs a hookline subcommand and returns its trimmed output.
func RunCLI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, BuildHookline(t), args...).Output()
	if err != nil {
		t.Fatalf("hookline %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// WaitDelivered polls the API until every message in ids is delivered.
func (p *Proc) WaitDelivered(t *testing.T, key string, ids []string, within time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(within)
	for _, id := range ids {
		for {
			r := doQuiet(client, authed("GET", p.URL+"/api/v1/messages/"+id, key))
			if r != nil && r.Status == 200 && r.Body["status"] == "delivered" {
				break
			}
			if r != nil && r.Status == 404 {
				t.Fatalf("message %s was answered 200 but is lost", id)
			}
			if time.Now().After(deadline) {
				t.Fatalf("message %s not delivered within %s: %v", id, within, r)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func authed(method, url, key string) *http.Request {
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	return req
}
