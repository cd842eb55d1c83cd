package hookline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// OutboundSMS is one text to hand to a carrier.
type OutboundSMS struct {
	MessageID string
	From      string
	To        string // E.164
	Body      string
}

// OutboundVoicemail is one voicemail drop to hand to a carrier. Audio is the
// voicemail transcoded for telephony: 8 kHz mono G.711 samples in the codec
// the carrier asks for.
type OutboundVoicemail struct {
	MessageID string
	From      string
	To        string // E.164
	AudioID   string
	// Duration of the audio.
	Duration time.Duration
	// Audio returns the 8 kHz G.711 samples (µ-law or A-law) of the voicemail.
	Audio func(ctx context.Context, codec G711Codec) ([]byte, error)
	// AudioURL, when set, is an unguessable URL at which Hookline serves the
	// MP3, for carriers that fetch audio themselves.
	AudioURL string
	// HumanAnswer says what to do when a person answers: "hangup" or "play".
	HumanAnswer string
}

// G711Codec names a G.711 companding law.
type G711Codec string

// The G.711 codecs.
const (
	PCMU G711Codec = "PCMU" // µ-law
	PCMA G711Codec = "PCMA" // A-law
)

// SendResult is a carrier's synchronous answer to a send. Status is
// StatusSent (a receipt will follow through a StatusReporter) or, for
// carriers that know at once, StatusDelivered.
type SendResult struct {
	CarrierID string
	Status    MessageStatus
}

// SMSSender is a carrier that sends texts.
type SMSSender interface {
	Name() string
	SendSMS(ctx context.Context, m *OutboundSMS) (*SendResult, error)
}

// BatchSMSSender is an SMSSender that also takes many texts in one call,
// for carriers whose cost is per call rather than per text (the simulator
// stores a whole delivery job's texts in one write). SendSMSBatch returns
// one outcome per text, in order, each as SendSMS would have answered.
type BatchSMSSender interface {
	SMSSender
	SendSMSBatch(ctx context.Context, msgs []*OutboundSMS) []SendOutcome
}

// SendOutcome is one text's answer in a batch: a result or an error.
type SendOutcome struct {
	Result *SendResult
	Err    error
}

// VoicemailSender is a carrier that drops voicemails.
type VoicemailSender interface {
	Name() string
	SendVoicemail(ctx context.Context, v *OutboundVoicemail) (*SendResult, error)
}

// StatusReport is an asynchronous status from a carrier (a delivery
// receipt). It names the message by Hookline's id or by the carrier's id.
type StatusReport struct {
	MessageID string
	CarrierID string
	Status    MessageStatus
	ErrorCode string
	At        time.Time
}

// StatusReporter receives carriers' asynchronous statuses.
type StatusReporter interface {
	ReportStatus(ctx context.Context, r StatusReport) error
}

// BatchStatusReporter is a StatusReporter that also takes many reports in
// one call, for carriers that receive receipts in bursts.
type BatchStatusReporter interface {
	StatusReporter
	ReportStatuses(ctx context.Context, reports []StatusReport) error
}

// InboundMessage is a text a phone sent back, fed by a carrier adapter.
type InboundMessage struct {
	ID         int64     `json:"id"`
	AccountID  int64     `json:"-"`
	From       string    `json:"from"`
	To         string    `json:"to,omitempty"`
	Text       string    `json:"text"`
	Carrier    string    `json:"carrier"`
	CarrierID  string    `json:"carrier_id,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	// Keyword is the action the text asked for, set by the handler.
	Keyword KeywordAction `json:"keyword,omitempty"`
}

// InboundHandler receives texts that phones send back.
type InboundHandler interface {
	HandleInbound(ctx context.Context, m *InboundMessage) error
}

// CarrierError is a failed send. Permanent errors fail the message with Code
// as its error code; others are retried with backoff.
type CarrierError struct {
	Code      string
	Permanent bool
	// Status is the final status of a permanent error: StatusFailed or
	// StatusUndelivered. Empty means StatusFailed.
	Status MessageStatus
	Err    error
}

func (e *CarrierError) Error() string {
	kind := "transient"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Err != nil {
		return fmt.Sprintf("carrier %s error %s: %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("carrier %s error %s", kind, e.Code)
}

func (e *CarrierError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a permanent carrier error.
func IsPermanent(err error) bool {
	var ce *CarrierError
	return errors.As(err, &ce) && ce.Permanent
}
