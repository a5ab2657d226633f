package cache

import (
	"testing"
	"time"
)

// The coarse clock is trusted only far from a deadline; near it the
// precise clock decides, so a stale coarse time cannot return an expired
// entry.
func TestCoarseClockNearDeadline(t *testing.T) {
	var k clock
	k.init(nil)
	now := k.precise()
	stale := now - int64(500*time.Millisecond) // the ticker fell behind
	k.coarse.Store(stale)
	if got := k.now(); got != stale {
		t.Fatalf("now() = %d, want the coarse time %d", got, stale)
	}
	tests := []struct {
		name     string
		expireAt int64
		want     bool
	}{
		{"far in the future: coarse time is enough", now + int64(time.Hour), false},
		{"passed 100 ms ago, though the coarse time says 400 ms left", now - int64(100*time.Millisecond), true},
		{"passed long ago", now - int64(time.Hour), true},
	}
	for _, tt := range tests {
		if got := k.expired(tt.expireAt, k.now()); got != tt.want {
			t.Errorf("%s: expired = %v, want %v", tt.name, got, tt.want)
		}
	}
	k.coarse.Store(0) // no ticker (after Close): the precise clock is used
	if got := k.now(); got < now {
		t.Fatalf("now() = %d after the ticker stopped, before %d", got, now)
	}
}

func TestDeadlineSaturates(t *testing.T) {
	if got := deadline(1<<62, 1<<62); got != 1<<63-1 {
		t.Fatalf("deadline overflowed to %d", got)
	}
	if got := deadline(10, 5); got != 15 {
		t.Fatalf("deadline(10, 5) = %d", got)
	}
}

func TestRoundUpSize(t *testing.T) {
	for _, tt := range []struct{ in, want int64 }{
		{0, 0}, {1, 8}, {8, 8}, {9, 16}, {33, 48}, {1000, 1024}, {32768, 32768}, {32769, 40960},
	} {
		if got := roundUpSize(tt.in); got != tt.want {
			t.Errorf("roundUpSize(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
	if got := allocSize(5); got != 8 {
		t.Errorf("allocSize(5) = %d, want 8 (tiny allocator)", got)
	}
}
