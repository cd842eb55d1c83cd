package smpp

import (
	"testing"
	"time"

	"github.com/linxGnu/gosmpp/pdu"

	"hookline"
)

func receiptPDU(text string, tlvID string) *pdu.DeliverSM {
	d := pdu.NewDeliverSM().(*pdu.DeliverSM)
	d.EsmClass = esmSMSCReceipt
	d.Message, _ = pdu.NewBinaryShortMessage([]byte(text))
	if tlvID != "" {
		d.RegisterOptionalParam(pdu.Field{Tag: tagReceiptedMessageID, Data: append([]byte(tlvID), 0)})
	}
	return d
}

func TestParseReceipt(t *testing.T) {
	tests := []struct {
		text, tlv string
		want      receipt
	}{
		{"id:0A1B sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:hi", "",
			receipt{id: "0A1B", stat: "DELIVRD", status: hookline.StatusDelivered}},
		{"id:123 sub:001 dlvrd:000 submit date:2501011200 done date:2501011201 stat:UNDELIV err:034 text:", "7B",
			receipt{id: "7B", stat: "UNDELIV", status: hookline.StatusUndelivered, code: "smpp_err:034"}},
		{"id:9 stat:EXPIRED err:0", "", receipt{id: "9", stat: "EXPIRED", status: hookline.StatusUndelivered, code: "smpp_err:0"}},
		{"ID:9 STAT:REJECTD", "", receipt{id: "9", stat: "REJECTD", status: hookline.StatusFailed, code: "smpp_stat:REJECTD"}},
		{"id:9 stat:UNKNOWN err:1", "", receipt{id: "9", stat: "UNKNOWN", status: hookline.StatusFailed, code: "smpp_err:1"}},
		{"id:9 stat:ENROUTE", "", receipt{id: "9", stat: "ENROUTE", status: hookline.StatusSent}},
	}
	for _, tt := range tests {
		if got := parseReceipt(receiptPDU(tt.text, tt.tlv)); got != tt.want {
			t.Errorf("parseReceipt(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestIDCandidates(t *testing.T) {
	if got := idCandidates("0000255", true); len(got) != 2 || got[0] != "255" || got[1] != "ff" {
		t.Errorf("hex SMSC, decimal receipt id: %q", got)
	}
	if got := idCandidates("FF", false); len(got) != 2 || got[1] != "255" {
		t.Errorf("decimal SMSC, hex receipt id: %q", got)
	}
	if got := convertID("255", "hex"); got != "FF" {
		t.Errorf("convertID = %q", got)
	}
}

// TestTrackerMultiPart: one report per message, delivered only when every
// part is, failed at the first failing part, duplicates ignored.
func TestTrackerMultiPart(t *testing.T) {
	now := time.Now()
	k := newTracker("", time.Hour)
	m := k.begin("m", 3, now)
	for i, id := range []string{"A1", "A2", "A3"} {
		k.bind(m, i, id)
	}
	ok := receipt{status: hookline.StatusDelivered}
	for _, id := range []string{"A1", "A1", "A3"} {
		ok.id = id
		if rep, _ := k.receive(ok, now, nil); rep != nil {
			t.Fatalf("report after part %s: %+v", id, rep)
		}
	}
	ok.id = "a2"
	rep, _ := k.receive(ok, now, nil)
	if rep == nil || rep.MessageID != "m" || rep.CarrierID != "A1" || rep.Status != hookline.StatusDelivered {
		t.Fatalf("final report %+v", rep)
	}
	if rep, _ := k.receive(ok, now, nil); rep != nil {
		t.Fatalf("duplicate reported: %+v", rep)
	}

	f := k.begin("f", 2, now)
	k.bind(f, 0, "B1")
	k.bind(f, 1, "B2")
	rep, _ = k.receive(receipt{id: "B2", status: hookline.StatusUndelivered, code: "smpp_err:1"}, now, nil)
	if rep == nil || rep.Status != hookline.StatusUndelivered || rep.CarrierID != "B1" {
		t.Fatalf("failure report %+v", rep)
	}
	if rep, _ := k.receive(receipt{id: "B1", status: hookline.StatusDelivered}, now, nil); rep != nil {
		t.Fatalf("delivered after failure: %+v", rep)
	}
}

// TestTrackerHold: a receipt that overtakes its response is held while a
// submit is in flight and handed over by bind.
func TestTrackerHold(t *testing.T) {
	now := time.Now()
	k := newTracker("", time.Hour)
	m := k.begin("m", 1, now)
	k.inflight.Add(1)
	r := receipt{id: "C1", status: hookline.StatusDelivered}
	if rep, held := k.receive(r, now, func(bool) {}); rep != nil || !held {
		t.Fatalf("receipt not held: %+v %v", rep, held)
	}
	h := k.bind(m, 0, "C1")
	if h == nil {
		t.Fatal("bind did not return the held receipt")
	}
	if rep := k.apply(m, 0, h.r, now); rep == nil || rep.MessageID != "m" {
		t.Fatalf("held receipt report %+v", rep)
	}
	// An orphan is released once nothing is in flight.
	k.receive(receipt{id: "D1", status: hookline.StatusDelivered}, now, func(bool) {})
	k.inflight.Add(-1)
	if out := k.sweep(now, time.Hour); len(out) != 1 || out[0].r.id != "D1" {
		t.Fatalf("sweep released %d receipts", len(out))
	}
}
