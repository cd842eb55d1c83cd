package audio

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// audioServer serves test routes and counts requests per path.
type audioServer struct {
	*httptest.Server
	mu    sync.Mutex
	count map[string]int
}

func (s *audioServer) hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[path]
}

func mustRunAudioServer(t *testing.T) *audioServer {
	t.Helper()
	good := mustReadFixture(t, "tone-2s-22k-mono.mp3")
	s := &audioServer{count: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain") // must not matter
		w.Write(good)
	})
	mux.HandleFunc("/slow-good", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond)
		w.Write(good)
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 100 && r.Context().Err() == nil; i++ {
			w.Write(good[i*10 : i*10+10])
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 64<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/huge-length", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "50000000")
		w.WriteHeader(200)
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		to := "/good"
		if n > 1 {
			to = fmt.Sprintf("/redirect/%d", n-1)
		}
		http.Redirect(w, r, to, http.StatusFound)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.count[r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func testConfig() Config {
	return Config{Client: ClientOptions{AllowCIDRs: loopback, Timeout: 400 * time.Millisecond}, MaxBytes: 1 << 20}
}

func TestFetchResults(t *testing.T) {
	t.Parallel()
	s := mustRunAudioServer(t)
	f := NewFetcher(testConfig())
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		path, code string
	}{
		{"/good", ""},
		{"/missing", hookline.EAudioUnreachable},
		{"/500", hookline.EAudioUnreachable},
		{"/trickle", hookline.EAudioUnreachable},
		{"/endless", hookline.EAudioTooLarge},
		{"/huge-length", hookline.EAudioTooLarge},
		{"/redirect/3", ""},
		{"/redirect/4", hookline.EAudioUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			res, err := f.Fetch(context.Background(), s.URL+tt.path)
			if got := hookline.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if err == nil && (len(res.SHA256) != 64 || res.Info.SampleRate != 22050 || len(res.Data) == 0) {
				t.Errorf("bad result %+v", res.Info)
			}
		})
	}
	if _, err := f.Fetch(context.Background(), closed.URL+"/good"); hookline.ErrorCode(err) != hookline.EAudioUnreachable {
		t.Errorf("refused connection: %v, want audio_unreachable", err)
	}
}

func TestFetchBlocked(t *testing.T) {
	t.Parallel()
	s := mustRunAudioServer(t)
	f := NewFetcher(Config{FailureTTL: -1, Client: ClientOptions{Timeout: time.Second}})
	urls := []string{
		s.URL + "/good", // loopback without an allow list
		"http://localhost/", "http://127.0.0.1/", "http://127.1/", "http://2130706433/",
		"http://0x7f.0.0.1/", "http://0x7f000001/", "http://0177.0.0.1/", "http://017700000001/",
		"http://127.0.0.1./", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
		"http://[64:ff9b::7f00:1]/", "http://[::1]/", "http://[::]/", "http://[fd00::1]/",
		"http://[fe80::1]/", "http://[ff02::1]/", "http://0.0.0.0/", "http://0/",
		"http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/",
		"http://169.254.169.254/latest/meta-data/", "http://224.0.0.1/", "http://240.0.0.1/",
		"http://255.255.255.255/", "http://192.0.2.1/", "http://8.8.8.8:22/", "https://8.8.8.8:8443/",
		"http://1.2.3.4.5/", "http://256.0.0.1/", "http://0x1g.0.0.1/",
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			_, err := f.Fetch(context.Background(), u)
			if got := hookline.ErrorCode(err); got != hookline.EAudioBlockedAddress {
				t.Errorf("code %q (%v), want audio_blocked_address", got, err)
			}
		})
	}
	for _, u := range []string{"ftp://example.com/a.mp3", "file:///etc/passwd", "gopher://x/"} {
		if _, err := f.Fetch(context.Background(), u); hookline.ErrorCode(err) == "" {
			t.Errorf("%s: fetched", u)
		}
	}
}

