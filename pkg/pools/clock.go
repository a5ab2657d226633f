package pools

import "time"

// epoch anchors mono. time.Since on a time with a monotonic reading only
// reads the monotonic clock, which is cheaper than time.Now.
var epoch = time.Now()

// mono is nanoseconds on the monotonic clock since process start.
func mono() int64 { return int64(time.Since(epoch)) }
