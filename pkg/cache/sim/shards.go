package sim

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
)

// MethodSHARDS: LRU hit rates estimated from a spatially hashed sample of
// the keys (SHARDS), streamed: memory grows with the sampled keys, not the
// trace.
const MethodSHARDS = "lru-shards"

// shardsGroups is how many disjoint key samples a SHARDS run keeps beside
// the whole sample: the standard error of the estimate comes from their
// spread.
const shardsGroups = 4

// SampleConfig is one SHARDS estimate (Waldspurger, Park, Garthwaite, Ahmad:
// "Efficient MRC Construction with SHARDS", FAST 2015). A key is sampled
// when the hash of its key falls under a threshold; stack distances among
// the sampled keys, divided by the sampling rate, estimate the full trace's
// distances, and SHARDS-adj corrects the count of sampled requests.
//
// With Rate set the threshold is fixed (fixed-rate SHARDS). With MaxKeys set
// instead the sample holds at most MaxKeys keys: the sampling rate starts at
// 1 (exact while the keys fit) and is lowered, dropping the keys with the
// highest hashes, whenever it would hold more (fixed-size SHARDS, S_max),
// the histogram rescaled each time.
//
// Beside the whole sample, 4 disjoint samples (the keys split by the top
// bits of their hash, each sampled the same way with a quarter of the keys
// or of MaxKeys) give 4 independent estimates; their spread, divided by 2,
// is the standard error shown. A sample at rate 1 is exact: no error.
type SampleConfig struct {
	Rate    float64 // fixed rate, 0 < Rate ≤ 1; 0 with MaxKeys
	MaxKeys int     // fixed size: sampled keys at most
}

// SampleResult adds the sampling figures to a Result.
type SampleResult struct {
	Result
	Rate        float64   // final sampling rate (fixed-size: the lowest reached)
	SampledKeys int       // keys in the sample at the end
	StdErr      []float64 // per point: standard error of HitRate
}

// shardsGroup is one sample: keys (of its group, for the 4 disjoint ones)
// whose hash's low 62 bits fall under the threshold.
type shardsGroup struct {
	threshold uint64  // sampled when the hash's low 62 bits < threshold
	share     float64 // of the key space its keys come from: 1, or 1/4 for a group
	maxKeys   int     // 0: fixed rate
	last      map[uint64]int32
	byHash    hashHeap // the sampled keys, highest hash first (fixed size)
	tree      []int32  // Fenwick tree over sampled request times
	now       int32    // sampled requests since the last compaction
	// hist[bucketIndex(d)] is the weight of sampled requests at scaled
	// distance d (d ≥ 1); a stored weight w means w/scale requests at the
	// current rate.
	hist    []float64
	scale   float64
	sampled float64 // sampled requests, weighted like hist
}

const hashBits = 62

// rate is the share of all keys the sample holds.
func (g *shardsGroup) rate() float64 {
	return g.share * float64(g.threshold) / float64(uint64(1)<<hashBits)
}

// Sampler streams requests into the SHARDS samples.
type Sampler struct {
	all      *shardsGroup
	groups   [shardsGroups]*shardsGroup
	requests int64
}

// NewSampler checks cfg and returns an empty sampler.
func NewSampler(cfg SampleConfig) (*Sampler, error) {
	switch {
	case cfg.Rate != 0 && cfg.MaxKeys != 0:
		return nil, errors.New("sim: give a sampling rate or a number of sampled keys, not both")
	case cfg.Rate == 0 && cfg.MaxKeys == 0:
		return nil, errors.New("sim: SHARDS needs a sampling rate or a number of sampled keys")
	case cfg.Rate != 0 && !(cfg.Rate > 0 && cfg.Rate <= 1):
		return nil, fmt.Errorf("sim: sampling rate %v must be above 0 and at most 1", cfg.Rate)
	case cfg.MaxKeys < 0 || (cfg.MaxKeys > 0 && cfg.MaxKeys < MinSampleKeys):
		return nil, fmt.Errorf("sim: %d sampled keys: keep at least %d", cfg.MaxKeys, MinSampleKeys)
	}
	full := float64(uint64(1) << hashBits)
	newGroup := func(share float64, maxKeys int) *shardsGroup {
		g := &shardsGroup{share: share, last: map[uint64]int32{}, scale: 1,
			tree: make([]int32, 1025), threshold: 1 << hashBits, maxKeys: maxKeys}
		if cfg.Rate > 0 {
			g.threshold = uint64(math.Min(cfg.Rate*full, full))
		}
		return g
	}
	s := &Sampler{all: newGroup(1, cfg.MaxKeys)}
	for i := range s.groups {
		s.groups[i] = newGroup(1.0/shardsGroups, cfg.MaxKeys/shardsGroups)
	}
	return s, nil
}

