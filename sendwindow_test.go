package hookline_test

import (
	"testing"
	"time"

	"hookline"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestNextSendTime covers windows across zones, DST changes, numbers with
// several zones and windows past midnight, all with fixed instants.
func TestNextSendTime(t *testing.T) {
	t.Parallel()
	ny, la, boise, tokyo := zone(t, "America/New_York"), zone(t, "America/Los_Angeles"), zone(t, "America/Boise"), zone(t, "Asia/Tokyo")
	day := hookline.DefaultSendWindow()
	night := &hookline.SendWindow{Start: "22:00", End: "06:00"}
	tests := []struct {
		name   string
		window *hookline.SendWindow
		zones  []*time.Location
		now    time.Time
		want   time.Time
	}{
		{"inside", day, []*time.Location{ny}, time.Date(2030, 1, 15, 12, 0, 0, 0, ny), time.Date(2030, 1, 15, 12, 0, 0, 0, ny)},
		{"at the start", day, []*time.Location{ny}, time.Date(2030, 1, 15, 8, 0, 0, 0, ny), time.Date(2030, 1, 15, 8, 0, 0, 0, ny)},
		{"before the start", day, []*time.Location{ny}, time.Date(2030, 1, 15, 3, 10, 0, 0, ny), time.Date(2030, 1, 15, 8, 0, 0, 0, ny)},
		{"at the end is outside", day, []*time.Location{ny}, time.Date(2030, 1, 15, 21, 0, 0, 0, ny), time.Date(2030, 1, 16, 8, 0, 0, 0, ny)},
		{"after the end", day, []*time.Location{ny}, time.Date(2030, 1, 15, 23, 59, 0, 0, ny), time.Date(2030, 1, 16, 8, 0, 0, 0, ny)},
		{"same instant, other zone", day, []*time.Location{la}, time.Date(2030, 1, 15, 8, 30, 0, 0, ny), time.Date(2030, 1, 15, 8, 0, 0, 0, la)},
		// 2030-03-10 02:00 EST jumps to 03:00 EDT: 08:00 is 12:00 UTC, not 13:00.
		{"spring forward", day, []*time.Location{ny}, time.Date(2030, 3, 10, 1, 0, 0, 0, ny), time.Date(2030, 3, 10, 12, 0, 0, 0, time.UTC)},
		{"spring forward, the night before", day, []*time.Location{ny}, time.Date(2030, 3, 9, 22, 0, 0, 0, ny), time.Date(2030, 3, 10, 12, 0, 0, 0, time.UTC)},
		// 2030-11-03 02:00 EDT falls back to 01:00 EST: 08:00 is 13:00 UTC.
		{"fall back", day, []*time.Location{ny}, time.Date(2030, 11, 3, 0, 30, 0, 0, ny), time.Date(2030, 11, 3, 13, 0, 0, 0, time.UTC)},
		{"fall back, night window ends an hour later in UTC", night, []*time.Location{ny}, time.Date(2030, 11, 3, 7, 0, 0, 0, ny), time.Date(2030, 11, 3, 22, 0, 0, 0, ny)},
		// +1775 maps to Los Angeles and Boise: the window must hold in both.
		{"two zones, opens in the later one", day, []*time.Location{la, boise}, time.Date(2030, 7, 15, 8, 30, 0, 0, boise), time.Date(2030, 7, 15, 8, 0, 0, 0, la)},
		{"two zones, closed in the earlier one", day, []*time.Location{la, boise}, time.Date(2030, 7, 15, 20, 30, 0, 0, la), time.Date(2030, 7, 16, 8, 0, 0, 0, la)},
		{"two zones, open in both", day, []*time.Location{la, boise}, time.Date(2030, 7, 15, 19, 59, 0, 0, la), time.Date(2030, 7, 15, 19, 59, 0, 0, la)},
		{"past midnight, inside", night, []*time.Location{ny}, time.Date(2030, 1, 15, 2, 0, 0, 0, ny), time.Date(2030, 1, 15, 2, 0, 0, 0, ny)},
		{"past midnight, before", night, []*time.Location{ny}, time.Date(2030, 1, 15, 12, 0, 0, 0, ny), time.Date(2030, 1, 15, 22, 0, 0, 0, ny)},
		// Tokyo and UTC never share 09:00–10:00: the first hour that holds
		// in one of them is used rather than holding forever.
		{"never in all zones", &hookline.SendWindow{Start: "09:00", End: "10:00"}, []*time.Location{time.UTC, tokyo}, time.Date(2030, 1, 15, 5, 0, 0, 0, time.UTC), time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.window.NextSendTime(tt.now, tt.zones); !got.Equal(tt.want) {
				t.Fatalf("NextSendTime(%s) = %s, want %s", tt.now, got.UTC(), tt.want.UTC())
			}
		})
	}
}

