// Package twiliotest starts Prism serving Twilio's own OpenAPI document, a
// stand-in for api.twilio.com that refuses (422) any request breaking
// Twilio's published contract, for tests outside the twilio package. It
// skips the test when node or Prism is missing, unless
// HOOKLINE_REQUIRE_PEERS=1.
package twiliotest

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// Credentials that match the patterns of Twilio's OpenAPI document, which
// Prism enforces.
const (
	AccountSID = "AC0123456789abcdef0123456789abcdef"
	AuthToken  = "test-auth-token"
	From       = "+15005550006"
)

// paths returns Prism's binary and Twilio's API document, found from this
// file's location in the module.
func paths() (prism, spec string) {
	_, file, _, _ := runtime.Caller(0)
	nm := filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "node", "node_modules")
	return filepath.Join(nm, ".bin", "prism"),
		filepath.Join(nm, "@twilio-alpha", "mcp", "twilio-oai", "spec", "json", "twilio_api_v2010.json")
}

// StartPrism starts a Prism mock of Twilio's REST API and returns its
// origin, to use as the client's APIURL; t.Cleanup stops it.
func StartPrism(t testing.TB) string {
	t.Helper()
	prism, spec := paths()
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node not installed")
	}
	for _, f := range []string{prism, spec} {
		if _, err := os.Stat(f); err != nil {
			skipOrFail(t, "prism or Twilio's OpenAPI document missing (npm ci in testdata/node): "+err.Error())
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	var log bytes.Buffer
	cmd := exec.Command(prism, "mock", spec, "--host", "127.0.0.1", "--port", port, "--errors")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return base
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("prism did not answer within 60s: %s", log.String())
	return ""
}

func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}
