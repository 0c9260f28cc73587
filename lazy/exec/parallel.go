package exec

import (
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// parallelRanges splits [0, n) into chunks of at least minChunk items and
// runs fn over them on all cores, returning when all are done. A panic in fn
// is re-raised on the calling goroutine (where the operator's recovery turns
// it into an error), never left to crash the process from a worker.
func parallelRanges(n, minChunk int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+minChunk-1)/max(minChunk, 1))
	if workers <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	var once sync.Once
	var panicked any
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() { panicked = r })
				}
			}()
			fn(lo, hi)
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// settleNullCounts asks each array for its null count. Arrow counts an
// array's nulls on first ask and keeps the count in the array, so arrays
// that goroutines will share must be asked once before they are shared:
// afterwards every ask only reads.
func settleNullCounts(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.NullN()
		}
	}
}
