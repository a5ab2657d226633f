package poolscmd

import (
	"time"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/report"
)

// sizingResult hands the sweep's runs to pkg/report, which builds the
// command's result (recommendations, settings) and presents it.
func sizingResult(runs []*recommendRun, started time.Time, partial, embedded bool) *report.Sizing {
	in := make([]report.SizingInput, 0, len(runs))
	for _, r := range runs {
		tg := report.Target{Name: r.t.Name, Kind: string(r.t.Kind), URL: r.t.Redacted(), Reachable: r.err == nil}
		if r.err != nil {
			tg.Error = redact.Text(r.err.Error())
		}
		if r.failed != nil {
			tg.Error = r.failed.Error() // failFastOf redacted it
		}
		in = append(in, report.SizingInput{Target: tg, ConfiguredMin: r.t.Pool.MinSize, ConfiguredMax: r.t.Pool.MaxSize,
			Notes: r.notes, Result: r.result})
	}
	s := report.BuildSizing(started, partial, in)
	s.Embedded = embedded
	return s
}
