package compliance_test

import (
	"context"
	"testing"
	"time"

	"hookline"
	"hookline/compliance"
)

// TestCarrierInbound checks texts that arrive without an account: a STOP to
// a number applies to the accounts that sent from it, or to every account
// that messaged the phone when none did; a stranger's text is only stored.
func TestCarrierInbound(t *testing.T) {
	t.Parallel()
	eachStore(t, testCarrierInbound)
}

func testCarrierInbound(t *testing.T, open opener) {
	ctx := context.Background()
	c := &clock{t: time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC)}
	db := open(t, c)
	a, b := mustAccount(t, db, "a"), mustAccount(t, db, "b")
	const phone, numberA = "+12125551234", "+15550001111"
	if _, err := submit(t, db, mustTrigger(t, db, a, hookline.TriggerSettings{}), phone, numberA); err != nil {
		t.Fatal(err)
	}
	if _, err := submit(t, db, mustTrigger(t, db, b, hookline.TriggerSettings{}), phone, "+15550002222"); err != nil {
		t.Fatal(err)
	}
	h := &compliance.Inbound{Store: db, OptOuts: db, Settings: db, Messages: db, Now: c.Now}
	optedOut := func(acc int64) bool {
		out, err := db.IsOptedOut(ctx, acc, phone)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	if err := h.HandleInbound(ctx, &hookline.InboundMessage{From: "(212) 555-1234", To: numberA, Text: "STOP", Carrier: "smpp"}); err != nil {
		t.Fatal(err)
	}
	if !optedOut(a) || optedOut(b) {
		t.Fatalf("STOP to A's number: a=%v b=%v, want only a", optedOut(a), optedOut(b))
	}
	replies, _, _ := db.FindMessages(ctx, hookline.MessageFilter{AccountID: a, TriggerID: hookline.KeywordReplyTrigger})
	if len(replies) != 1 || replies[0].From != numberA || replies[0].Phone != phone || replies[0].Body != hookline.DefaultComplianceSettings().OptOutReply {
		t.Fatalf("A's confirmation = %+v", replies)
	}

	if err := h.HandleInbound(ctx, &hookline.InboundMessage{From: phone, Text: "quit", Carrier: "smpp"}); err != nil {
		t.Fatal(err)
	}
	if !optedOut(b) {
		t.Fatal("STOP to an unknown number did not reach every account that messaged the phone")
	}

	if err := h.HandleInbound(ctx, &hookline.InboundMessage{From: "+12125550000", Text: "STOP", Carrier: "smpp"}); err != nil {
		t.Fatalf("stranger: %v", err)
	}
	in, _, err := db.FindInbound(ctx, hookline.InboundFilter{AccountID: a})
	if err != nil || len(in) != 2 || in[0].Keyword != hookline.KeywordOptOut || in[1].From != phone {
		t.Fatalf("A's inbound = %+v, %v", in, err)
	}

	// Custom keywords come from the account's settings.
	if _, err := db.UpdateComplianceSettings(ctx, a, hookline.ComplianceSettingsPatch{OptInKeywords: &[]string{"yes"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.HandleInbound(ctx, &hookline.InboundMessage{AccountID: a, From: phone, Text: "Yes!"}); err != nil {
		t.Fatal(err)
	}
	if optedOut(a) || !optedOut(b) {
		t.Fatalf("custom opt-in: a=%v b=%v, want a back in", optedOut(a), optedOut(b))
	}
}