func TestFetchRedirectToLoopbackBlocked(t *testing.T) {
	t.Parallel()
	target := mustRunAudioServer(t) // on 127.0.0.1
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	first := httptest.NewUnstartedServer(http.RedirectHandler(target.URL+"/good", http.StatusFound))
	first.Listener = ln
	first.Start()
	t.Cleanup(first.Close)
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	f := NewFetcher(Config{Client: ClientOptions{AllowCIDRs: allow}})
	_, err = f.Fetch(context.Background(), first.URL+"/start")
	if got := hookline.ErrorCode(err); got != hookline.EAudioBlockedAddress {
		t.Fatalf("code %q (%v), want audio_blocked_address", got, err)
	}
	if n := target.hits("/good"); n != 0 {
		t.Errorf("loopback target was hit %d times", n)
	}
}

func TestFetchSingleFlight(t *testing.T) {
	t.Parallel()
	s := mustRunAudioServer(t)
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	cfg := testConfig()
	cfg.Now = func() time.Time { return time.Unix(0, now.Load()) }
	f := NewFetcher(cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.Fetch(context.Background(), s.URL+"/slow-good")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := s.hits("/slow-good"); got != 1 {
		t.Fatalf("50 concurrent fetches made %d requests, want 1", got)
	}
	f.Fetch(context.Background(), s.URL+"/slow-good")
	if got := s.hits("/slow-good"); got != 1 {
		t.Errorf("cached fetch made a request (%d)", got)
	}
	now.Add(int64(DefaultCacheTTL))
	f.Fetch(context.Background(), s.URL+"/slow-good")
	if got := s.hits("/slow-good"); got != 2 {
		t.Errorf("fetch after TTL: %d requests, want 2", got)
	}
}

func TestFetchCachesFailuresBriefly(t *testing.T) {
	t.Parallel()
	s := mustRunAudioServer(t)
	var now atomic.Int64
	cfg := testConfig()
	cfg.Now = func() time.Time { return time.Unix(0, now.Load()) }
	f := NewFetcher(cfg)
	for i := 0; i < 3; i++ {
		f.Fetch(context.Background(), s.URL+"/500")
	}
	if got := s.hits("/500"); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
	now.Add(int64(DefaultFailureTTL))
	f.Fetch(context.Background(), s.URL+"/500")
	if got := s.hits("/500"); got != 2 {
		t.Errorf("after failure TTL: %d requests, want 2", got)
	}
}

func TestFetchCacheEviction(t *testing.T) {
	t.Parallel()
	s := mustRunAudioServer(t)
	cfg := testConfig()
	cfg.MaxCacheEntries = 1
	f := NewFetcher(cfg)
	for _, q := range []string{"?a", "?b", "?a"} {
		if _, err := f.Fetch(context.Background(), s.URL+"/good"+q); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.hits("/good"); got != 3 {
		t.Errorf("%d requests, want 3 (a evicted by b)", got)
	}
	if len(f.items) != 1 || f.bytes == 0 {
		t.Errorf("cache holds %d items, %d bytes", len(f.items), f.bytes)
	}
}

func TestParseNumericHost(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"127.1": "127.0.0.1", "2130706433": "127.0.0.1", "0x7f.0.0.1": "127.0.0.1",
		"0177.0.0.1": "127.0.0.1", "0x7f.1": "127.0.0.1", "127.0.1": "127.0.0.1",
		"::ffff:127.0.0.1": "::ffff:127.0.0.1", "8.8.8.8": "8.8.8.8",
	}
	for in, want := range tests {
		ip, ok, err := parseNumericHost(in)
		if err != nil || !ok || ip.String() != want {
			t.Errorf("parseNumericHost(%q) = %v, %v, %v; want %s", in, ip, ok, err, want)
		}
	}
	for _, in := range []string{"example.com", "1.2.3.example", "mp3.example.net."} {
		if _, ok, _ := parseNumericHost(in); ok {
			t.Errorf("parseNumericHost(%q) says numeric", in)
		}
	}
}
