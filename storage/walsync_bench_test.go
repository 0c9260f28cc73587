package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"golang.org/x/sys/unix"
)

// The synced commit, measured bare (docs/db-statement-path.md, "The
// synced commit"): one small durable write per iteration by pebble alone,
// by alopex's commit, and by write+fdatasync on a plain file. Each reports
// wall ns/op and the process's CPU (user+system, every thread) per op.
// ALOPEX_SYNC_BENCH_DIR picks the filesystem (default: the test's temp
// directory).
//
//	go test ./storage -run '^$' -bench SyncCommit -benchtime 2000x

func syncBenchDir(b *testing.B) string {
	if d := os.Getenv("ALOPEX_SYNC_BENCH_DIR"); d != "" {
		dir, err := os.MkdirTemp(d, "syncbench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

func cpuNow() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports CPU µs per op since c0.
func reportCPU(b *testing.B, c0 float64) {
	b.ReportMetric((cpuNow()-c0)/1e3/float64(b.N), "cpu-µs/op")
}

// syncedSets times b.N synced Sets of val under fresh keys, reporting CPU
// per Set beside the wall time.
func syncedSets(b *testing.B, pdb *pebble.DB, val []byte) {
	c0 := cpuNow()
	b.ResetTimer()
	for i := range b.N {
		if err := pdb.Set(fmt.Appendf(nil, "k%012d", i), val, pebble.Sync); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkSyncCommit compares one synced commit of a ~60-byte value.
func BenchmarkSyncCommit(b *testing.B) {
	val := make([]byte, 60)
	b.Run("pebble-defaults", func(b *testing.B) {
		pdb, err := pebble.Open(syncBenchDir(b), &pebble.Options{Logger: quietLogger{}})
		if err != nil {
			b.Fatal(err)
		}
		defer pdb.Close()
		syncedSets(b, pdb, val)
	})
	b.Run("pebble-alopex-options-nofill", func(b *testing.B) {
		defer func(v int64) { walFillAhead = v }(walFillAhead)
		walFillAhead = 0
		db, err := Open(syncBenchDir(b), Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		syncedSets(b, db.pdb, val)
	})
	b.Run("pebble-alopex-options", func(b *testing.B) {
		db, err := Open(syncBenchDir(b), Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		syncedSets(b, db.pdb, val)
	})
	for _, rows := range []int{1, 1000} {
		for _, fill := range []bool{false, true} {
			name := fmt.Sprintf("alopex-insert-%drows", rows)
			if !fill {
				name += "-nofill"
			}
			b.Run(name, func(b *testing.B) {
				if !fill {
					defer func(v int64) { walFillAhead = v }(walFillAhead)
					walFillAhead = 0
				}
				benchInsertCommit(b, rows)
			})
		}
	}
	// write+fdatasync of the same size on a plain file: appending to a
	// growing file, appending into a preallocated (fallocate KEEP_SIZE)
	// range, and overwriting blocks written before (a recycled log).
	for _, mode := range []string{"append", "append-prealloc", "overwrite"} {
		b.Run("file-"+mode, func(b *testing.B) {
			f, err := os.Create(filepath.Join(syncBenchDir(b), "f"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			rec := make([]byte, 80)
			size := int64(len(rec)) * int64(b.N)
			switch mode {
			case "append-prealloc":
				if err := unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, size); err != nil {
					b.Fatal(err)
				}
			case "overwrite":
				if _, err := f.Write(make([]byte, size)); err != nil {
					b.Fatal(err)
				}
				if err := unix.Fdatasync(int(f.Fd())); err != nil {
					b.Fatal(err)
				}
			}
			c0 := cpuNow()
			b.ResetTimer()
			for i := range b.N {
				if _, err := f.WriteAt(rec, int64(i)*int64(len(rec))); err != nil {
					b.Fatal(err)
				}
				if err := unix.Fdatasync(int(f.Fd())); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, c0)
		})
	}
}

// benchInsertCommit: alopex's own commit, n rows inserted per transaction
// (1,000: what the WAL fill costs a larger commit, whose zeros are a
// smaller share of what it writes).
func benchInsertCommit(b *testing.B, n int) {
	db, err := Open(syncBenchDir(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cols := []int{0, 1, 2}
	run(b, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: i64}, {Name: "f", Type: f64}}})
	})
	c0 := cpuNow()
	b.ResetTimer()
	for i := range b.N {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		rows := make([][]any, n)
		for j := range rows {
			k := int64(i*n + j)
			rows[j] = []any{k, k, 0.5}
		}
		if _, err := tx.InsertValues("t", cols, rows, ConflictError); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}
