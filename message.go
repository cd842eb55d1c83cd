package hookline

import (
	"context"
	"time"
)

// MessageStatus is where a message is in its lifecycle:
// queued → sending → sent → delivered, or undelivered / failed with an error
// code; scheduled while held for quiet hours; canceled.
type MessageStatus string

// The message statuses.
const (
	StatusQueued      MessageStatus = "queued"
	StatusScheduled   MessageStatus = "scheduled"
	StatusSending     MessageStatus = "sending"
	StatusSent        MessageStatus = "sent"
	StatusDelivered   MessageStatus = "delivered"
	StatusUndelivered MessageStatus = "undelivered"
	StatusFailed      MessageStatus = "failed"
	StatusCanceled    MessageStatus = "canceled"
)

// Final reports whether no further status change is expected.
func (s MessageStatus) Final() bool {
	switch s {
	case StatusDelivered, StatusUndelivered, StatusFailed, StatusCanceled:
		return true
	}
	return false
}

// Valid reports whether s is a known status.
func (s MessageStatus) Valid() bool {
	switch s {
	case StatusQueued, StatusScheduled, StatusSending, StatusSent, StatusDelivered,
		StatusUndelivered, StatusFailed, StatusCanceled:
		return true
	}
	return false
}

// Message is one SMS or voicemail to one phone, created by a webhook call.
type Message struct {
	ID           string         `json:"id"`
	AccountID    int64          `json:"-"`
	TriggerID    string         `json:"trigger_id"`
	Kind         TriggerKind    `json:"kind"`
	Phone        string         `json:"phone"`
	From         string         `json:"from,omitempty"`
	Body         string         `json:"body,omitempty"`
	Encoding     Encoding       `json:"encoding,omitempty"`
	Segments     int            `json:"segments,omitempty"`
	AudioID      string         `json:"audio_id,omitempty"`
	Status       MessageStatus  `json:"status"`
	ErrorCode    string         `json:"error_code,omitempty"`
	Carrier      string         `json:"carrier,omitempty"`
	CarrierID    string         `json:"carrier_id,omitempty"`
	ScheduledFor *time.Time     `json:"scheduled_for,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	Events       []MessageEvent `json:"events,omitempty"`
}

// MessageEvent is one status change of a message: the audit trail.
type MessageEvent struct {
	ID         int64         `json:"id"`
	MessageID  string        `json:"message_id"`
	Status     MessageStatus `json:"status"`
	ErrorCode  string        `json:"error_code,omitempty"`
	OccurredAt time.Time     `json:"occurred_at"`
}

// MessageFilter selects messages of one account, newest first.
type MessageFilter struct {
	AccountID int64
	TriggerID string
	Phone     string
	Status    MessageStatus
	Cursor    string
	Limit     int
}

// Submission is a validated webhook call, ready to be committed.
type Submission struct {
	Message        *Message
	Contact        *Contact
	IdempotencyKey string
	// RequestHash identifies the request for idempotency: the same key with
	// a different hash is a conflict.
	RequestHash string
	// CallbackURL is the trigger's status_callback_url, carried so the store
	// needs no extra query per message to queue the first callback.
	CallbackURL string
	// RateLimit is the trigger's limit, counted in the same transaction.
	RateLimit *RateLimit
	// FrequencyCap, when set, is checked against the messages of the same
	// trigger to the same phone inside the commit's transaction.
	FrequencyCap *FrequencyCap
}

// Acceptance is the answer to a committed submission. Replayed is true when
// an earlier request with the same idempotency key is answered again.
type Acceptance struct {
	MessageID string
	Status    MessageStatus
	Replayed  bool
}

// StatusChange moves a message to a new status. CarrierID, when set, is
// recorded on the message so later receipts can find it.
type StatusChange struct {
	MessageID string
	Status    MessageStatus
	ErrorCode string
	Carrier   string
	CarrierID string
	At        time.Time
	// ScheduledFor, with StatusScheduled, holds the message until then: the
	// store records it and schedules a delivery job for that time.
	ScheduledFor *time.Time
}

// MessageService accepts webhook submissions and reads messages.
type MessageService interface {
	// Accept durably commits the submission (contact, message, event and
	// delivery job) before it returns.
	Accept(ctx context.Context, s *Submission) (*Acceptance, error)
	FindMessageByID(ctx context.Context, accountID int64, id string) (*Message, error)
	// FindMessages returns a page of messages and the cursor of the next.
	FindMessages(ctx context.Context, filter MessageFilter) ([]*Message, string, error)
}
