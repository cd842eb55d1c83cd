package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
)

// benchOptions configure the load generator.
type benchOptions struct {
	URL         string
	Method      string
	Concurrency int
	Duration    time.Duration
	Count       int64
	Warmup      time.Duration
	JSON        bool
	// APIKey, when set, makes the run wait until the messages it created are
	// delivered and report how long that took after the load stopped.
	APIKey string
}

// benchResult is what one load run measured.
type benchResult struct {
	URL        string         `json:"url"`
	Requests   int64          `json:"requests"`
	Seconds    float64        `json:"seconds"`
	RPS        float64        `json:"rps"`
	P50MS      float64        `json:"p50_ms"`
	P99MS      float64        `json:"p99_ms"`
	MaxMS      float64        `json:"max_ms"`
	Errors     int64          `json:"errors"`
	ByStatus   map[string]int `json:"by_status"`
	IDs        []string       `json:"-"`
	Concurrent int            `json:"concurrency"`
	// DrainSeconds is how long after the load stopped the sampled messages
	// took to reach delivered: near zero when delivery keeps up with ingest.
	DrainSeconds float64 `json:"drain_seconds,omitempty"`
}

func newBenchCmd() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load-generate against a URL and print req/s, p50/p99 latency and errors",
		Long: `Sends requests from --concurrency connections for --duration (or --count
requests) and prints throughput, latency percentiles and error counts.
In the URL, {phone} is replaced by a new valid phone number on each request
and {n} by the request's sequence number.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.URL == "" {
				return fmt.Errorf("--url is required")
			}
			res, err := runBench(cmd.Context(), o)
			if err != nil {
				return err
			}
			if o.APIKey != "" && len(res.IDs) > 0 {
				if res.DrainSeconds, err = waitDelivered(cmd.Context(), o, res.IDs); err != nil {
					return err
				}
			}
			if o.JSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n  requests %d in %.1fs: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d, statuses %v\n",
				res.URL, res.Requests, res.Seconds, res.RPS, res.P50MS, res.P99MS, res.MaxMS, res.Errors, res.ByStatus)
			if o.APIKey != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "  delivered: the last messages reached delivered %.2fs after the load stopped\n", res.DrainSeconds)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.URL, "url", "", "target URL; {phone} and {n} are replaced per request")
	f.StringVar(&o.Method, "method", "GET", "HTTP method")
	f.IntVarP(&o.Concurrency, "concurrency", "c", 64, "connections sending at once")
	f.DurationVarP(&o.Duration, "duration", "d", 10*time.Second, "how long to send")
	f.Int64VarP(&o.Count, "count", "n", 0, "stop after this many requests (0: use --duration)")
	f.DurationVar(&o.Warmup, "warmup", time.Second, "unmeasured load before the run")
	f.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	f.StringVar(&o.APIKey, "api-key", "", "API key: after the run, wait until the messages are delivered")
	cmd.AddCommand(newBaselineCmd())
	return cmd
}

// newBaselineCmd serves a bare net/http JSON handler shaped like the webhook,
// the baseline that `make bench` compares the webhook against.
func newBaselineCmd() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Serve a bare net/http JSON handler (the benchmark's baseline)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "baseline listening on http://%s\n", ln.Addr())
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.URL.Query().Get("phone")
				id := uuid.NewString()
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]string{"message": "Message sent with ID: " + id, "id": id, "status": "queued"})
			})}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() { <-ctx.Done(); srv.Close() }()
			if err := srv.Serve(ln); err != http.ErrServerClosed {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on")
	return cmd
}

// benchPhone returns a distinct valid North American number for n.
func benchPhone(n int64) string {
	return "%2B1775" + strconv.Itoa(5380000+int(n%600000))
}

func expandURL(u string, n int64) string {
	u = strings.ReplaceAll(u, "{phone}", benchPhone(n))
	return strings.ReplaceAll(u, "{n}", strconv.FormatInt(n, 10))
}

func runBench(ctx context.Context, o benchOptions) (*benchResult, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	tr := &http.Transport{MaxIdleConns: o.Concurrency * 2, MaxIdleConnsPerHost: o.Concurrency * 2, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	var seq atomic.Int64
	seq.Store(time.Now().UnixNano() % 1_000_000)
	if o.Warmup > 0 {
		loadLoop(ctx, client, o, &seq, time.Now().Add(o.Warmup), 0, nil)
	}
	start := time.Now()
	res := &benchResult{URL: o.URL, ByStatus: map[string]int{}, Concurrent: o.Concurrency}
	lat := loadLoop(ctx, client, o, &seq, start.Add(o.Duration), o.Count, res)
	res.Seconds = time.Since(start).Seconds()
	res.Requests = int64(len(lat))
	res.RPS = float64(res.Requests) / res.Seconds
	slices.Sort(lat)
	if len(lat) > 0 {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		res.P50MS = ms(lat[len(lat)*50/100])
		res.P99MS = ms(lat[min(len(lat)-1, len(lat)*99/100)])
		res.MaxMS = ms(lat[len(lat)-1])
	}
	return res, nil
}

// loadLoop runs the workers until the deadline or count and returns every
// request's latency; res (when not nil) collects statuses and message IDs.
func loadLoop(ctx context.Context, client *http.Client, o benchOptions, seq *atomic.Int64, deadline time.Time, count int64, res *benchResult) []time.Duration {
	var mu sync.Mutex
	var all []time.Duration
	var sent atomic.Int64
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			statuses := map[string]int{}
			var ids []string
			var errs int64
			for ctx.Err() == nil && time.Now().Before(deadline) && (count == 0 || sent.Add(1) <= count) {
				n := seq.Add(1)
				t0 := time.Now()
				status, id := benchRequest(client, o.Method, expandURL(o.URL, n))
				lat = append(lat, time.Since(t0))
				statuses[status]++
				if id != "" {
					ids = append(ids, id)
				} else if status != "200" {
					errs++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat...)
			if res != nil {
				for k, v := range statuses {
					res.ByStatus[k] += v
				}
				res.IDs = append(res.IDs, ids...)
				res.Errors += errs
			}
		}()
	}
	wg.Wait()
	return all
}

// benchRequest sends one request and returns its status and, for a webhook
// answer, the message id.
func benchRequest(client *http.Client, method, url string) (string, string) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return "bad_url", ""
	}
	resp, err := client.Do(req)
	if err != nil {
		return "conn_error", ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	status := strconv.Itoa(resp.StatusCode)
	if resp.StatusCode != 200 {
		return status, ""
	}
	var ans struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &ans)
	return status, ans.ID
}

// waitDelivered polls a sample of the run's messages (the last ones accepted
// and some spread over the run) until every one is delivered.
func waitDelivered(ctx context.Context, o benchOptions, ids []string) (float64, error) {
	origin := o.URL
	if i := strings.Index(origin, "/webhook/"); i >= 0 {
		origin = origin[:i]
	}
	sample := ids[max(0, len(ids)-50):]
	for i := 0; i < len(ids); i += max(1, len(ids)/50) {
		sample = append(sample, ids[i])
	}
	start := time.Now()
	client := &http.Client{Timeout: 10 * time.Second}
	for _, id := range sample {
		for {
			req, _ := http.NewRequestWithContext(ctx, "GET", origin+"/api/v1/messages/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+o.APIKey)
			resp, err := client.Do(req)
			if err != nil {
				return 0, err
			}
			var m struct {
				Status string `json:"status"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&m)
			resp.Body.Close()
			if m.Status == "delivered" {
				break
			}
			if time.Since(start) > 5*time.Minute {
				return 0, fmt.Errorf("message %s still %q after 5 minutes", id, m.Status)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return time.Since(start).Seconds(), nil
}
