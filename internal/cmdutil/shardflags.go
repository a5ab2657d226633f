package cmdutil

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/resync-dev/resync/pkg/shard"
)

// MaxStartAhead bounds --start-at: a start further ahead is a typo (a date
// or time zone off), not a plan.
const MaxStartAhead = 24 * time.Hour

// ShardValue is the --shard I/N flag.
type ShardValue struct{ S *shard.Segment }

func (v *ShardValue) String() string {
	if v.S == nil || v.S.Count == 0 {
		return ""
	}
	return v.S.String()
}
func (v *ShardValue) Type() string { return "I/N" }

// Set parses I/N.
func (v *ShardValue) Set(s string) error {
	seg, err := shard.Parse(s)
	if err != nil {
		return err
	}
	*v.S = seg
	return nil
}

// TimeValue is an RFC 3339 time flag (--start-at).
type TimeValue struct{ T *time.Time }

func (v *TimeValue) String() string {
	if v.T == nil || v.T.IsZero() {
		return ""
	}
	return v.T.Format(time.RFC3339)
}
func (v *TimeValue) Type() string { return "RFC3339" }

// Set parses an RFC 3339 time such as 2026-12-04T20:00:00Z.
func (v *TimeValue) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("%q is not an RFC 3339 time: use for example 2026-12-04T20:00:00Z", s)
	}
	*v.T = t
	return nil
}

// Work is the load one shard drives: its part of the unsharded run's
// workers, rate and requests, and where its workers start in the
// unsharded run's numbering (workload.Options.WorkerOffset).
type Work struct {
	Concurrency  int
	Rate         float64
	Requests     uint64
	WorkerOffset int
}

// ShardWork is this shard's part of w (the whole run's): --shard I/N
// splits workers, rate and requests as shard.Segment.Part does, so the N
// shards add up exactly to the unsharded run. A part of zero is a usage
// error naming the flag: every shard must do some work.
func (w *WorkloadFlags) ShardWork(total Work) (Work, error) {
	s := w.Shard
	if !s.Sharded() {
		return total, nil
	}
	out := Work{
		Concurrency:  int(s.Part(uint64(total.Concurrency))),
		Rate:         s.Rate(total.Rate),
		Requests:     s.Part(total.Requests),
		WorkerOffset: int(s.Offset(uint64(total.Concurrency))),
	}
	switch {
	case out.Concurrency < 1:
		return Work{}, Usagef("--shard %s: --concurrency %d gives this shard no worker; use --concurrency %d or more, or fewer shards",
			s, total.Concurrency, s.Count)
	case total.Rate > 0 && out.Rate <= 0:
		return Work{}, Usagef("--shard %s: --rate %g gives this shard no arrivals (rates split in steps of %g/s); raise --rate or use fewer shards",
			s, total.Rate, shard.RateStep)
	case total.Requests > 0 && out.Requests == 0:
		return Work{}, Usagef("--shard %s: --requests %d gives this shard none; use --requests %d or more, or fewer shards",
			s, total.Requests, s.Count)
	}
	return out, nil
}

// checkShard validates --start-at and --result-out.
func (w *WorkloadFlags) checkShard(now time.Time) error {
	if !w.StartAt.IsZero() && w.StartAt.Sub(now) > MaxStartAhead {
		return Usagef("--start-at %s is %s ahead, more than %s: check the date and time zone (e.g. 2026-12-04T20:00:00Z)",
			w.StartAt.Format(time.RFC3339), w.StartAt.Sub(now).Round(time.Minute), MaxStartAhead)
	}
	if w.ResultOut != "" {
		dir := filepath.Dir(w.ResultOut)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return Usagef("--result-out %s: directory %s does not exist", w.ResultOut, dir)
		}
	}
	return nil
}

// WaitStart blocks until --start-at (at once when it is unset or past;
// a past one is reported on errOut unless quiet). It returns ctx's error
// when cancelled first.
func WaitStart(ctx context.Context, s *IOStreams, at time.Time, now time.Time) error {
	if at.IsZero() {
		return nil
	}
	d := at.Sub(now)
	if d <= 0 {
		if !s.Quiet {
			fmt.Fprintf(s.ErrOut, "warning: --start-at %s passed %s ago; starting now\n", at.Format(time.RFC3339), (-d).Round(time.Millisecond))
		}
		return nil
	}
	if !s.Quiet {
		fmt.Fprintf(s.ErrOut, "resync: waiting %s for --start-at %s\n", d.Round(time.Millisecond), at.Format(time.RFC3339))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WriteResult writes run's --result-out file at path (atomically) and says
// so on stderr unless quiet. Errors name the flag.
func WriteResult(io *IOStreams, path string, run shard.Run) error {
	f, err := shard.New(run)
	if err == nil {
		err = shard.Write(path, f)
	}
	if err != nil {
		return fmt.Errorf("--result-out: %w", err)
	}
	if !io.Quiet {
		fmt.Fprintf(io.ErrOut, "wrote %s (result of shard %s)\n", path, f.Shard)
	}
	return nil
}
