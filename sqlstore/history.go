package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"hookline"
)

// A message's status history is kept in its row (messages.history): one
// JSON object per line, {"s": status, "c": error code, "t": unix
// microseconds}, appended with history || entry by the statement that
// changes the status.

// historyEntry returns the line recording one status change.
func historyEntry(status hookline.MessageStatus, code string, at int64) string {
	b := make([]byte, 0, 48+len(code))
	b = append(b, `{"s":`...)
	b = appendJSONString(b, string(status))
	b = append(b, `,"c":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"t":`...)
	b = strconv.AppendInt(b, at, 10)
	b = append(b, "}\n"...)
	return string(b)
}

// appendJSONString appends s as a JSON string: directly when it is plain
// printable ASCII (statuses, error codes), through encoding/json otherwise.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// parseHistory returns the events a history records, numbered from 1 in
// the order they happened.
func parseHistory(messageID, h string) ([]hookline.MessageEvent, error) {
	var out []hookline.MessageEvent
	for line := range strings.SplitSeq(strings.TrimRight(h, "\n"), "\n") {
		if line == "" {
			continue
		}
		var e struct {
			S hookline.MessageStatus `json:"s"`
			C string                 `json:"c"`
			T int64                  `json:"t"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("message %s: history line %d: %w", messageID, len(out)+1, err)
		}
		out = append(out, hookline.MessageEvent{ID: int64(len(out) + 1), MessageID: messageID, Status: e.S, ErrorCode: e.C, OccurredAt: fromMicros(e.T)})
	}
	return out, nil
}
