package output

import (
	"math"
	"testing"
	"time"
)

func TestFloatFormatters(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		f    func(float64) string
		in   float64
		want string
	}{
		{"Percent", Percent, 0.1234, "12.3%"},
		{"Percent", Percent, 0, "0.0%"},
		{"Percent", Percent, 1, "100.0%"},
		{"Percent", Percent, -0.25, "-25.0%"},
		{"Percent", Percent, -0.0001, "0.0%"}, // no "-0.0%"
		{"Percent", Percent, 12345.678, "1234567.8%"},
		{"Percent", Percent, nan, Dash},
		{"Percent", Percent, inf, Dash},
		{"Percent", Percent, -inf, Dash},
		{"Percent0", Percent0, 0.144, "14%"},
		{"Percent0", Percent0, 0.145, "14%"}, // 0.145*100 is 14.499…
		{"Percent0", Percent0, -0.004, "0%"},
		{"Percent0", Percent0, nan, Dash},
		{"Ms", Ms, 0, "0"},
		{"Ms", Ms, 0.412, "0.412"},
		{"Ms", Ms, 36.9, "36.90"},
		{"Ms", Ms, 143.2, "143"},
		{"Ms", Ms, -0.5, "-0.500"},
		{"Ms", Ms, -250, "-250"},
		{"Ms", Ms, 1e15, "1" + zeros(15)},
		{"Ms", Ms, nan, Dash},
		{"Ms", Ms, -inf, Dash},
		{"Ns", Ns, 85.4, "85 ns"},
		{"Ns", Ns, 1200, "1.2 µs"},
		{"Ns", Ns, 3.4e6, "3.4 ms"},
		{"Ns", Ns, 0, "0 ns"},
		{"Ns", Ns, -1500, "-1.5 µs"},
		{"Ns", Ns, nan, Dash},
		{"Ns", Ns, inf, Dash},
		{"Seconds", Seconds, 42.5, "42.5s"},
		{"Seconds", Seconds, 0, "0.0s"},
		{"Seconds", Seconds, -3, "-3.0s"},
		{"Seconds", Seconds, 3723, "1h2m3s"},
		{"Seconds", Seconds, 1e12, "277,777,778h"}, // past time.Duration's range
		{"Seconds", Seconds, nan, Dash},
		{"Seconds", Seconds, inf, Dash},
		{"DurationSeconds", DurationSeconds, 1.24, "1.2s"},
		{"DurationSeconds", DurationSeconds, 125.4, "2m5s"},
		{"DurationSeconds", DurationSeconds, -1, Dash},
		{"DurationSeconds", DurationSeconds, 1e12, "277,777,778h"},
		{"DurationSeconds", DurationSeconds, nan, Dash},
		{"DurationSeconds", DurationSeconds, inf, Dash},
		{"Score", Score, 82.34, "82.3"},
		{"Score", Score, 0, "0.0"},
		{"Score", Score, -0.01, "0.0"},
		{"Score", Score, nan, Dash},
		{"Rate", Rate, 5400, "5400.0"},
		{"Rate", Rate, inf, Dash},
		{"Count", Count, 1234.6, "1,235"},
		{"Count", Count, 0, "0"},
		{"Count", Count, -0.4, "0"},
		{"Count", Count, -1234567, "-1,234,567"},
		{"Count", Count, 1e21, "1,000,000,000,000,000,000,000"}, // past int64
		{"Count", Count, nan, Dash},
		{"Count", Count, -inf, Dash},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s(%v) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestThousands(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"},
		{-1, "-1"}, {-999, "-999"}, {-1000, "-1,000"}, {-123456, "-123,456"},
		{math.MaxInt64, "9,223,372,036,854,775,807"},
		{math.MinInt64, "-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		if got := Thousands(tt.in); got != tt.want {
			t.Errorf("Thousands(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"}, {512, "512 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{9 << 20, "9.0 MiB"}, {1 << 30, "1.0 GiB"}, {5 << 40, "5.0 TiB"}, {3 << 50, "3.0 PiB"},
		{math.MaxInt64, "8.0 EiB"}, {-2048, "-2.0 KiB"}, {-5, "-5 B"}, {math.MinInt64, "-8.0 EiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.in); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"}, {1250 * time.Millisecond, "1.3s"}, {9949 * time.Millisecond, "9.9s"},
		{10*time.Second + 400*time.Millisecond, "10s"}, {90 * time.Minute, "1h30m0s"},
		{-time.Second, Dash}, {-1, Dash},
	}
	for _, tt := range tests {
		if got := Duration(tt.in); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStringHelpers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"MsList", MsList(0.41, 36.9, 90.3), "0.410 / 36.90 / 90.30"},
		{"MsList empty", MsList(), ""},
		{"Uint", Uint(math.MaxUint64), "18446744073709551615"},
		{"Int", Int(-3), "-3"},
		{"OrDash empty", OrDash(""), Dash},
		{"OrDash", OrDash("x"), "x"},
		{"Truncate short", Truncate("abc", 3), "abc"},
		{"Truncate", Truncate("abcdef", 4), "abc…"},
		{"Truncate runes", Truncate("ééééé", 3), "éé…"},
		{"Truncate 1", Truncate("abc", 1), "…"},
		{"Truncate 0", Truncate("abc", 0), ""},
		{"Truncate negative", Truncate("abc", -2), ""},
		{"Truncate empty", Truncate("", 0), ""},
		{"OneLine", OneLine("SELECT *\n\t FROM  t\r\n"), "SELECT * FROM t"},
		{"Plural 0", Plural(0), "s"},
		{"Plural 1", Plural(1), ""},
		{"Plural 2", Plural(2), "s"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
