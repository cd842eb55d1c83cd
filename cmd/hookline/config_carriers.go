package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"hookline/carrier/sip"
)

// CarrierConfig is the settings of the real carriers. Only the section of
// the carrier chosen by --sms-carrier or --rvm-carrier is read.
type CarrierConfig struct {
	SMPP   SMPPConfig
	Twilio TwilioConfig
	SIP    SIPConfig
}

// SMPPConfig is the --smpp-* settings of the SMPP carrier.
type SMPPConfig struct {
	Addr       string
	SystemID   string
	Password   string
	SystemType string
	SourceAddr string
	// SourceTON and SourceNPI are "" unless given: the client then picks
	// them from the sender's form.
	SourceTON  string
	SourceNPI  string
	BindMode   string
	Window     int
	Throughput float64
}

// TwilioConfig is the --twilio-* settings of the Twilio carrier.
type TwilioConfig struct {
	AccountSID          string
	AuthToken           string
	From                string
	MessagingServiceSID string
	APIURL              string
}

// SIPConfig is the --sip-* settings of the SIP voicemail carrier.
type SIPConfig struct {
	URI          string
	Transport    string
	From         string
	Headers      []string // "Name: value" or "Name=value"
	Username     string
	Password     string
	MaxCalls     int
	SetupTimeout time.Duration
	Listen       string
	ExternalHost string
	RTPPorts     string // "10000-20000"
}

func defaultCarrierConfig() CarrierConfig {
	return CarrierConfig{
		SMPP: SMPPConfig{BindMode: "transceiver", Window: 10},
		SIP: SIPConfig{
			Transport:    sip.DefaultTransport,
			MaxCalls:     sip.DefaultMaxConcurrentCalls,
			SetupTimeout: sip.DefaultSetupTimeout,
			Listen:       sip.DefaultListenAddr,
		},
	}
}

// addCarrierFlags adds the flags of the real carriers to hookline serve.
func addCarrierFlags(fs *pflag.FlagSet, c *CarrierConfig) {
	s := &c.SMPP
	fs.StringVar(&s.Addr, "smpp-addr", s.Addr, "smpp: SMSC host:port")
	fs.StringVar(&s.SystemID, "smpp-system-id", s.SystemID, "smpp: system_id of the bind")
	fs.StringVar(&s.Password, "smpp-password", s.Password, "smpp: bind password (or HOOKLINE_SMPP_PASSWORD_FILE)")
	fs.StringVar(&s.SystemType, "smpp-system-type", s.SystemType, "smpp: system_type of the bind")
	fs.StringVar(&s.SourceAddr, "smpp-source-addr", s.SourceAddr, "smpp: sender when a trigger names none")
	fs.StringVar(&s.SourceTON, "smpp-source-ton", s.SourceTON, "smpp: source_addr_ton (0-255; default picked from the sender)")
	fs.StringVar(&s.SourceNPI, "smpp-source-npi", s.SourceNPI, "smpp: source_addr_npi (0-255; default picked from the sender)")
	fs.StringVar(&s.BindMode, "smpp-bind-mode", s.BindMode, "smpp: transceiver or transmitter-receiver")
	fs.IntVar(&s.Window, "smpp-window", s.Window, "smpp: submit_sm awaiting their response at once")
	fs.Float64Var(&s.Throughput, "smpp-throughput", s.Throughput, "smpp: most submit_sm per second (0 is unlimited)")

	tw := &c.Twilio
	fs.StringVar(&tw.AccountSID, "twilio-account-sid", tw.AccountSID, "twilio: account SID (AC...)")
	fs.StringVar(&tw.AuthToken, "twilio-auth-token", tw.AuthToken, "twilio: auth token (or HOOKLINE_TWILIO_AUTH_TOKEN_FILE)")
	fs.StringVar(&tw.From, "twilio-from", tw.From, "twilio: sender number (E.164) of texts and caller id of voicemail calls")
	fs.StringVar(&tw.MessagingServiceSID, "twilio-messaging-service-sid", tw.MessagingServiceSID, "twilio: send texts through this Messaging Service (MG...)")
	fs.StringVar(&tw.APIURL, "twilio-api-url", tw.APIURL, "twilio: REST API origin (default https://api.twilio.com)")

	sp := &c.SIP
	fs.StringVar(&sp.URI, "sip-uri", sp.URI, "sip: request-URI template, like sip:{phone}@vm.example.net")
	fs.StringVar(&sp.Transport, "sip-transport", sp.Transport, "sip: udp or tcp")
	fs.StringVar(&sp.From, "sip-from", sp.From, "sip: caller id when a trigger names none")
	fs.StringSliceVar(&sp.Headers, "sip-headers", sp.Headers, "sip: extra INVITE headers, like X-Deposit:1 (comma-separated)")
	fs.StringVar(&sp.Username, "sip-username", sp.Username, "sip: digest auth user")
	fs.StringVar(&sp.Password, "sip-password", sp.Password, "sip: digest auth password (or HOOKLINE_SIP_PASSWORD_FILE)")
	fs.IntVar(&sp.MaxCalls, "sip-max-calls", sp.MaxCalls, "sip: calls in progress at once")
	fs.DurationVar(&sp.SetupTimeout, "sip-setup-timeout", sp.SetupTimeout, "sip: longest wait from INVITE to answer")
	fs.StringVar(&sp.Listen, "sip-listen", sp.Listen, "sip: local host:port of SIP (RTP binds the same IP)")
	fs.StringVar(&sp.ExternalHost, "sip-external-host", sp.ExternalHost, "sip: address put in Contact, Via and SDP (default the listen or routed IP)")
	fs.StringVar(&sp.RTPPorts, "sip-rtp-ports", sp.RTPPorts, "sip: local RTP port range, like 10000-20000 (default any)")
}

// sourceByte parses an optional --smpp-source-ton/npi value.
func sourceByte(flag, v string) (*byte, error) {
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 8)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: want a number from 0 to 255", flag, v)
	}
	b := byte(n)
	return &b, nil
}

// headers parses --sip-headers into a map.
func (c SIPConfig) headers() (map[string]string, error) {
	if len(c.Headers) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(c.Headers))
	for _, h := range c.Headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			name, value, ok = strings.Cut(h, "=")
		}
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("--sip-headers %q: want Name:value", h)
		}
		out[name] = strings.TrimSpace(value)
	}
	return out, nil
}

// rtpPorts parses --sip-rtp-ports; "" is any port.
func (c SIPConfig) rtpPorts() (lo, hi int, err error) {
	if c.RTPPorts == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(c.RTPPorts, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || lo <= 0 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("--sip-rtp-ports %q: want a range like 10000-20000", c.RTPPorts)
	}
	return lo, hi, nil
}
