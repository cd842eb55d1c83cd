package twilio

import (
	"bytes"

	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Prism serves Twilio's own OpenAPI document and refuses (with --errors,
// 422) any request that breaks it, so the client is tested against Twilio's
// published contract. One Prism runs per test binary.
var (
	nodeModules = filepath.Join("..", "..", "testdata", "node", "node_modules")
	prismBin    = filepath.Join(nodeModules, ".bin", "prism")
	twilioSpec  = filepath.Join(nodeModules, "@twilio-alpha", "mcp", "twilio-oai", "spec", "json", "twilio_api_v2010.json")

	prismOnce sync.Once
	prismURL  string
	prismCmd  *exec.Cmd
	prismErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if prismCmd != nil && prismCmd.Process != nil {
		_ = syscall.Kill(-prismCmd.Process.Pid, syscall.SIGTERM)
		_ = prismCmd.Wait()
	}
	os.Exit(code)
}

// mustPrism returns the URL of the shared Prism mock of Twilio's API,
// starting it on first use. Without node or Prism the test is skipped,
// unless HOOKLINE_REQUIRE_PEERS=1.
func mustPrism(t *testing.T) string {
	t.Helper()
	prismOnce.Do(func() { prismURL, prismErr = startPrism() })
	if prismErr != nil {
		if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
			t.Fatalf("prism: %v", prismErr)
		}
		t.Skipf("prism unavailable (run npm install in testdata/node): %v", prismErr)
	}
	return prismURL
}

func startPrism() (string, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return "", err
	}
	for _, f := range []string{prismBin, twilioSpec} {
		if _, err := os.Stat(f); err != nil {
			return "", err
		}
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	var log bytes.Buffer
	cmd := exec.Command(prismBin, "mock", twilioSpec, "--host", "127.0.0.1", "--port", port, "--errors")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	prismCmd = cmd
	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			return base, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("prism did not answer within 30s: %s", log.String())
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// exchange is one request the client made and Prism's verdict on it.
type exchange struct {
	Method, Path string
	Form         url.Values // as the client sent it
	Status       int
	Violations   string // Prism's sl-violations header
	Body         []byte
}

// recorder sits between the client and Prism and keeps every exchange.
type recorder struct {
	mu        sync.Mutex
	exchanges []exchange
}

// arrayFields are the form fields that Twilio's API takes as repeated keys
// (To=a&To=b). Prism 5.14 only reads arrays from "key[]" names
// (stoplightio/prism#2473), so the recorder renames them before Prism
// validates; the client keeps Twilio's real wire format.
var arrayFields = []string{"StatusCallbackEvent"}

// mustRecordingPrism returns an API URL that forwards to Prism and the
// recorder of what passed through.
func mustRecordingPrism(t *testing.T) (string, *recorder) {
	t.Helper()
	target := mustPrism(t)
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		fwd := url.Values{}
		for k, v := range form {
			fwd[k] = v
		}
		for _, k := range arrayFields {
			if v, ok := fwd[k]; ok {
				delete(fwd, k)
				fwd[k+"[]"] = v
			}
		}
		req, _ := http.NewRequest(r.Method, target+r.URL.RequestURI(), bytes.NewBufferString(fwd.Encode()))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		rec.add(exchange{Method: r.Method, Path: r.URL.Path, Form: form, Status: resp.StatusCode,
			Violations: resp.Header.Get("sl-violations"), Body: out})
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, rec
}

func (r *recorder) add(e exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = append(r.exchanges, e)
}

// last returns the latest exchange, failing the test if Prism found the
// request or its answer in breach of Twilio's contract.
func (r *recorder) last(t *testing.T) exchange {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.exchanges) == 0 {
		t.Fatal("the client made no request")
	}
	e := r.exchanges[len(r.exchanges)-1]
	if e.Status < 200 || e.Status > 299 || e.Violations != "" {
		t.Fatalf("prism: %s %s answered %d, violations %q: %s", e.Method, e.Path, e.Status, e.Violations, e.Body)
	}
	return e
}
