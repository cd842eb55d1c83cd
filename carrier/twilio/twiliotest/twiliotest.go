// Package twiliotest starts Prism serving Twilio's own OpenAPI document, a
// stand-in for api.twilio.com that refuses (422) any request breaking
// Twilio's published contract, for tests outside the twilio package. It
// skips the test when node or Prism is missing, unless
// HOOKLINE_REQUIRE_PEERS=1.
package twiliotest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
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

// errMissing marks a Prism that cannot start because node, Prism or
// Twilio's document is not installed: the test skips rather than fails.
var errMissing = errors.New("prism not installed")

// launch starts Prism on a free port and waits until it answers; stop
// ends its process group.
func launch() (base string, stop func(), err error) {
	prism, spec := paths()
	if _, err := exec.LookPath("node"); err != nil {
		return "", nil, fmt.Errorf("%w: node not installed", errMissing)
	}
	for _, f := range []string{prism, spec} {
		if _, err := os.Stat(f); err != nil {
			return "", nil, fmt.Errorf("%w: prism or Twilio's OpenAPI document missing (npm ci in testdata/node): %v", errMissing, err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	var log bytes.Buffer
	cmd := exec.Command(prism, "mock", spec, "--host", "127.0.0.1", "--port", port, "--errors")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	}
	base = "http://127.0.0.1:" + port
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return base, stop, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("prism did not answer within 60s: %s", log.String())
}

// StartPrism starts a Prism mock of Twilio's REST API and returns its
// origin, to use as the client's APIURL; t.Cleanup stops it.
func StartPrism(t testing.TB) string {
	t.Helper()
	base, stop, err := launch()
	if errors.Is(err, errMissing) {
		skipOrFail(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return base
}

// shared is the one Prism of SharedPrism; Prism takes seconds to start,
// so a package with many tests starts it once.
var shared struct {
	once sync.Once
	base string
	stop func()
	err  error
}

// SharedPrism returns the origin of a Prism shared by every test of the
// binary, starting it on first use. The test binary's TestMain must call
// StopSharedPrism after m.Run. If Prism cannot start the test is skipped,
// unless HOOKLINE_REQUIRE_PEERS=1.
func SharedPrism(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.base, shared.stop, shared.err = launch() })
	if shared.err != nil {
		skipOrFail(t, "prism unavailable: "+shared.err.Error())
	}
	return shared.base
}

// StopSharedPrism stops the Prism of SharedPrism, if one started.
func StopSharedPrism() {
	if shared.stop != nil {
		shared.stop()
	}
}

func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}
