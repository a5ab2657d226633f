package cache

// Go's small-object size classes (runtime/sizeclasses.go): an allocation
// of n bytes takes the smallest class ≥ n; above 32 KiB, whole 8 KiB pages.
var sizeClasses = [...]int64{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
	1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
	6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
	19072, 20480, 21760, 24576, 27264, 28672, 32768,
}

const pageSize = 8192

// roundUpSize is the bytes the allocator uses for an object of n bytes.
func roundUpSize(n int64) int64 {
	if n <= 0 {
		return 0
	}
	if n > sizeClasses[len(sizeClasses)-1] {
		return (n + pageSize - 1) / pageSize * pageSize
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if sizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return sizeClasses[lo]
}

// allocSize is roundUpSize for pointer-free data such as string bytes:
// below 16 bytes the tiny allocator packs several into one block, so the
// size is only aligned to 8.
func allocSize(n int64) int64 {
	if n > 0 && n < 16 {
		return (n + 7) &^ 7
	}
	return roundUpSize(n)
}
