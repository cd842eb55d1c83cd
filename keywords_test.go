package hookline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"hookline"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	s := hookline.DefaultComplianceSettings()
	tests := []struct {
		text string
		want hookline.KeywordAction
	}{
		{"STOP", hookline.KeywordOptOut},
		{"  stop. ", hookline.KeywordOptOut},
		{"Stop!!", hookline.KeywordOptOut},
		{"\"unsubscribe\"", hookline.KeywordOptOut},
		{"StopAll", hookline.KeywordOptOut},
		{"cancel", hookline.KeywordOptOut},
		{"END", hookline.KeywordOptOut},
		{"quit?", hookline.KeywordOptOut},
		{"revoke", hookline.KeywordOptOut},
		{"optout", hookline.KeywordOptOut},
		{"start", hookline.KeywordOptIn},
		{"Unstop", hookline.KeywordOptIn},
		{"help", hookline.KeywordHelp},
		{" INFO ", hookline.KeywordHelp},
		{"please stop texting me", hookline.KeywordNone},
		{"stopping", hookline.KeywordNone},
		{"", hookline.KeywordNone},
		{"!!!", hookline.KeywordNone},
	}
	for _, tt := range tests {
		if got := s.Classify(tt.text); got != tt.want {
			t.Errorf("Classify(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestComplianceSettingsValidate(t *testing.T) {
	t.Parallel()
	s := hookline.DefaultComplianceSettings()
	s.OptOutKeywords = append(s.OptOutKeywords, " arret ", "stop")
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.OptOutKeywords, ","); !strings.HasSuffix(got, "OPTOUT,ARRET") {
		t.Fatalf("normalized keywords = %s", got)
	}
	if s.Classify("arrêt") != hookline.KeywordNone || s.Classify("Arret.") != hookline.KeywordOptOut {
		t.Fatal("custom keyword not matched")
	}
	bad := []func(*hookline.ComplianceSettings){
		func(s *hookline.ComplianceSettings) { s.OptOutKeywords = nil },
		func(s *hookline.ComplianceSettings) { s.HelpKeywords = append(s.HelpKeywords, "stop") },
		func(s *hookline.ComplianceSettings) { s.OptInKeywords = []string{"two words"} },
		func(s *hookline.ComplianceSettings) { s.HelpReply = " " },
	}
	for i, f := range bad {
		s := hookline.DefaultComplianceSettings()
		f(&s)
		if err := s.Validate(); hookline.ErrorCode(err) != hookline.EInvalid {
			t.Errorf("case %d: Validate = %v, want invalid_request", i, err)
		}
	}
}

func TestTriggerSettingsJSON(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{`{}`: true, ``: true, `{"send_window":null}`: false, `{"send_window":{"start":"09:00","end":"17:00"}}`: true} {
		s, err := hookline.ParseTriggerSettings(raw)
		if err != nil || (s.SendWindow != nil) != want {
			t.Errorf("ParseTriggerSettings(%q) = %+v, %v; want window %v", raw, s, err, want)
		}
	}
	tr := hookline.Trigger{Name: "x", TriggerSettings: hookline.TriggerSettings{FrequencyCap: &hookline.FrequencyCap{Max: 2, Period: "7d"}}}
	b, _ := json.Marshal(tr)
	if !strings.Contains(string(b), `"send_window":null`) || !strings.Contains(string(b), `"frequency_cap":{"max":2,"period":"7d"}`) {
		t.Fatalf("trigger JSON = %s", b)
	}
	var upd hookline.TriggerUpdate
	if err := json.Unmarshal([]byte(`{"send_window":null}`), &upd); err != nil || !upd.SendWindow.Set || upd.SendWindow.Window != nil || upd.FrequencyCap.Set {
		t.Fatalf("PATCH send_window null = %+v, %v", upd, err)
	}
	if d := tr.FrequencyCap.Duration(); d.Hours() != 168 {
		t.Fatalf("7d = %s", d)
	}
}
