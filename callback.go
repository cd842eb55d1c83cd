package hookline

import (
	"context"
	"time"
)

// CallbackPayload is the JSON body of a status callback: one status change
// of one message, POSTed to its trigger's status_callback_url.
type CallbackPayload struct {
	EventID    string        `json:"event_id"`
	MessageID  string        `json:"message_id"`
	TriggerID  string        `json:"trigger_id"`
	Phone      string        `json:"phone"`
	Status     MessageStatus `json:"status"`
	ErrorCode  string        `json:"error_code"`
	OccurredAt time.Time     `json:"occurred_at"`
}

// CallbackEvent is a status callback waiting to be delivered. Seq orders the
// events of one message; Body is the payload as it will be signed and sent.
type CallbackEvent struct {
	MessageID string
	Seq       int64
	EventID   string
	URL       string
	Body      []byte
	CreatedAt time.Time
}

// CallbackLease is a job's exclusive hold on one message's pending
// callbacks. OwnerJob is the job that owns retries after a failure (0 when
// none does) and BlockedUntil is when that job retries.
type CallbackLease struct {
	MessageID    string
	AccountID    int64
	OwnerJob     int64
	BlockedUntil time.Time
	Events       []CallbackEvent
}

// CallbackRelease ends a lease: SentSeq is the last event acknowledged;
// Failing keeps the job as owner of the retries until RetryAt.
type CallbackRelease struct {
	MessageID string
	JobID     int64
	SentSeq   int64
	Failing   bool
	RetryAt   time.Time
}

// CallbackStore keeps status callbacks until their receiver acknowledges
// them, and the per-account secret that signs them.
type CallbackStore interface {
	// LeaseCallbacks takes the message's pending callbacks for the job, or
	// returns nil when another job holds them.
	LeaseCallbacks(ctx context.Context, messageID string, jobID int64, d time.Duration) (*CallbackLease, error)
	ReleaseCallbacks(ctx context.Context, r CallbackRelease) error
	// SigningSecret returns the account's secret, or "" when it has none.
	SigningSecret(ctx context.Context, accountID int64) (string, error)
}

// RetryAfterError is an error the client may retry after a delay, such as
// rate_limited; the server sends the delay as Retry-After.
type RetryAfterError struct {
	Err   *Error
	After time.Duration
}

// Error implements the error interface.
func (e *RetryAfterError) Error() string { return e.Err.Error() }

// Unwrap lets ErrorCode and ErrorMessage see the *Error.
func (e *RetryAfterError) Unwrap() error { return e.Err }