// MinSampleKeys is the smallest fixed-size sample.
const MinSampleKeys = 64

// mix64 is splitmix64's finaliser: a key's hash.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Add records one request for key.
func (s *Sampler) Add(key uint64) {
	s.requests++
	h := mix64(key)
	low := h & (1<<hashBits - 1)
	if low < s.all.threshold {
		s.all.access(key, low)
	}
	if g := s.groups[h>>hashBits]; low < g.threshold {
		g.access(key, low)
	}
}

func (g *shardsGroup) access(key, low uint64) {
	if int(g.now)+1 >= len(g.tree) {
		g.compact()
	}
	g.now++
	t := g.now
	r := g.rate()
	g.sampled += g.scale
	if p, ok := g.last[key]; ok {
		var upTo int32
		for j := p; j > 0; j -= j & -j {
			upTo += g.tree[j]
		}
		d := int64(len(g.last)) - int64(upTo) + 1 // distinct sampled keys since p, p's own included
		i := bucketIndex(int64(math.Ceil(float64(d) / r)))
		if i >= len(g.hist) {
			g.hist = append(g.hist, make([]float64, i+1-len(g.hist))...)
		}
		g.hist[i] += g.scale
		g.mark(p, -1)
	} else {
		if g.maxKeys > 0 {
			heap.Push(&g.byHash, hashedKey{low, key})
		}
	}
	g.last[key] = t
	g.mark(t, 1)
	if g.maxKeys > 0 && len(g.last) > g.maxKeys {
		g.lower()
	}
}

func (g *shardsGroup) mark(t int32, v int32) {
	for j := t; int(j) < len(g.tree); j += j & -j {
		g.tree[j] += v
	}
}

// lower drops the sampled keys with the highest hash until the group holds
// maxKeys, lowering the threshold to the highest dropped hash, and rescales
// what was counted at the old rate to the new one.
func (g *shardsGroup) lower() {
	old := g.rate()
	for len(g.last) > g.maxKeys {
		k := heap.Pop(&g.byHash).(hashedKey)
		g.threshold = k.hash
		g.mark(g.last[k.key], -1)
		delete(g.last, k.key)
	}
	// A stored weight w means w/scale requests at the rate then; multiplying
	// every count by new/old is dividing scale by it.
	g.scale /= g.rate() / old
}

// compact renumbers the sampled keys' last request times 1..n in order and
// rebuilds the tree with room for three times as many more requests: O(now)
// time, no sort (a pass over the times), so compactions cost O(1) a
// sampled request.
func (g *shardsGroup) compact() {
	byTime := make([]uint64, g.now+1)
	live := make([]bool, g.now+1)
	for k, t := range g.last {
		byTime[t], live[t] = k, true
	}
	size := min(max(4*len(g.last), 1024), math.MaxInt32/2)
	g.tree = make([]int32, size+1)
	n := int32(0)
	for t := int32(1); t <= g.now; t++ {
		if live[t] {
			n++
			g.last[byTime[t]] = n
			g.tree[n] = 1
		}
	}
	for i := int32(1); i <= int32(size); i++ { // Fenwick tree from its leaves in O(size)
		if j := i + i&-i; j <= int32(size) {
			g.tree[j] += g.tree[i]
		}
	}
	g.now = n
}

// hitRates is the sample's estimated LRU hit rate at each capacity over
// requests requests (SHARDS-adj: the difference between the requests the
// rate predicts and those sampled is added at the smallest distance).
func (g *shardsGroup) hitRates(caps []int, requests int64) []float64 {
	out := make([]float64, len(caps))
	expect := float64(requests) * g.rate() * g.scale // in stored units
	if g.sampled == 0 || expect == 0 {
		return out
	}
	adj := expect - g.sampled
	for i, c := range caps {
		hits := adj
		for b, w := range g.hist {
			if bucketValue(b) > int64(c) {
				break
			}
			hits += w
		}
		out[i] = min(max(hits/expect, 0), 1)
	}
	return out
}

