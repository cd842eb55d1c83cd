package smpp

import (
	"fmt"
	"strings"
	"testing"

	"hookline"
	"hookline/carrier/smpp/smpptest"
)

// TestWireFormat checks, from the SMSC's own record, the octets of what
// the client submits: data_coding, esm_class, UDH, registered_delivery and
// short_message; the text is decoded by node-smpp.
func TestWireFormat(t *testing.T) {
	peer := smpptest.Start(t)
	tc := MustStartClient(t, peer, nil)
	long := strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10)
	longUCS2 := strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 10)
	tests := []struct {
		to, body string
		dc, esm  int
		sm       []string // hex of each segment's short_message without UDH
	}{
		{"+15005550401", "Hi {x}", 0, 0, []string{"4869201b28781b29"}},
		{"+15005550402", "Ж😀", 8, 0, []string{"0416d83dde00"}},
		{"+15005550403", long, 0, 0x40, []string{strings.Repeat("61", 152), "1b65" + strings.Repeat("62", 10)}},
		{"+15005550404", longUCS2, 8, 0x40, []string{strings.Repeat("0436", 66), "d83dde00" + strings.Repeat("0436", 10)}},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			if _, err := tc.SendSMS(testCtx(t), &hookline.OutboundSMS{MessageID: tt.to, To: tt.to, Body: tt.body}); err != nil {
				t.Fatal(err)
			}
			recs := peer.SubmitsTo(tt.to)
			if len(recs) != len(tt.sm) {
				t.Fatalf("%d submits, want %d", len(recs), len(tt.sm))
			}
			ref := ""
			for i, r := range recs {
				if r.DC != tt.dc || r.ESM != tt.esm || r.RD != 1 || r.SM != tt.sm[i] {
					t.Errorf("part %d: dc %d esm %#x rd %d sm %s; want dc %d esm %#x rd 1 sm %s", i, r.DC, r.ESM, r.RD, r.SM, tt.dc, tt.esm, tt.sm[i])
				}
				if len(tt.sm) == 1 {
					if r.UDH != "" {
						t.Errorf("single segment has UDH %s", r.UDH)
					}
					continue
				}
				if i == 0 && len(r.UDH) == 12 {
					ref = r.UDH[6:8]
				}
				if want := fmt.Sprintf("050003%s%02x%02x", ref, len(tt.sm), i+1); r.UDH != want {
					t.Errorf("part %d UDH %s, want %s", i, r.UDH, want)
				}
			}
			if got := peer.Received(tt.to); len(got) != 1 || got[0] != tt.body {
				t.Errorf("SMSC decoded %q, want %q", got, tt.body)
			}
		})
	}
}
