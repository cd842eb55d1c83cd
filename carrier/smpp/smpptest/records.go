package smpptest

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Submit is one submit_sm as smsc.js recorded it. UDH and SM are the hex
// octets of the user data header and of the short_message after it; Text
// is decoded by node-smpp, not by the smpp package under test.
type Submit struct {
	ID   string `json:"id"`
	Dst  string `json:"dst"`
	Src  string `json:"src"`
	DC   int    `json:"dc"`
	ESM  int    `json:"esm"`
	RD   int    `json:"rd"`
	UDH  string `json:"udh"`
	SM   string `json:"sm"`
	Text string `json:"text"`
}

// Submits reads every submit_sm recorded so far, across restarts.
func (s *SMSC) Submits() []Submit {
	s.t.Helper()
	b, err := os.ReadFile(s.record)
	if err != nil && !os.IsNotExist(err) {
		s.t.Fatal(err)
	}
	var out []Submit
	for _, line := range strings.Split(string(b), "\n") {
		var r Submit
		if json.Unmarshal([]byte(line), &r) == nil && r.Dst != "" {
			out = append(out, r)
		}
	}
	return out
}

// SubmitsTo returns the submits to phone (E.164).
func (s *SMSC) SubmitsTo(phone string) []Submit {
	s.t.Helper()
	dst := strings.TrimPrefix(phone, "+")
	var out []Submit
	for _, r := range s.Submits() {
		if r.Dst == dst {
			out = append(out, r)
		}
	}
	return out
}

// Received reassembles the texts the SMSC got for phone (E.164): segments
// with a concatenation UDH are joined in sequence order once all have
// come; a segment repeated within an open message (a resubmission) counts
// once.
func (s *SMSC) Received(phone string) []string {
	s.t.Helper()
	type group struct{ parts map[int]string }
	open := map[string]*group{}
	var out []string
	for _, r := range s.SubmitsTo(phone) {
		ref, total, seq, ok := parseConcatUDH(r.UDH)
		if !ok {
			out = append(out, r.Text)
			continue
		}
		key := fmt.Sprintf("%d/%d", ref, total)
		g := open[key]
		if g == nil {
			g = &group{parts: map[int]string{}}
			open[key] = g
		}
		g.parts[seq] = r.Text
		if len(g.parts) == total {
			seqs := make([]int, 0, total)
			for k := range g.parts {
				seqs = append(seqs, k)
			}
			sort.Ints(seqs)
			var sb strings.Builder
			for _, k := range seqs {
				sb.WriteString(g.parts[k])
			}
			out = append(out, sb.String())
			delete(open, key)
		}
	}
	return out
}

// parseConcatUDH reads the 8-bit-reference concatenation header
// "050003<ref><total><seq>" that the smpp client writes.
func parseConcatUDH(h string) (ref, total, seq int, ok bool) {
	if len(h) != 12 || !strings.HasPrefix(h, "050003") {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(h[6:], 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return int(v >> 16), int(v >> 8 & 0xFF), int(v & 0xFF), true
}