// TestPhoneZones checks numbers with one zone, several zones, and a number
// libphonenumber places only by country (all of the North American plan,
// Guam to American Samoa), where the window is narrow but exists.
func TestPhoneZones(t *testing.T) {
	t.Parallel()
	day := hookline.DefaultSendWindow()
	tests := []struct {
		phone string
		now   time.Time
		want  time.Time
		zones int
	}{
		{"+12125551234", time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2030, 1, 15, 13, 0, 0, 0, time.UTC), 1},
		{"+17755382277", time.Date(2030, 7, 15, 14, 30, 0, 0, time.UTC), time.Date(2030, 7, 15, 15, 0, 0, 0, time.UTC), 2},
		{"+447911123456", time.Date(2030, 7, 15, 6, 0, 0, 0, time.UTC), time.Date(2030, 7, 15, 7, 0, 0, 0, time.UTC), 3},
		// In July the window holds in every NANP zone from 22:00 (08:00 in
		// Guam) to 23:30 UTC (21:00 in St John's).
		{"+15005550201", time.Date(2030, 7, 15, 12, 0, 0, 0, time.UTC), time.Date(2030, 7, 15, 22, 0, 0, 0, time.UTC), 42},
		{"+15005550201", time.Date(2030, 7, 15, 22, 30, 0, 0, time.UTC), time.Date(2030, 7, 15, 22, 30, 0, 0, time.UTC), 42},
		{"+15005550201", time.Date(2030, 7, 15, 23, 30, 0, 0, time.UTC), time.Date(2030, 7, 16, 22, 0, 0, 0, time.UTC), 42},
	}
	for _, tt := range tests {
		zones := hookline.PhoneZones(tt.phone)
		if len(zones) < tt.zones {
			t.Errorf("PhoneZones(%s) = %d zones, want %d", tt.phone, len(zones), tt.zones)
		}
		if got := day.NextSendTime(tt.now, zones); !got.Equal(tt.want) {
			t.Errorf("%s at %s: NextSendTime = %s, want %s", tt.phone, tt.now, got.UTC(), tt.want)
		}
	}
}

func TestSendWindowValidate(t *testing.T) {
	t.Parallel()
	for _, w := range []hookline.SendWindow{{"8:00", "21:00"}, {"08:00", "24:00"}, {"08:00", "08:00"}, {"", ""}, {"08:60", "09:00"}} {
		if err := w.Validate(); hookline.ErrorCode(err) != hookline.EInvalid {
			t.Errorf("Validate(%+v) = %v, want invalid_request", w, err)
		}
	}
	if err := (&hookline.SendWindow{Start: "22:00", End: "06:00"}).Validate(); err != nil {
		t.Errorf("past-midnight window: %v", err)
	}
}

// TestParseSendWindow checks the command-line form of a send window.
func TestParseSendWindow(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want *hookline.SendWindow
		err  bool
	}{
		{"08:00-21:00", &hookline.SendWindow{Start: "08:00", End: "21:00"}, false},
		{" 22:00 - 06:30 ", &hookline.SendWindow{Start: "22:00", End: "06:30"}, false},
		{"off", nil, false},
		{"OFF", nil, false},
		{"", nil, false},
		{"08:00", nil, true},
		{"8-21", nil, true},
		{"09:00-09:00", nil, true},
		{"25:00-26:00", nil, true},
	} {
		got, err := hookline.ParseSendWindow(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseSendWindow(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if tt.err {
			if hookline.ErrorCode(err) != hookline.EInvalid {
				t.Errorf("ParseSendWindow(%q) code = %q, want %q", tt.in, hookline.ErrorCode(err), hookline.EInvalid)
			}
			continue
		}
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("ParseSendWindow(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
