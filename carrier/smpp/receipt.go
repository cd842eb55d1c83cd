package smpp

import (
	"strconv"
	"strings"

	"github.com/linxGnu/gosmpp/pdu"

	"hookline"
)

// esm_class bits of deliver_sm (SMPP 3.4 §5.2.12): the message type field
// says whether it is a delivery receipt or a mobile-originated text.
const (
	esmTypeMask         = 0x3C
	esmSMSCReceipt      = 0x04
	esmIntermediateNote = 0x20
	esmUDHI             = 0x40
)

// TLV tags read from receipts.
const (
	tagReceiptedMessageID pdu.Tag = 0x001E
	tagMessageState       pdu.Tag = 0x0427
	tagMessagePayload     pdu.Tag = 0x0424
)

// receipt is a parsed delivery receipt.
type receipt struct {
	id     string // as the SMSC wrote it
	stat   string // DELIVRD, UNDELIV, ...
	status hookline.MessageStatus
	code   string // ErrorCode for a failed status, e.g. "smpp_err:000"
}

// final reports whether the receipt ends the message's life.
func (r receipt) final() bool { return r.status.Final() }

func isReceipt(d *pdu.DeliverSM) bool {
	t := d.EsmClass & esmTypeMask
	return t == esmSMSCReceipt || t == esmIntermediateNote
}

// parseReceipt reads a receipt's id, stat and err from its TLVs and from the
// text format of SMPP 3.4 Appendix B ("id:… sub:… dlvrd:… submit date:…
// done date:… stat:… err:… text:…"). The receipted_message_id TLV wins over
// the text id; the stat text wins over the message_state TLV.
func parseReceipt(d *pdu.DeliverSM) receipt {
	var r receipt
	raw, _ := d.Message.GetMessageData()
	if len(raw) == 0 {
		raw = d.OptionalParameters[tagMessagePayload].Data
	}
	text := string(raw)
	r.id = receiptField(text, "id")
	if f, ok := d.OptionalParameters[tagReceiptedMessageID]; ok && len(f.Data) > 0 {
		r.id = f.String()
	}
	r.stat = strings.ToUpper(receiptField(text, "stat"))
	if f, ok := d.OptionalParameters[tagMessageState]; r.stat == "" && ok && len(f.Data) == 1 {
		r.stat = messageStates[f.Data[0]]
	}
	r.status = statStatus(r.stat)
	if r.status != hookline.StatusDelivered && r.status.Final() {
		if e := receiptField(text, "err"); e != "" {
			r.code = "smpp_err:" + e
		} else {
			r.code = "smpp_stat:" + r.stat
		}
	}
	return r
}

// messageStates names the values of the message_state TLV as stat texts.
var messageStates = map[byte]string{
	1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED",
	5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD",
}

// statStatus maps a receipt stat to a message status; non-final states
// (ENROUTE, ACCEPTD, unknown words) map to StatusSent.
func statStatus(stat string) hookline.MessageStatus {
	switch stat {
	case "DELIVRD", "DELIVERED":
		return hookline.StatusDelivered
	case "UNDELIV", "EXPIRED", "DELETED":
		return hookline.StatusUndelivered
	case "REJECTD", "UNKNOWN":
		return hookline.StatusFailed
	}
	return hookline.StatusSent
}

// receiptField returns the value after "key:" at the start of text or
// after a space, up to the next space; case-insensitive.
func receiptField(text, key string) string {
	lower := strings.ToLower(text)
	key += ":"
	for i := 0; ; {
		j := strings.Index(lower[i:], key)
		if j < 0 {
			return ""
		}
		j += i
		if j == 0 || lower[j-1] == ' ' {
			v := text[j+len(key):]
			if k := strings.IndexByte(v, ' '); k >= 0 {
				v = v[:k]
			}
			return v
		}
		i = j + len(key)
	}
}

// canonicalID is the form message ids are matched in: lower case without
// leading zeros, since SMSCs pad receipt ids.
func canonicalID(id string) string {
	id = strings.ToLower(strings.TrimLeft(id, "0"))
	if id == "" {
		return "0"
	}
	return id
}

// idCandidates lists the canonical forms a receipt id may match: itself,
// and when hexIDs says the SMSC's message ids are hexadecimal, the hex
// form of an all-digit id (SMSCs often print the receipt id in decimal);
// otherwise the decimal form of a hex id.
func idCandidates(id string, hexIDs bool) []string {
	c := []string{canonicalID(id)}
	if hexIDs {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			c = append(c, strconv.FormatUint(n, 16))
		}
	} else if n, err := strconv.ParseUint(id, 16, 64); err == nil && hasHexLetter(id) {
		c = append(c, strconv.FormatUint(n, 10))
	}
	return c
}

func hasHexLetter(s string) bool {
	return strings.ContainsAny(s, "abcdefABCDEF")
}

// convertID rewrites an unmatched receipt id in the configured base.
func convertID(id, base string) string {
	switch base {
	case "hex":
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			return strings.ToUpper(strconv.FormatUint(n, 16))
		}
	case "dec":
		if n, err := strconv.ParseUint(id, 16, 64); err == nil {
			return strconv.FormatUint(n, 10)
		}
	}
	return id
}
