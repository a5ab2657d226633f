package sim

import "context"

// Densify maps keys to ids 0..distinct-1 in order of first appearance.
func Densify(keys []uint64) (ids []int32, distinct int) {
	return densify(context.Background(), keys)
}

// DensifyContext is Densify that gives up (nil ids) when ctx is done.
func DensifyContext(ctx context.Context, keys []uint64) (ids []int32, distinct int) {
	return densify(ctx, keys)
}

// densify is Densify that gives up (nil ids) when ctx is done.
func densify(ctx context.Context, keys []uint64) (ids []int32, distinct int) {
	ids = make([]int32, len(keys))
	m := make(map[uint64]int32, min(len(keys), 1<<20))
	for i, k := range keys {
		if cancelled(ctx, i) {
			return nil, 0
		}
		id, ok := m[k]
		if !ok {
			id = int32(len(m))
			m[k] = id
		}
		ids[i] = id
	}
	return ids, len(m)
}
