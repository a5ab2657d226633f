package pools

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestResetStats: after ResetStats every counter, histogram, peak and the
// utilization restart from now, while the gauges (total, idle, active) and
// a checkout in progress carry over; what follows is counted afresh.
func TestResetStats(t *testing.T) {
	p := newTestPool(t, newMem(), testOptions())
	checkouts(t, p, 10)
	for range 3 {
		p.RecordOperation(nil)
	}
	p.RecordOperation(errors.New("boom"))
	held, err := p.Acquire(context.Background()) // in progress across the reset
	if err != nil {
		t.Fatal(err)
	}
	before := p.Snapshot()
	if before.AcquireCount != 11 || before.Operations != 3 || before.Errors.Operation != 1 || before.Created < 1 {
		t.Fatalf("before the reset: %+v", before)
	}

	p.ResetStats()
	s := p.Snapshot()
	tests := []struct {
		name string
		got  uint64
	}{
		{"acquires", s.AcquireCount}, {"operations", s.Operations}, {"errors", s.Errors.Total()},
		{"created", s.Created}, {"exhaustions", s.Exhaustions}, {"timeouts", s.Timeouts},
		{"cancellations", s.Cancellations}, {"closed", s.Closed.Idle + s.Closed.Error + s.Closed.Shutdown},
		{"waits recorded", s.AcquireWaitCount},
	}
	for _, tt := range tests {
		if tt.got != 0 {
			t.Errorf("%s = %d after ResetStats, want 0", tt.name, tt.got)
		}
	}
	if s.Total != before.Total || s.Active != 1 || s.Idle != before.Idle {
		t.Errorf("gauges total %d active %d idle %d, want %d 1 %d: the pool's state stays", s.Total, s.Active, s.Idle, before.Total, before.Idle)
	}
	if metricsEnabled && (s.PeakUtilization != 1.0/4 || s.HoldMs.Max != 0) {
		t.Errorf("peak utilization %v hold max %v: want the one checkout in progress and no hold yet", s.PeakUtilization, s.HoldMs.Max)
	}

	time.Sleep(20 * time.Millisecond)
	held.Release()
	checkouts(t, p, 2)
	p.RecordOperation(nil)
	after := p.Snapshot()
	if after.AcquireCount != 2 || after.Operations != 1 || after.Errors.Total() != 0 {
		t.Errorf("after the reset: acquires %d operations %d errors %d, want 2 1 0", after.AcquireCount, after.Operations, after.Errors.Total())
	}
	if metricsEnabled && (after.Utilization <= 0 || after.Utilization > 1 || after.HoldMs.Max <= 0) {
		t.Errorf("utilization %v hold max %v: want the held checkout's time since the reset", after.Utilization, after.HoldMs.Max)
	}
}
