package exec

import (
	"math"
	"runtime/debug"
	"sync/atomic"
)

// memoryLimit is the configured bound on the engine's memory in bytes (0:
// none). See SetMemoryLimit.
var memoryLimit atomic.Int64

// SetMemoryLimit bounds the memory queries use (bytes; 0 removes the
// bound). The Go heap, where the executor's working data lives, gets it as
// its soft limit, so the collector works harder instead of growing past it;
// and pipelines keep only one morsel per worker in flight, so that a scan
// streams through a file larger than the limit. Results handed to Python
// are allocated outside the Go heap and are not counted.
func SetMemoryLimit(bytes int64) {
	if bytes < 0 {
		bytes = 0
	}
	memoryLimit.Store(bytes)
	if bytes == 0 {
		debug.SetMemoryLimit(math.MaxInt64)
		return
	}
	debug.SetMemoryLimit(bytes)
}

// MemoryLimit returns the configured bound (0: none).
func MemoryLimit() int64 { return memoryLimit.Load() }

// windowFor is how many morsels a pipeline with the given number of
// workers keeps in flight.
func windowFor(workers int) int {
	if memoryLimit.Load() > 0 {
		return max(workers, 1)
	}
	return 4 * max(workers, 1)
}
