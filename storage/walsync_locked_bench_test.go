package storage

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

// BenchmarkSyncCommitLocked: the synced Set of BenchmarkSyncCommit from a
// goroutine locked to its OS thread (as a call from C through the C ABI
// is: cgo runs the callback on a goroutine locked to the calling thread),
// beside the same loop unlocked. Each reports wall ns/op, CPU µs/op and
// the process's context switches per op.
//
//	go test ./storage -run '^$' -bench SyncCommitLocked -benchtime 2000x
func BenchmarkSyncCommitLocked(b *testing.B) {
	val := make([]byte, 60)
	for _, locked := range []bool{true, false, true, false} {
		name := "unlocked"
		if locked {
			name = "locked"
		}
		b.Run("pebble-"+name, func(b *testing.B) {
			db, err := Open(syncBenchDir(b), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			onThread(b, locked, func() { syncedSetsCS(b, db.pdb, val) })
		})
		b.Run("pebble-via-committer-"+name, func(b *testing.B) {
			db, err := Open(syncBenchDir(b), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			reqs := make(chan []byte)
			errs := make(chan error)
			go func() {
				for k := range reqs {
					errs <- db.pdb.Set(k, val, pebble.Sync)
				}
			}()
			defer close(reqs)
			onThread(b, locked, func() {
				c0 := cpuNow()
				b.ResetTimer()
				for i := range b.N {
					reqs <- fmt.Appendf(nil, "k%012d", i)
					if err := <-errs; err != nil {
						b.Error(err)
						return
					}
				}
				reportCPU(b, c0)
			})
		})
		b.Run("alopex-insert-"+name, func(b *testing.B) {
			onThread(b, locked, func() { benchInsertCommit(b, 1) })
		})
	}
}

// onThread runs f on a new goroutine, locked to its thread if locked.
func onThread(b *testing.B, locked bool, f func()) {
	done := make(chan struct{})
	cs := ctxSwitches()
	defer func() { b.ReportMetric((ctxSwitches()-cs)/float64(b.N), "cs/op") }()
	go func() {
		defer close(done)
		if locked {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		f()
	}()
	<-done
}

func ctxSwitches() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Nvcsw + ru.Nivcsw)
}

func syncedSetsCS(b *testing.B, pdb *pebble.DB, val []byte) {
	c0 := cpuNow()
	b.ResetTimer()
	for i := range b.N {
		if err := pdb.Set(fmt.Appendf(nil, "k%012d", i), val, pebble.Sync); err != nil {
			b.Error(err)
			return
		}
	}
	reportCPU(b, c0)
}
