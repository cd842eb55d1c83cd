package hookline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // quiet hours must not depend on the host's zoneinfo

	"github.com/nyaruka/phonenumbers"
)

// SendWindow is the daily window, in the recipient's local time, in which a
// trigger's messages may go (quiet hours are outside it). End at or before
// Start means the window runs past midnight.
type SendWindow struct {
	Start string `json:"start"` // "HH:MM"
	End   string `json:"end"`   // "HH:MM", exclusive
}

// DefaultSendWindow is the window of a new trigger: 08:00 to 21:00.
func DefaultSendWindow() *SendWindow { return &SendWindow{Start: "08:00", End: "21:00"} }

// Validate checks that both ends are HH:MM times and differ.
func (w *SendWindow) Validate() error {
	s, err1 := parseClock(w.Start)
	e, err2 := parseClock(w.End)
	if err1 != nil || err2 != nil {
		return Errorf(EInvalid, "send_window start and end are 24-hour times like \"08:00\" and \"21:00\".")
	} else if s == e {
		return Errorf(EInvalid, "send_window start and end must differ; use null to send at any time.")
	}
	return nil
}

// parseClock returns the minutes after midnight of "HH:MM".
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || hh > 23 || mm > 59 || hh < 0 || mm < 0 {
		return 0, fmt.Errorf("bad clock time %q", s)
	}
	return hh*60 + mm, nil
}

// SendWindowPatch is the send_window of a create or PATCH body. It tells an
// absent field (Set false: keep, or default on create) from an explicit null
// (Set true, Window nil: send at any time).
type SendWindowPatch struct {
	Set    bool
	Window *SendWindow
}

// UnmarshalJSON is only called when the field is present.
func (p *SendWindowPatch) UnmarshalJSON(b []byte) error {
	p.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		p.Window = nil
		return nil
	}
	p.Window = &SendWindow{}
	return json.Unmarshal(b, p.Window)
}

// MarshalJSON writes the window, or null when it is off. Use a pointer with
// omitempty to leave the field out.
func (p SendWindowPatch) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.Window)
}

// ParseSendWindow reads a window written as "08:00-21:00", or "off" (or "")
// for none: the command-line form of send_window.
func ParseSendWindow(s string) (*SendWindow, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") {
		return nil, nil
	}
	start, end, ok := strings.Cut(s, "-")
	w := &SendWindow{Start: strings.TrimSpace(start), End: strings.TrimSpace(end)}
	if !ok {
		return nil, Errorf(EInvalid, "A send window is written like \"08:00-21:00\", or \"off\" to send at any time.")
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, nil
}

// PhoneZones returns the time zones of an E.164 number from libphonenumber's
// data. A number it cannot place gets the zones of its country calling code;
// failing that, UTC.
func PhoneZones(e164 string) []*time.Location {
	var names []string
	if num, err := parseE164(e164); err == nil {
		names, _ = phonenumbers.GetTimezonesForNumber(num)
		if unknownZones(names) {
			names, _ = phonenumbers.GetTimezonesForPrefix(strconv.Itoa(int(num.GetCountryCode())))
		}
	}
	var out []*time.Location
	for _, n := range names {
		if loc := loadZone(n); loc != nil {
			out = append(out, loc)
		}
	}
	if len(out) == 0 {
		out = []*time.Location{time.UTC}
	}
	return out
}

// parseE164 reads a number already in E.164. North American numbers (+1
// and ten digits, no leading zeros) are built directly, which skips
// libphonenumber's general parser and its regular expressions on the
// webhook's and the delivery worker's paths; others go through the parser.
func parseE164(e164 string) (*phonenumbers.PhoneNumber, error) {
	if len(e164) == 12 && strings.HasPrefix(e164, "+1") {
		if n, err := strconv.ParseUint(e164[2:], 10, 64); err == nil && e164[2] != '0' {
			cc := int32(1)
			return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}, nil
		}
	}
	return phonenumbers.Parse(e164, "US")
}

