package leakscmd_test

import "time"

// waitABit paces polling loops; no assertion depends on it.
func waitABit() { time.Sleep(200 * time.Millisecond) }
