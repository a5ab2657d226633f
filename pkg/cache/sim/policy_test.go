package sim

import (
	"strings"
	"testing"
	"time"
)

// TestPolicies replays small traces worked by hand through each policy and
// checks the hit (h) or miss (m) of every request.
func TestPolicies(t *testing.T) {
	tests := []struct {
		name     string
		policy   string
		capacity int
		trace    []int32
		want     string
	}{
		// hand walks tail→head clearing bits; 1 survives two evictions.
		{"sieve keeps the visited", PolicySIEVE, 3, []int32{1, 2, 3, 1, 4, 2, 5, 1, 3}, "mmmhmmmhm"},
		{"sieve hand wraps", PolicySIEVE, 2, []int32{1, 2, 1, 3, 2, 1}, "mmhmmm"},
		{"sieve fits all", PolicySIEVE, 4, []int32{1, 2, 3, 1, 2, 3}, "mmmhhh"},
		// cap 2: S holds 1, M 1, G 1. 1 reaches freq 2 in S and moves to
		// M at freq 0; 2 comes back from G into M; M's second chance
		// (each hit one more round) evicts 1 and keeps 2, hit again.
		{"s3fifo small, main and ghost", PolicyS3FIFO, 2, []int32{1, 1, 1, 2, 3, 1, 2, 2, 4, 2, 5, 1, 2}, "mhhmmhmhmhmmh"},
		{"s3fifo one-hit wonders stay in S", PolicyS3FIFO, 2, []int32{1, 1, 1, 2, 3, 4, 5, 1}, "mhhmmmmh"},
		// cap 2: exercises cases I–IV, p up to 1 and back to 0.
		{"arc ghost hits", PolicyARC, 2, []int32{1, 2, 1, 3, 2, 1, 3, 1}, "mmhmmmmh"},
		{"arc scan does not flush T2", PolicyARC, 2, []int32{1, 1, 2, 3, 4, 5, 1}, "mhmmmmh"},
		// cap 4, Kin 1, Kout 2: A1in's tail goes to A1out while A1in holds
		// more than Kin; 1 and 2, back from A1out, go to Am; 1 hits there.
		{"2q a1out to am", Policy2Q, 4, []int32{1, 2, 3, 4, 5, 1, 6, 1, 2}, "mmmmmmmhm"},
		// cap 2, Kin 1, Kout 1: a hit in A1in moves nothing; once A1in holds
		// only Kin, Am's tail (1) is evicted for good, not to A1out.
		{"2q am evicts without a ghost", Policy2Q, 2, []int32{1, 2, 1, 3, 1, 3, 2, 1}, "mmhmmhmm"},
		// cap 3: 2 LIR slots, 1 resident HIR. 3 and 4 enter as HIR; 3 comes
		// back while its entry is still in S (non-resident), becomes LIR and
		// demotes 1 (the bottom LIR) to Q; 1 hits there; 2's hit at the bottom
		// prunes 4; 1, evicted again while in S, comes back as LIR; 3, now
		// in Q, hits.
		{"lirs irr promotes", PolicyLIRS, 3, []int32{1, 2, 3, 4, 3, 1, 2, 4, 1, 3}, "mmmmmhhmmh"},
		// cap 4: window 1, main 3. 1 is asked three times, so when the scan
		// 4, 5, 6, 7 meets a full main cache each newcomer (seen once) loses
		// to the victim; 1, promoted to protected on its hit, stays.
		{"wtinylfu admission keeps the frequent", PolicyWTinyLFU, 4, []int32{1, 1, 1, 2, 3, 4, 5, 1, 6, 7, 1}, "mhhmmmmhmmh"},
		{"lirs scan keeps the lir set", PolicyLIRS, 3, []int32{1, 1, 2, 2, 3, 4, 5, 6, 1, 2}, "mhmhmmmmhh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPolicy(tt.policy, 8, tt.capacity)
			var got strings.Builder
			for _, id := range tt.trace {
				if p.access(id) {
					got.WriteByte('h')
				} else {
					got.WriteByte('m')
				}
				if p.size() > tt.capacity {
					t.Fatalf("size %d above capacity %d", p.size(), tt.capacity)
				}
			}
			if got.String() != tt.want {
				t.Errorf("%s cap %d on %v:\n got %s\nwant %s", tt.policy, tt.capacity, tt.trace, got.String(), tt.want)
			}
			hits := PolicyHits(tt.policy, tt.trace, 8, tt.capacity)
			if want := int64(strings.Count(tt.want, "h")); hits != want {
				t.Errorf("PolicyHits = %d, want %d", hits, want)
			}
		})
	}
}

// TestARCState checks ARC's lists and p after the ghost-hit trace.
func TestARCState(t *testing.T) {
	a := newARC(8, 2)
	for _, id := range []int32{1, 2, 1, 3, 2, 1, 3, 1} {
		a.access(id)
	}
	if a.p != 1 || a.t1.n != 0 || a.t2.n != 2 || a.b1.n != 0 || a.b2.n != 1 || a.t2.head != 1 || a.b2.head != 2 {
		t.Errorf("p=%d |T1|=%d |T2|=%d (head %d) |B1|=%d |B2|=%d (head %d), want p=1 T2=[1 3] B2=[2]",
			a.p, a.t1.n, a.t2.n, a.t2.head, a.b1.n, a.b2.n, a.b2.head)
	}
}

