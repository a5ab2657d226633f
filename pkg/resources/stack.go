package resources

import (
	"runtime"
	"strconv"
	"strings"
)

// captureStack records up to depth program counters, starting skip frames
// above its caller. Symbolising them is left to report time (formatStack).
func captureStack(skip, depth int) []uintptr {
	pcs := make([]uintptr, depth)
	n := runtime.Callers(skip+2, pcs) // +2: runtime.Callers and captureStack
	return pcs[:n:n]
}

// formatStack turns program counters into the familiar panic-trace layout:
// one "function\n\tfile:line" pair per frame.
func formatStack(pcs []uintptr) string {
	if len(pcs) == 0 {
		return ""
	}
	var b strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" || f.File != "" {
			b.WriteString(f.Function)
			b.WriteString("\n\t")
			b.WriteString(f.File)
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(f.Line))
			b.WriteByte('\n')
		}
		if !more {
			break
		}
	}
	return b.String()
}
