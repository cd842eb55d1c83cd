package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"hookline"
	"hookline/carrier/sharedrate"
	"hookline/carrier/simulator"
	"hookline/carrier/sip"
	"hookline/carrier/smpp"
	"hookline/carrier/twilio"
	"hookline/compliance"
	"hookline/sqlstore"
)

// carrierSet is what the node sends through, chosen by --sms-carrier and
// --rvm-carrier, and what must be closed once the delivery jobs stop.
type carrierSet struct {
	SMS       hookline.SMSSender
	Voicemail hookline.VoicemailSender
	// Handler serves carriers' callbacks below /carrier/ (Twilio's status
	// and inbound webhooks); nil when no carrier calls back over HTTP.
	Handler http.Handler
	closers []func() error
	twilio  *twilio.Client // shared when Twilio sends both kinds
}

// startCarriers builds the carriers the config names. The simulator is the
// default; m.Sim is set only when it is in use, since its control API must
// not exist next to a real carrier.
func (m *Main) startCarriers(ctx context.Context) error {
	m.Inbound = &compliance.Inbound{Store: m.DB, OptOuts: m.DB, Settings: m.DB, Messages: m.DB, Region: m.Config.DefaultRegion, Logger: m.Logger}
	// The carriers live until Close, after River has stopped: a SIGTERM
	// that ends ctx must not cut the link of jobs still finishing.
	ctx = context.WithoutCancel(ctx)
	cs := &m.carriers
	var err error
	switch m.Config.SMSCarrier {
	case "simulator":
		cs.SMS, err = m.simulator(ctx)
	case "smpp":
		cs.SMS, err = m.smppCarrier(ctx)
	case "twilio":
		cs.SMS, err = m.twilioCarrier()
	default:
		err = fmt.Errorf("--sms-carrier %q: want simulator, smpp or twilio", m.Config.SMSCarrier)
	}
	if err != nil {
		return err
	}
	switch m.Config.RVMCarrier {
	case "simulator":
		cs.Voicemail, err = m.simulator(ctx)
	case "sip":
		cs.Voicemail, err = m.sipCarrier()
	case "twilio":
		cs.Voicemail, err = m.twilioCarrier()
	default:
		err = fmt.Errorf("--rvm-carrier %q: want simulator, sip or twilio", m.Config.RVMCarrier)
	}
	return err
}

// simulator returns the built-in carrier, started once for both kinds.
func (m *Main) simulator(ctx context.Context) (*simulator.Carrier, error) {
	if m.Sim != nil {
		return m.Sim, nil
	}
	sim := simulator.New(simulator.Config{Store: m.DB, Reporter: m.DB, ReceiptDelay: m.Config.SimReceiptDelay, SweepEvery: sweepEvery(m.Config.SimSweepEvery), SweepAfter: m.Config.SimSweepAfter, FailPhones: m.Config.SimFailPhones, Logger: m.Logger})
	if err := sim.Start(ctx); err != nil {
		return nil, err
	}
	m.Sim = sim
	m.carriers.closers = append(m.carriers.closers, func() error { sim.Close(); return nil })
	return sim, nil
}

// smppCarrier connects to the SMSC of --smpp-addr. Receipts go to the
// store (in batches: it is a BatchStatusReporter) and texts phones send
// back to the compliance handler (STOP, HELP, ...).
func (m *Main) smppCarrier(ctx context.Context) (*smpp.Client, error) {
	s := m.Config.Carriers.SMPP
	ton, err := sourceByte("smpp-source-ton", s.SourceTON)
	if err != nil {
		return nil, err
	}
	npi, err := sourceByte("smpp-source-npi", s.SourceNPI)
	if err != nil {
		return nil, err
	}
	if s.Addr == "" {
		return nil, errors.New("--sms-carrier smpp needs --smpp-addr host:port")
	}
	// On PostgreSQL several nodes may bind to the same SMSC account, so the
	// throughput limit is a token bucket in the database that all of them
	// share; on SQLite there is one node and its in-process limiter.
	var limiter smpp.Limiter
	if s.Throughput > 0 && m.DB.Dialect() == sqlstore.Postgres {
		limiter = sharedrate.New(m.DB, "smpp/"+s.SystemID+"@"+s.Addr, s.Throughput)
	}
	c, err := smpp.New(smpp.Config{
		Addr: s.Addr, SystemID: s.SystemID, Password: s.Password, SystemType: s.SystemType,
		SourceAddr: s.SourceAddr, SourceTON: ton, SourceNPI: npi,
		BindMode: s.BindMode, Window: s.Window, Throughput: s.Throughput, Limiter: limiter,
		Reporter: m.DB, Inbound: m.Inbound,
		Logger: m.Logger.With("carrier", "smpp"),
	})
	if err != nil {
		return nil, err
	}
	c.Start(ctx)
	m.carriers.closers = append(m.carriers.closers, c.Close)
	return c, nil
}

// twilioCarrier builds the Twilio client, once for both kinds, and mounts
// its callback handler at /carrier/twilio/. Twilio must reach Hookline, so
// --base-url is required.
func (m *Main) twilioCarrier() (*twilio.Client, error) {
	if m.carriers.twilio != nil {
		return m.carriers.twilio, nil
	}
	tw := m.Config.Carriers.Twilio
	if m.Config.BaseURL == "" {
		return nil, errors.New("twilio carrier: --base-url must be set to the public URL at which Twilio reaches Hookline")
	}
	c, err := twilio.New(twilio.Config{
		AccountSID: tw.AccountSID, AuthToken: tw.AuthToken,
		From: tw.From, MessagingServiceSID: tw.MessagingServiceSID,
		APIURL: tw.APIURL, PublicURL: m.Config.BaseURL,
		Reporter: m.DB, Inbound: m.Inbound,
		Logger: m.Logger.With("carrier", "twilio"),
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(twilio.DefaultCallbackPath+"/", c.Handler())
	m.carriers.Handler, m.carriers.twilio = mux, c
	return c, nil
}

// sipCarrier binds the SIP user agent that deposits voicemails at
// --sip-uri.
func (m *Main) sipCarrier() (*sip.Client, error) {
	s := m.Config.Carriers.SIP
	headers, err := s.headers()
	if err != nil {
		return nil, err
	}
	lo, hi, err := s.rtpPorts()
	if err != nil {
		return nil, err
	}
	if s.URI == "" {
		return nil, errors.New("--rvm-carrier sip needs --sip-uri, like sip:{phone}@vm.example.net")
	}
	c, err := sip.New(sip.Config{
		URI: s.URI, Transport: s.Transport, From: s.From, Headers: headers,
		Username: s.Username, Password: s.Password,
		MaxConcurrentCalls: s.MaxCalls, SetupTimeout: s.SetupTimeout,
		ListenAddr: s.Listen, ExternalHost: s.ExternalHost,
		RTPPortMin: lo, RTPPortMax: hi,
		Logger: m.Logger.With("carrier", "sip"),
	})
	if err != nil {
		return nil, err
	}
	m.carriers.closers = append(m.carriers.closers, c.Close)
	return c, nil
}

// closeCarriers releases every carrier, in reverse order of opening.
func (m *Main) closeCarriers() error {
	var errs []error
	cl := m.carriers.closers
	for i := len(cl) - 1; i >= 0; i-- {
		errs = append(errs, cl[i]())
	}
	m.carriers.closers = nil
	return errors.Join(errs...)
}

// sweepEvery maps the flag's 0 (off) to the simulator's negative: its zero
// means the default.
func sweepEvery(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}
