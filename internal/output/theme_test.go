package output

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestThemeColorOff(t *testing.T) {
	th := Theme{}
	for tone := Plain; tone <= Success; tone++ {
		if got := th.Paint(tone, "text"); got != "text" {
			t.Errorf("Paint(%d) = %q, want the text untouched", tone, got)
		}
	}
	if got := th.Heading("Pools"); got != "Pools" {
		t.Errorf("Heading = %q", got)
	}
	if got := th.Spans(Spans{{Text: "a", Tone: Bad}, {Text: "b", Code: true}}); got != "ab" {
		t.Errorf("Spans = %q", got)
	}
	box := th.Box("line")
	if strings.Contains(box, "\x1b") || !strings.Contains(box, "╭") || !strings.Contains(box, "│ line │") {
		t.Errorf("Box without colour = %q, want plain box characters", box)
	}
	// A whole document without colour has no escape at all.
	out := renderText(t, sampleDoc(), Options{})
	if strings.Contains(out, "\x1b") {
		t.Errorf("plain text output has an escape:\n%q", out)
	}
}

func TestThemeColorOn(t *testing.T) {
	th := Theme{Color: true}
	tests := []struct {
		tone Tone
		sgr  string // a parameter the escape must carry
	}{
		{Strong, "1"}, {Faint, "2"}, {Good, "32"}, {Warn, "33"}, {Bad, "31"}, {Info, "36"},
		{Alarm, "31"}, {Notice, "33"}, {Success, "32"},
	}
	for _, tt := range tests {
		got := th.Paint(tt.tone, "x")
		if ansi.Strip(got) != "x" || !strings.Contains(got, "\x1b[") {
			t.Errorf("Paint(%d) = %q, want x in an escape", tt.tone, got)
			continue
		}
		params := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(got, "x", 2)[0], "\x1b["), "m"), ";")
		found := false
		for _, p := range params {
			found = found || p == tt.sgr
		}
		if !found {
			t.Errorf("Paint(%d) = %q, want SGR %s", tt.tone, got, tt.sgr)
		}
	}
	if got := th.Paint(Plain, "x"); got != "x" {
		t.Errorf("Plain is painted: %q", got)
	}
	if got := th.Paint(Bad, ""); got != "" {
		t.Errorf("empty text is painted: %q", got)
	}
	if got := th.Spans(Code("DB_POOL_MAX_SIZE=4")); got != th.Paint(Strong, "DB_POOL_MAX_SIZE=4") {
		t.Errorf("code spans are bold: %q", got)
	}
}

func TestWordTones(t *testing.T) {
	tests := []struct {
		name string
		got  Tone
		want Tone
	}{
		{"critical", SeverityTone("critical"), Alarm}, {"warning", SeverityTone("warning"), Warn},
		{"info", SeverityTone("info"), Info}, {"other severity", SeverityTone("x"), Plain},
		{"healthy", HealthTone("healthy"), Success}, {"degraded", HealthTone("degraded"), Notice},
		{"critical health", HealthTone("critical"), Alarm}, {"other health", HealthTone(""), Strong},
		{"excellent", RatingTone("excellent"), Good}, {"good", RatingTone("good"), Good},
		{"fair", RatingTone("fair"), Warn}, {"poor", RatingTone("poor"), Bad}, {"other rating", RatingTone("n/a"), Plain},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: tone %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	if s := Severity("warning"); s.Plain() != "warning" || s[0].Tone != Warn {
		t.Errorf("Severity = %+v", s)
	}
	if r := Rating("poor"); r.Plain() != "poor" || r[0].Tone != Bad {
		t.Errorf("Rating = %+v", r)
	}
}
