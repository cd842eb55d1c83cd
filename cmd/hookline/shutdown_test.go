package main

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestGracefulShutdown sends SIGTERM while requests are in flight and
// delivery reports are still due: every request gets a complete answer (200,
// or 503 once draining, or a refused connection after the listener closed),
// the process exits cleanly, and after a restart the queued work resumes so
// every accepted message ends delivered.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	dir := t.TempDir()
	addr := FreeAddr(t)
	p := StartProc(t, addr, "--data-dir", dir, "--sim-receipt-delay", "2s", "--shutdown-timeout", "20s")
	key := RunCLI(t, "keys", "create", "--data-dir", dir)
	hook := RunCLI(t, "triggers", "create", "--data-dir", dir, "--addr", addr, "--name", "Term", "--body", "Bye {first}", "--send-window", "off")

	var mu sync.Mutex
	var accepted []string
	statuses := map[string]int{}
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	start := make(chan struct{})
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range 200 {
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s?phone=%%2B1775%07d&first=W%d", hook, 5390000+w*1000+i, w), nil)
				r := doQuiet(client, req)
				mu.Lock()
				switch {
				case r == nil:
					statuses["conn_error"]++
				default:
					statuses[fmt.Sprint(r.Status)]++
					if r.Status == 200 {
						accepted = append(accepted, r.Body["id"].(string))
					}
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	time.Sleep(150 * time.Millisecond)
	if err := p.Stop(); err != nil {
		t.Fatalf("SIGTERM exit: %v", err)
	}
	wg.Wait()
	for s := range statuses {
		if s != "200" && s != "503" && s != "conn_error" {
			t.Fatalf("answers during shutdown: %v", statuses)
		}
	}
	if len(accepted) == 0 || statuses["200"] == 32*200 {
		t.Fatalf("SIGTERM did not land during the load: %v", statuses)
	}
	t.Logf("answers: %v", statuses)

	p.Start()
	p.WaitDelivered(t, key, accepted, 30*time.Second)
}
