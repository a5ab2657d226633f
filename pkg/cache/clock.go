package cache

import (
	"sync/atomic"
	"time"
)

// Reading the wall clock costs about 25 ns here, more than the rest of a
// Get, so the default clock is coarse: a goroutine stores the time every
// coarseTick and reads load it. A read trusts the coarse time only while
// the entry is more than expiryMargin from its deadline; closer than that
// it reads the precise clock. An expired entry is therefore never returned
// unless the ticking goroutine falls behind by more than expiryMargin.
// Entries may expire up to coarseTick early, never late.
const (
	coarseTick   = time.Millisecond
	expiryMargin = int64(time.Second)
)

type clock struct {
	fake      func() time.Time
	coarse    atomic.Int64 // Unix ns; 0 when no goroutine ticks it
	epochWall int64
	epochMono time.Time
}

func (k *clock) init(fake func() time.Time) {
	k.fake = fake
	k.epochMono = time.Now()
	k.epochWall = k.epochMono.UnixNano()
}

// now is the cheap time in Unix nanoseconds.
func (k *clock) now() int64 {
	if k.fake != nil {
		return k.fake().UnixNano()
	}
	if v := k.coarse.Load(); v != 0 {
		return v
	}
	return k.precise()
}

// precise is the exact time in Unix nanoseconds (monotonic underneath).
func (k *clock) precise() int64 {
	if k.fake != nil {
		return k.fake().UnixNano()
	}
	return k.epochWall + int64(time.Since(k.epochMono))
}

// expired reports whether n's deadline has passed; now is from k.now().
func (k *clock) expired(expireAt, now int64) bool {
	if expireAt-now > expiryMargin {
		return false
	}
	if k.fake == nil {
		now = k.precise()
	}
	return now >= expireAt
}

// tickLoop keeps the coarse time until stop is closed.
func (k *clock) tickLoop(stop <-chan struct{}) {
	t := time.NewTicker(coarseTick)
	defer t.Stop()
	k.coarse.Store(k.precise())
	for {
		select {
		case <-stop:
			k.coarse.Store(0)
			return
		case <-t.C:
			k.coarse.Store(k.precise())
		}
	}
}

// deadline is now+ttl, saturating instead of overflowing.
func deadline(now int64, ttl time.Duration) int64 {
	if d := now + int64(ttl); d >= now {
		return d
	}
	return 1<<63 - 1
}