func TestParsePolicies(t *testing.T) {
	got, err := ParsePolicies([]string{"opt", " ARC", "lru", "arc", "sieve"})
	if err != nil || strings.Join(got, ",") != "lru,sieve,arc,opt" {
		t.Errorf("ParsePolicies = %v, %v; want lru,sieve,arc,opt", got, err)
	}
	if _, err := ParsePolicies([]string{"lru", "lfu"}); err == nil || !strings.Contains(err.Error(), `"lfu"`) {
		t.Errorf("ParsePolicies(lfu) = %v, want an error naming lfu", err)
	}
}

// FuzzPolicies checks, for every policy on any trace and capacity: the
// cache never holds more than its capacity, hits never exceed Belady's
// optimum nor requests − distinct keys, and a cache as large as the key
// set misses each key once only.
func FuzzPolicies(f *testing.F) {
	f.Add([]byte{1, 2, 1, 3, 2, 1, 3, 1}, uint8(2))
	f.Add([]byte{1, 1, 1, 2, 3, 1, 2, 2, 4, 2, 5, 1, 2}, uint8(2))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2}, uint8(10))
	f.Fuzz(func(t *testing.T, raw []byte, c uint8) {
		if len(raw) == 0 {
			return
		}
		capacity := int(c%24) + 1
		keys := make([]uint64, len(raw))
		for i, b := range raw {
			keys[i] = uint64(b % 32)
		}
		ids, distinct := Densify(keys)
		opt := OptimalHits(ids, nextUses(t.Context(), ids, distinct), distinct, capacity, 0)
		for _, name := range extraPolicies(Policies) {
			p := newPolicy(name, distinct, capacity)
			var hits int64
			for _, id := range ids {
				if p.access(id) {
					hits++
				}
				if p.size() > capacity {
					t.Fatalf("%s: size %d above capacity %d", name, p.size(), capacity)
				}
			}
			misses := int64(len(ids)) - hits
			if hits > opt || misses < int64(distinct) {
				t.Fatalf("%s cap %d: %d hits, optimum %d, %d distinct of %d", name, capacity, hits, opt, distinct, len(ids))
			}
			if capacity >= distinct && misses != int64(distinct) {
				t.Fatalf("%s cap %d ≥ %d distinct: %d misses", name, capacity, distinct, misses)
			}
		}
	})
}

// TestRunPolicies checks that Run reports every asked-for policy per
// capacity, as PolicyHits computes it, and refuses them with a TTL.
func TestRunPolicies(t *testing.T) {
	keys, err := Generate(Workload{Dist: DistZipf, Keys: 500, Requests: 20000, ZipfS: 0.9, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	ids, distinct := Densify(keys)
	res, err := Run(t.Context(), Config{Keys: keys, Capacities: []int{10, 100}, TargetHitRate: 0.5,
		Policies: []string{PolicyLRU, PolicySIEVE, PolicyS3FIFO, PolicyARC, PolicyOpt}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Points {
		if len(p.Policies) != 3 {
			t.Fatalf("capacity %d: %d policies, want sieve, s3fifo, arc", p.Capacity, len(p.Policies))
		}
		for i, name := range []string{PolicySIEVE, PolicyS3FIFO, PolicyARC} {
			got := p.Policies[i]
			want := PolicyHits(name, ids, distinct, p.Capacity)
			if got.Policy != name || got.Hits != want || got.HitRate != float64(want)/float64(len(ids)) {
				t.Errorf("capacity %d: %+v, want %s with %d hits", p.Capacity, got, name, want)
			}
			if got.HitRate > p.OptimalHitRate {
				t.Errorf("capacity %d: %s %v above the optimum %v", p.Capacity, name, got.HitRate, p.OptimalHitRate)
			}
		}
	}
	if _, err := Run(t.Context(), Config{Keys: keys, Capacities: []int{10}, TTL: time.Second, Rate: 100,
		Policies: []string{PolicyARC}}); err == nil || !strings.Contains(err.Error(), "arc") {
		t.Errorf("Run with a TTL and arc: %v, want an error naming arc", err)
	}
	res, err = Run(t.Context(), Config{Keys: keys, Capacities: []int{10}, Policies: DefaultPolicies})
	if err != nil || res.Points[0].Policies != nil {
		t.Errorf("default policies: %v, %+v; want no extra policy", err, res.Points)
	}
}

// TestCMSketch: conservative counts saturate at 15 and halve every
// 10 × capacity additions.
func TestCMSketch(t *testing.T) {
	s := newCMSketch(10) // halves every 100 additions
	for range 5 {
		s.add(7)
	}
	if got := s.estimate(7); got != 5 {
		t.Fatalf("estimate after 5 adds = %d, want 5", got)
	}
	if got := s.estimate(8); got != 0 {
		t.Fatalf("estimate of an absent key = %d, want 0", got)
	}
	for range 20 {
		s.add(7)
	}
	if got := s.estimate(7); got != 15 {
		t.Fatalf("estimate after 25 adds = %d, want 15 (4-bit)", got)
	}
	for i := range 75 { // the 100th addition halves
		s.add(uint64(1000 + i))
	}
	if got := s.estimate(7); got != 7 {
		t.Fatalf("estimate after the halving = %d, want 7", got)
	}
}