// Result estimates the curve at caps from what was added.
func (s *Sampler) Result(caps []int, target float64) *SampleResult {
	caps = slices.Clone(caps)
	slices.Sort(caps)
	caps = slices.Compact(caps)
	res := &SampleResult{Result: Result{Requests: int(s.requests), Method: MethodSHARDS, TargetHitRate: target,
		Points: make([]Point, len(caps))}, StdErr: make([]float64, len(caps))}
	est := s.all.hitRates(caps, s.requests)
	var rates [shardsGroups][]float64
	for i, g := range s.groups {
		rates[i] = g.hitRates(caps, s.requests)
	}
	res.Rate = s.all.rate()
	res.SampledKeys = len(s.all.last)
	res.DistinctKeys = s.DistinctKeys()
	if res.Requests > 0 {
		res.MaxHitRate = max(0, 1-float64(res.DistinctKeys)/float64(res.Requests))
	}
	for i, c := range caps {
		if res.Rate < 1 {
			var sum, sq float64
			for g := range rates {
				sum += rates[g][i]
			}
			mean := sum / shardsGroups
			for g := range rates {
				sq += (rates[g][i] - mean) * (rates[g][i] - mean)
			}
			res.StdErr[i] = math.Sqrt(sq/(shardsGroups-1)) / math.Sqrt(shardsGroups)
		}
		p := &res.Points[i]
		p.Capacity = c
		p.HitRate = est[i]
		p.Hits = int64(math.Round(est[i] * float64(res.Requests)))
		p.Misses = int64(res.Requests) - p.Hits
		p.Sets = p.Misses
		p.Evictions = max(0, p.Misses-int64(min(c, res.DistinctKeys)))
		if p.Sets > 0 {
			p.EvictionRate = float64(p.Evictions) / float64(p.Sets)
		}
		if res.CapacityForTarget == 0 && est[i] >= target {
			res.CapacityForTarget = c
		}
	}
	return res
}

// Scaled distances are kept in buckets: exact below 1,024, and above it
// rounded down to their 10 leading bits (within 0.1 %), so the histogram
// has at most 28,160 buckets however the rate changes.
const exactBuckets = 1 << 10

// bucketIndex is the bucket of distance d ≥ 0, increasing with d.
func bucketIndex(d int64) int {
	if d < exactBuckets {
		return int(d)
	}
	shift := bits.Len64(uint64(d)) - 10
	return exactBuckets + (shift-1)*512 + int(d>>shift-512)
}

// bucketValue is the smallest distance of bucket i.
func bucketValue(i int) int64 {
	if i < exactBuckets {
		return int64(i)
	}
	shift := (i-exactBuckets)/512 + 1
	return int64((i-exactBuckets)%512+512) << shift
}

// hashedKey is a sampled key with its hash, for the fixed-size heap.
type hashedKey struct{ hash, key uint64 }

// hashHeap is a max-heap of sampled keys by hash.
type hashHeap []hashedKey

func (h hashHeap) Len() int           { return len(h) }
func (h hashHeap) Less(i, j int) bool { return h[i].hash > h[j].hash }
func (h hashHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hashHeap) Push(x any)        { *h = append(*h, x.(hashedKey)) }
func (h *hashHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// DefaultSampleAbove is the trace length above which `cache simulate`
// samples (SHARDS) unless told to stay exact: up to it the trace is held
// whole (about 8 bytes a request with the optimum's next uses).
const DefaultSampleAbove = 20_000_000

// DefaultSampleKeys is the fixed-size sample taken when a trace is sampled
// without a rate or size given: about 5 MiB, whatever the trace's length.
const DefaultSampleKeys = 64 << 10

// ReadOrSample streams tr: while it has at most above requests it is read
// whole into a Trace (nil Sampler); past that every request read so far and
// every later one goes through a Sampler built from cfg, and the Trace is
// dropped (nil Trace). above ≤ 0 samples from the start. Cancelled, it
// returns the Sampler of what was read, with ctx's error. Limits and errors
// are ReadAll's.
func ReadOrSample(ctx context.Context, tr *Reader, above int, cfg SampleConfig) (*Trace, *Sampler, error) {
	s, err := NewSampler(cfg)
	if err != nil {
		return nil, nil, err
	}
	var d *dense // the trace so far while it is held whole; nil once sampling
	if above > 0 {
		d = newDense(tr, 0, true)
	}
	for i := 0; ; i++ {
		if cancelled(ctx, i) {
			if d != nil {
				d.replay(s)
			}
			return nil, s, ctx.Err()
		}
		req, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if d != nil && len(d.t.IDs) >= above {
			d.replay(s)
			d = nil
		}
		if d == nil {
			s.Add(req.Key)
			continue
		}
		if err := d.add(req, math.MaxInt); err != nil {
			return nil, nil, err
		}
	}
	if d != nil {
		t, err := d.done()
		return t, nil, err
	}
	if s.requests == 0 {
		return nil, nil, fmt.Errorf("%s: %w", tr.opts.Name, ErrEmptyTrace)
	}
	return nil, s, nil
}

// Requests is the number of requests added.
func (s *Sampler) Requests() int { return int(s.requests) }

// DistinctKeys estimates the distinct keys added: the sampled ones divided
// by the sampling rate (exact at rate 1).
func (s *Sampler) DistinctKeys() int {
	return int(math.Round(float64(len(s.all.last)) / s.all.rate()))
}
