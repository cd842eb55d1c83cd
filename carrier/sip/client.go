package sip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"hookline"
)

var _ hookline.VoicemailSender = (*Client)(nil)

// Client drops voicemails over SIP. One Client holds one user agent and one
// listening SIP socket shared by all its calls; each call has its own RTP
// socket. It is safe for concurrent use.
type Client struct {
	cfg      Config
	host     string // advertised in Contact, Via and SDP
	bindIP   string // RTP sockets bind here
	ua       *sipgo.UserAgent
	server   *sipgo.Server
	client   *sipgo.Client
	dialogs  *sipgo.DialogClientCache
	listener io.Closer
	slots    chan struct{}
	stray    strayCalls
	// bg bounds background work (hanging up late answers); Close ends it.
	bg     context.Context
	stopBG context.CancelFunc
}

// New starts a Client: it binds Config.ListenAddr for SIP (so the far end
// can send BYE) and is ready to call. Close releases it.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	bindIP, _, _ := net.SplitHostPort(cfg.ListenAddr)
	host, err := advertisedHost(cfg, bindIP)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, host: host, bindIP: bindIP, slots: make(chan struct{}, cfg.MaxConcurrentCalls)}
	c.bg, c.stopBG = context.WithCancel(context.Background())
	if err := c.start(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// start creates the user agent, binds the SIP socket, serves in-dialog
// requests from the far end and makes the dialog client.
func (c *Client) start() error {
	var err error
	c.ua, err = sipgo.NewUA(sipgo.WithUserAgent("hookline"), sipgo.WithUserAgentHostname(c.host),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerUnhandledResponseHandler(c.onStrayAnswer)))
	if err != nil {
		return fmt.Errorf("sip: user agent: %w", err)
	}
	c.server, err = sipgo.NewServer(c.ua, sipgo.WithServerLogger(c.cfg.Logger))
	if err != nil {
		return fmt.Errorf("sip: server: %w", err)
	}
	c.server.OnBye(c.onBye)
	c.server.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	port, err := c.listen()
	if err != nil {
		return err
	}
	opts := []sipgo.ClientOption{
		sipgo.WithClientLogger(c.cfg.Logger),
		sipgo.WithClientHostname(c.host),
		sipgo.WithClientPort(port),
	}
	if c.cfg.Transport == "udp" {
		// Send from the listening socket, so answers and in-dialog
		// requests come back to the address in Via and Contact.
		opts = append(opts, sipgo.WithClientConnectionAddr(c.listener.(net.PacketConn).LocalAddr().String()))
	}
	client, err := sipgo.NewClient(c.ua, opts...)
	if err != nil {
		return fmt.Errorf("sip: client: %w", err)
	}
	c.client = client
	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "hookline", Host: c.host, Port: port}}
	if c.cfg.Transport == "tcp" {
		contact.Address.UriParams = sip.NewParams()
		contact.Address.UriParams.Add("transport", "tcp")
	}
	c.dialogs = sipgo.NewDialogClientCache(client, contact)
	return nil
}

// listen binds the SIP socket and serves it; it returns the bound port.
func (c *Client) listen() (int, error) {
	switch c.cfg.Transport {
	case "tcp":
		ln, err := net.Listen(tcpNetwork(c.bindIP), c.cfg.ListenAddr)
		if err != nil {
			return 0, fmt.Errorf("sip: listen: %w", err)
		}
		c.listener = ln
		go c.server.ServeTCP(ln)
		return ln.Addr().(*net.TCPAddr).Port, nil
	default:
		conn, err := net.ListenPacket(udpNetwork(c.bindIP), c.cfg.ListenAddr)
		if err != nil {
			return 0, fmt.Errorf("sip: listen: %w", err)
		}
		c.listener = conn
		go c.server.ServeUDP(conn)
		return conn.LocalAddr().(*net.UDPAddr).Port, c.waitServing(conn.LocalAddr().String())
	}
}

// waitServing waits until the transport layer holds the UDP listener, so
// that the first INVITE goes out from it rather than failing to bind the
// same address (ServeUDP registers it in its own goroutine).
func (c *Client) waitServing(addr string) error {
	for range 500 {
		if _, err := c.ua.TransportLayer().GetConnection("udp", addr); err == nil {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("sip: udp listener %s not serving", addr)
}

// onBye answers a BYE of the far end: its dialog ends (which stops the
// call's audio) and the BYE gets a 200; a BYE of no known call gets 481.
func (c *Client) onBye(req *sip.Request, tx sip.ServerTransaction) {
	if err := c.dialogs.ReadBye(req, tx); err != nil {
		res := sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil)
		if err := tx.Respond(res); err != nil {
			c.cfg.Logger.Debug("sip: answer stray BYE", "error", err)
		}
	}
}

// Name implements hookline.VoicemailSender.
func (c *Client) Name() string { return "sip" }

// Addr returns the local SIP address (host:port as bound).
func (c *Client) Addr() net.Addr {
	switch l := c.listener.(type) {
	case net.Listener:
		return l.Addr()
	case net.PacketConn:
		return l.LocalAddr()
	}
	return nil
}

// Close stops listening and closes the user agent. Calls in progress fail;
// close the Client after its callers are done.
func (c *Client) Close() error {
	c.stopBG()
	c.stray.wg.Wait()
	var errs []error
	if c.listener != nil {
		errs = append(errs, c.listener.Close())
	}
	if c.server != nil {
		errs = append(errs, c.server.Close())
	}
	if c.ua != nil {
		errs = append(errs, c.ua.Close())
	}
	return errors.Join(errs...)
}

// SendVoicemail implements hookline.VoicemailSender: it calls v.To and
// deposits v's audio. It waits for a free call slot (MaxConcurrentCalls)
// while ctx allows, and returns once the call has ended.
func (c *Client) SendVoicemail(ctx context.Context, v *hookline.OutboundVoicemail) (*hookline.SendResult, error) {
	if v.Audio == nil {
		return nil, errors.New("sip: voicemail has no audio")
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("sip: wait for a call slot: %w", ctx.Err())
	}
	defer func() { <-c.slots }()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sip: %w", err)
	}
	return c.deposit(ctx, v)
}

// advertisedHost is the address the far end reaches us at: ExternalHost,
// else the bound IP, else the local IP of the route to the URI's host.
func advertisedHost(cfg Config, bindIP string) (string, error) {
	if cfg.ExternalHost != "" {
		return cfg.ExternalHost, nil
	}
	if ip := net.ParseIP(bindIP); ip != nil && !ip.IsUnspecified() {
		return bindIP, nil
	}
	uri, err := cfg.requestURI("+15005550000")
	if err != nil {
		return "", err
	}
	port := uri.Port
	if port == 0 {
		port = 5060
	}
	conn, err := net.Dial("udp", net.JoinHostPort(uri.Host, strconv.Itoa(port)))
	if err != nil {
		return "", fmt.Errorf("sip: find local address towards %s (set ExternalHost): %w", uri.Host, err)
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

func udpNetwork(ip string) string {
	if p := net.ParseIP(ip); p != nil && p.To4() != nil {
		return "udp4"
	}
	return "udp"
}

func tcpNetwork(ip string) string {
	return strings.Replace(udpNetwork(ip), "udp", "tcp", 1)
}