func unknownZones(names []string) bool {
	return len(names) == 0 || (len(names) == 1 && names[0] == phonenumbers.UNKNOWN_TIMEZONE)
}

// zoneCache keeps loaded zones: time.LoadLocation parses tzdata every call.
var zoneCache sync.Map // name → *time.Location (nil when unknown)

func loadZone(name string) *time.Location {
	if v, ok := zoneCache.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	zoneCache.Store(name, loc)
	return loc
}

// sendHorizon bounds how far ahead NextSendTime looks for an opening.
const sendHorizon = 8 * 24 * time.Hour

// NextSendTime returns the first instant at or after now at which the window
// holds in every zone: now itself when it already does. Where the zones are
// spread so widely that the window never holds in all of them at once, it
// returns the first instant at which it holds in as many as it ever does, so
// a message is held, never dropped.
func (w *SendWindow) NextSendTime(now time.Time, zones []*time.Location) time.Time {
	start, err1 := parseClock(w.Start)
	end, err2 := parseClock(w.End)
	if err1 != nil || err2 != nil || start == end || len(zones) == 0 {
		return now
	}
	if openInAll(now, zones, start, end) {
		return now
	}
	// Every edge falls on a whole minute, so the answer is the same for any
	// instant of the minute: cache it, the sweep below is costly for numbers
	// with dozens of zones.
	key := cacheKey(w, now, zones)
	if at, ok := openings.get(key); ok {
		return at
	}
	at := nextOpening(now, zones, start, end)
	openings.put(key, at)
	return at
}

// nextOpening sweeps the window's edges in every zone over the horizon.
func nextOpening(now time.Time, zones []*time.Location, start, end int) time.Time {
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, loc := range zones {
		l := now.In(loc)
		for d := -1; d <= int(sendHorizon/(24*time.Hour)); d++ {
			from := time.Date(l.Year(), l.Month(), l.Day()+d, start/60, start%60, 0, 0, loc)
			endDay := l.Day() + d
			if end <= start {
				endDay++
			}
			to := time.Date(l.Year(), l.Month(), endDay, end/60, end%60, 0, 0, loc)
			if to.After(from) {
				edges = append(edges, edge{from, +1}, edge{to, -1})
			}
		}
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].at.Before(edges[j].at) })
	limit := now.Add(sendHorizon)
	best, bestAt, count := 0, now, 0
	for i := 0; i < len(edges); {
		at := edges[i].at
		for ; i < len(edges) && edges[i].at.Equal(at); i++ {
			count += edges[i].delta
		}
		if i == len(edges) || at.After(limit) {
			break
		}
		// The count holds from at until the next edge.
		if !edges[i].at.After(now) || count <= best {
			continue
		}
		best, bestAt = count, at
		if best == len(zones) {
			break
		}
	}
	if bestAt.Before(now) {
		return now
	}
	return bestAt
}

// openInAll reports whether t falls inside the window in every zone.
func openInAll(t time.Time, zones []*time.Location, start, end int) bool {
	for _, loc := range zones {
		l := t.In(loc)
		m := l.Hour()*60 + l.Minute()
		in := m >= start && m < end
		if end <= start {
			in = m >= start || m < end
		}
		if !in {
			return false
		}
	}
	return true
}

// openingCache remembers recent openings, keyed by window, zones and minute.
type openingCache struct {
	mu sync.Mutex
	m  map[string]time.Time
}

var openings = &openingCache{}

func (c *openingCache) get(k string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.m[k]
	return at, ok
}

func (c *openingCache) put(k string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 4096 {
		c.m = map[string]time.Time{}
	}
	c.m[k] = at
}

func cacheKey(w *SendWindow, now time.Time, zones []*time.Location) string {
	var b strings.Builder
	b.WriteString(w.Start + "-" + w.End + "@" + strconv.FormatInt(now.Unix()/60, 10))
	for _, z := range zones {
		b.WriteByte(' ')
		b.WriteString(z.String())
	}
	return b.String()
}
