package smpp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"golang.org/x/time/rate"

	"hookline"
)

// Bind modes accepted by Config.BindMode.
const (
	// BindTransceiver opens one bind_transceiver session that both submits
	// and receives receipts and inbound texts.
	BindTransceiver = "transceiver"
	// BindTransmitterReceiver opens a bind_transmitter session for submits
	// and a separate bind_receiver session for receipts and inbound texts.
	BindTransmitterReceiver = "transmitter-receiver"
)

// Config configures a Client. The zero value of every optional field picks
// the documented default.
type Config struct {
	// Addr is the SMSC's host:port (flag --smpp-addr). Required.
	Addr string
	// SystemID is the ESME account name sent in the bind (--smpp-system-id).
	SystemID string
	// Password is the bind password (--smpp-password).
	Password string
	// SystemType is the optional system_type of the bind (--smpp-system-type).
	SystemType string
	// SourceAddr is the default sender when an OutboundSMS has no From
	// (--smpp-source-addr).
	SourceAddr string
	// SourceTON and SourceNPI are the type of number and numbering plan of
	// the sender (--smpp-source-ton, --smpp-source-npi). Nil picks them from
	// the sender: international/E.164 (1/1) for "+digits", alphanumeric (5/0)
	// when it has letters, otherwise unknown/E.164 (0/1).
	SourceTON, SourceNPI *byte
	// BindMode is BindTransceiver (default) or BindTransmitterReceiver
	// (--smpp-bind-mode).
	BindMode string
	// Window is how many submit_sm may await their submit_sm_resp at once on
	// the bind (--smpp-window). Default 10.
	Window int
	// Throughput caps submit_sm per second on the bind, each segment of a
	// long text counting once (--smpp-throughput). 0 means unlimited. It
	// makes an in-process limiter when Limiter is nil.
	Throughput float64
	// Limiter, when set, is waited on before every submit_sm instead of the
	// in-process limiter of Throughput: a limiter shared by every node of a
	// deployment (carrier/sharedrate) makes the limit deployment-wide.
	Limiter Limiter

	// Reporter receives delivery receipts. Nil drops them (they are still
	// acknowledged to the SMSC).
	Reporter hookline.StatusReporter
	// Inbound receives mobile-originated texts. Nil drops them.
	Inbound hookline.InboundHandler

	// EnquireLink is the keep-alive period. Default 30s. The link is
	// considered dead after three periods without any PDU from the SMSC.
	EnquireLink time.Duration
	// RespTimeout bounds the wait for any response PDU; a bind whose SMSC
	// stops answering is dropped and rebuilt. Default 10s.
	RespTimeout time.Duration
	// MinBackoff and MaxBackoff bound the reconnect delay, which doubles
	// after each failed attempt. Defaults 200ms and 10s.
	MinBackoff, MaxBackoff time.Duration
	// ThrottleRetries is how many times a submit answered ESME_RTHROTTLED or
	// ESME_RMSGQFUL is retried before SendSMS gives up with a transient
	// error. Default 5. ThrottleBackoff is the first wait (doubling). Default
	// 100ms.
	ThrottleRetries int
	ThrottleBackoff time.Duration
	// ReceiptHold is how long a receipt whose message id no pending submit
	// has claimed yet is held, in case its submit_sm_resp is still on the
	// way, before it is reported by carrier id only. It is released sooner
	// when no submit is outstanding. Default 10s.
	ReceiptHold time.Duration
	// ReceiptIDBase says how receipt ids that match no known submit are
	// reported: "" as the SMSC wrote them, "hex" converting decimal ids to
	// upper-case hex, "dec" converting hex ids to decimal. Set it to the
	// form of the SMSC's submit_sm_resp message_id when its receipts use
	// another base.
	ReceiptIDBase string
	// Workers is how many goroutines handle deliver_sm (receipts and inbound
	// texts) per receiving bind, so a slow store does not stall the reader.
	// Default 4.
	Workers int

	// Dial opens the TCP connection. Default net.Dialer with a 10s timeout.
	Dial func(network, addr string) (net.Conn, error)
	// Now is the clock used to stamp reports. Default time.Now.
	Now func() time.Time
	// Logger receives link events. Default slog.Default().
	Logger *slog.Logger
}

// withDefaults returns a copy of c with defaults filled in, or an error
// naming the first invalid field.
func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		return c, errors.New("smpp: Addr is required")
	}
	switch c.BindMode {
	case "":
		c.BindMode = BindTransceiver
	case BindTransceiver, BindTransmitterReceiver:
	default:
		return c, fmt.Errorf("smpp: bind mode %q: want %q or %q", c.BindMode, BindTransceiver, BindTransmitterReceiver)
	}
	switch c.ReceiptIDBase {
	case "", "hex", "dec":
	default:
		return c, fmt.Errorf("smpp: receipt id base %q: want \"\", \"hex\" or \"dec\"", c.ReceiptIDBase)
	}
	if c.Window < 0 || c.Throughput < 0 {
		return c, errors.New("smpp: Window and Throughput must not be negative")
	}
	setDefault(&c.Window, 10)
	setDefault(&c.ThrottleRetries, 5)
	setDefault(&c.Workers, 4)
	setDefault(&c.EnquireLink, 30*time.Second)
	setDefault(&c.RespTimeout, 10*time.Second)
	setDefault(&c.MinBackoff, 200*time.Millisecond)
	setDefault(&c.MaxBackoff, 10*time.Second)
	setDefault(&c.ThrottleBackoff, 100*time.Millisecond)
	setDefault(&c.ReceiptHold, 10*time.Second)
	if c.Dial == nil {
		d := &net.Dialer{Timeout: 10 * time.Second}
		c.Dial = d.Dial
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Limiter == nil && c.Throughput > 0 {
		// One limiter per client, so a rebuilt bind keeps the pace.
		c.Limiter = rate.NewLimiter(rate.Limit(c.Throughput), 1)
	}
	return c, nil
}

// Limiter paces submits: Wait returns once one submit_sm may go, or with
// ctx's error. *rate.Limiter is one.
type Limiter interface {
	Wait(ctx context.Context) error
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}
