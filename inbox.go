package hookline

import (
	"context"
	"time"
)

// InboxEntry is what a simulated phone received: a text or a voicemail.
// The built-in carrier simulator keeps these in the database so every node
// of a deployment shows the same inboxes.
type InboxEntry struct {
	ID            int64         `json:"id"`
	MessageID     string        `json:"message_id"`
	Phone         string        `json:"phone"`
	From          string        `json:"from,omitempty"`
	Kind          TriggerKind   `json:"kind"`
	Body          string        `json:"body,omitempty"`
	AudioID       string        `json:"audio_id,omitempty"`
	DurationMS    int64         `json:"duration_ms,omitempty"`
	AudioURL      string        `json:"audio_url,omitempty"`
	ReceivedAt    time.Time     `json:"received_at"`
	ReceiptStatus MessageStatus `json:"receipt_status,omitempty"`
}

// InboxStore keeps the simulated phones' inboxes.
type InboxStore interface {
	// AddInboxEntry stores e unless an entry for its message exists, and
	// reports whether it was added: a resend after a crash is not a second
	// delivery.
	AddInboxEntry(ctx context.Context, e *InboxEntry) (bool, error)
	// AddInboxEntries is AddInboxEntry for many entries in one write; added
	// says, per entry, whether it was stored.
	AddInboxEntries(ctx context.Context, es []*InboxEntry) (added []bool, err error)
	FindInbox(ctx context.Context, accountID int64, phone string) ([]*InboxEntry, error)
	// PendingReceipts returns entries whose delivery report was not sent.
	PendingReceipts(ctx context.Context) ([]*InboxEntry, error)
	// DueReceipts returns the message ids of at most limit entries received
	// before cutoff whose delivery report was not sent: the reports any node
	// of the deployment may send, the node that sent the message having
	// died or fallen behind.
	DueReceipts(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// MarkReceipted records that the entries' delivery reports were sent.
	MarkReceipted(ctx context.Context, messageIDs []string, status MessageStatus) error
}
