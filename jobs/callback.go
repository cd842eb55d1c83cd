package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"hookline"
)

// CallbackArgs sends the pending status callbacks of one message, in order.
type CallbackArgs struct {
	MessageID string `json:"message_id"`
}

// Kind implements river.JobArgs. It is stable: stored jobs depend on it.
func (CallbackArgs) Kind() string { return "status_callback" }

// CallbackMaxAttempts is high enough that the backoff of CallbackBackoff
// spans more than CallbackGiveUp; the age check is what really stops.
const CallbackMaxAttempts = 40

// CallbackGiveUp is how long a callback is retried before it is dropped.
const CallbackGiveUp = 24 * time.Hour

// The results counted by CallbackWorker.Observe.
const (
	CallbackOK         = "ok"
	CallbackHTTPError  = "http_error"
	CallbackNetError   = "network_error"
	CallbackGaveUp     = "gave_up"
	callbackLeaseSlack = time.Minute
)

// DefaultCallbackRetryBase is the first retry delay of a failed callback.
const DefaultCallbackRetryBase = 5 * time.Second

// CallbackBackoff is the delay before retry number attempt (1-based): base
// doubling up to an hour.
func CallbackBackoff(attempt int, base time.Duration) time.Duration {
	if base <= 0 {
		base = DefaultCallbackRetryBase
	}
	d := base
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// SignatureHeader returns the Hookline-Signature of body sent at t:
// "t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>.<body>")>".
func SignatureHeader(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// CallbackWorker POSTs status callbacks. One message's events go in
// sequence order and stop at the first failure, which River retries with
// CallbackBackoff; a lease in the store keeps two jobs from sending the
// same message's events at once, on any node.
type CallbackWorker struct {
	river.WorkerDefaults[CallbackArgs]
	Store hookline.CallbackStore
	// Client fetches the receivers' URLs: the safe client of package audio
	// in production, so callbacks cannot reach private addresses.
	Client *http.Client
	Now    hookline.Clock
	Logger *slog.Logger
	// Observe, when set, counts each attempt's result.
	Observe func(result string)
	// RetryBase is the first retry delay; DefaultCallbackRetryBase if zero.
	RetryBase time.Duration
}

// Timeout bounds one job; the lease outlives it by a minute.
func (w *CallbackWorker) Timeout(*river.Job[CallbackArgs]) time.Duration { return 5 * time.Minute }

// NextRetry spaces retries by CallbackBackoff.
func (w *CallbackWorker) NextRetry(job *river.Job[CallbackArgs]) time.Time {
	return w.now().Add(CallbackBackoff(job.Attempt, w.RetryBase))
}

// Work sends the message's pending callbacks.
func (w *CallbackWorker) Work(ctx context.Context, job *river.Job[CallbackArgs]) error {
	id := job.Args.MessageID
	lease, err := w.Store.LeaseCallbacks(ctx, id, job.ID, w.Timeout(job)+callbackLeaseSlack)
	if err != nil {
		return fmt.Errorf("lease callbacks: %w", err)
	}
	if lease == nil {
		// Another job is sending this message's events; look again after it.
		return river.JobSnooze(2 * time.Second)
	}
	rel := hookline.CallbackRelease{MessageID: id, JobID: job.ID}
	if lease.OwnerJob != 0 && lease.OwnerJob != job.ID && w.now().Before(lease.BlockedUntil) {
		// A failing job owns the retries; its next attempt sends these too.
		return w.release(ctx, rel)
	}
	secret, err := w.Store.SigningSecret(ctx, lease.AccountID)
	if err != nil {
		_ = w.release(ctx, rel)
		return fmt.Errorf("signing secret: %w", err)
	}
	for _, e := range lease.Events {
		if w.now().Sub(e.CreatedAt) > CallbackGiveUp {
			w.logger().Warn("status callback given up after 24 h", "message_id", id, "event_id", e.EventID, "url", e.URL)
			w.observe(CallbackGaveUp)
			rel.SentSeq = e.Seq
			continue
		}
		result, err := w.post(ctx, e, secret)
		w.observe(result)
		if err != nil {
			w.logger().Info("status callback failed", "message_id", id, "event_id", e.EventID, "attempt", job.Attempt, "err", err)
			rel.Failing, rel.RetryAt = true, w.NextRetry(job)
			if rerr := w.release(ctx, rel); rerr != nil {
				return rerr
			}
			return err
		}
		rel.SentSeq = e.Seq
	}
	return w.release(ctx, rel)
}

func (w *CallbackWorker) release(ctx context.Context, r hookline.CallbackRelease) error {
	if err := w.Store.ReleaseCallbacks(context.WithoutCancel(ctx), r); err != nil {
		return fmt.Errorf("release callbacks: %w", err)
	}
	return nil
}

// post sends one event and reports its result; only a 2xx is success.
func (w *CallbackWorker) post(ctx context.Context, e hookline.CallbackEvent, secret string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(e.Body))
	if err != nil {
		return CallbackNetError, fmt.Errorf("callback url: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Hookline-Callbacks/1")
	req.Header.Set("Hookline-Event-Id", e.EventID)
	if secret != "" {
		req.Header.Set("Hookline-Signature", SignatureHeader(secret, w.now(), e.Body))
	}
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return CallbackNetError, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return CallbackHTTPError, fmt.Errorf("callback answered %d", resp.StatusCode)
	}
	return CallbackOK, nil
}

func (w *CallbackWorker) observe(result string) {
	if w.Observe != nil {
		w.Observe(result)
	}
}

func (w *CallbackWorker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *CallbackWorker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// CallbackInsertParams returns one job per distinct message of ids, for
// InsertManyTx in the writer's transaction.
func CallbackInsertParams(ids []string) []river.InsertManyParams {
	seen := make(map[string]bool, len(ids))
	var out []river.InsertManyParams
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, river.InsertManyParams{Args: CallbackArgs{MessageID: id}, InsertOpts: &river.InsertOpts{MaxAttempts: CallbackMaxAttempts}})
	}
	return out
}
