package vector

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/alopexdb/alopex/core"
)

func invalid(format string, args ...any) *core.Error {
	return core.Errorf(core.KindInvalidInput, format, args...)
}

// parallelFor runs fn(0..n-1) on up to GOMAXPROCS goroutines, handing out
// indexes in small blocks; it returns the first error.
func parallelFor(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
		failed  atomic.Bool
	)
	work := func() {
		defer func() {
			// A panic on a worker would kill the process: no export's
			// recover sees it. Report it as an internal error instead.
			if r := recover(); r != nil {
				err := core.Errorf(core.KindInternal, "internal error (a bug in alopex; please report it): %v\n%s", r, debug.Stack())
				errOnce.Do(func() { first = err })
				failed.Store(true)
			}
		}()
		for !failed.Load() {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			if err := fn(i); err != nil {
				errOnce.Do(func() { first = err })
				failed.Store(true)
				return
			}
		}
	}
	// The caller is one of the workers: a small batch (100 HNSW queries
	// take ~0.4 ms) then waits for one goroutine wake-up less.
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return first
}
