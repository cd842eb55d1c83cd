package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"hookline"
)

// TestSegmentsJSAgreesWithGo runs static/segments.js in Node on the same
// strings as hookline.Segments: the live counter must promise what the
// server will send.
func TestSegmentsJSAgreesWithGo(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
			t.Fatal("node is required")
		}
		t.Skip("node not installed")
	}
	inputs := []string{
		"",
		"Hi {first|there}, your table is ready.",
		strings.Repeat("a", 160),
		strings.Repeat("a", 161),
		strings.Repeat("a", 306),
		strings.Repeat("a", 307),
		strings.Repeat("[", 80),
		strings.Repeat("a", 152) + "€" + "b",
		"Ça coûte 5€ ~ {price}",
		strings.Repeat("é", 70),
		strings.Repeat("ê", 70),
		strings.Repeat("ê", 71),
		"Party 🎉 tonight",
		strings.Repeat("🎉", 35),
		strings.Repeat("🎉", 36),
		strings.Repeat("x", 66) + "🎉" + "y",
		"line one\nline two\r\n",
		"Привет, мир",
	}
	in, _ := json.Marshal(inputs)
	script := `const seg = require("./static/segments.js");
const inputs = JSON.parse(process.argv[1]);
console.log(JSON.stringify(inputs.map(seg)));`
	out, err := exec.Command("node", "-e", script, string(in)).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got []struct {
		Chars    int    `json:"chars"`
		Encoding string `json:"encoding"`
		Segments int    `json:"segments"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	for i, s := range inputs {
		enc, segs := hookline.Segments(s)
		if got[i].Encoding != string(enc) || got[i].Segments != segs || got[i].Chars != utf8.RuneCountInString(s) {
			t.Errorf("%q: js %+v, go %s %d segments %d chars", s, got[i], enc, segs, utf8.RuneCountInString(s))
		}
	}
}
