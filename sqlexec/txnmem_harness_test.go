package sqlexec_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestTxnMemHarness profiles the memory of a big INSERT … SELECT (the
// shape of bench/db_insert_select_bench.py) on the Go side. A first run
// creates t1 with ALOPEX_TXNMEM_ROWS rows in ALOPEX_TXNMEM_DIR; each later
// run copies it into t2 (txn_memory ALOPEX_TXNMEM_MIB, 0: the default),
// logs the CPU time and peak heap, and leaves a heap profile taken near
// the peak in /tmp/txnm/peak.heap (go tool pprof -sample_index=inuse_space).
func TestTxnMemHarness(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ALOPEX_TXNMEM_ROWS"))
	if n == 0 {
		t.Skip("set ALOPEX_TXNMEM_ROWS (and ALOPEX_TXNMEM_DIR) to profile")
	}
	if err := os.MkdirAll("/tmp/txnm", 0o755); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("ALOPEX_TXNMEM_DIR")
	fresh := false
	if _, err := os.Stat(dir); err != nil {
		fresh = true
	}
	tm, _ := strconv.Atoi(os.Getenv("ALOPEX_TXNMEM_MIB"))
	db, err := storage.Open(dir, storage.Options{TxnMemory: int64(tm) << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if fresh {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.CreateTable(storage.TableDef{Name: "t1", Columns: []storage.ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "x", Type: arrow.PrimitiveTypes.Float64}, {Name: "s", Type: arrow.BinaryTypes.String}}, PrimaryKey: []string{"id"}}); err != nil {
			t.Fatal(err)
		}
		var bs []arrow.RecordBatch
		for lo := 0; lo < n; lo += 65536 {
			hi := min(lo+65536, n)
			ib := array.NewInt64Builder(memory.DefaultAllocator)
			xb := array.NewFloat64Builder(memory.DefaultAllocator)
			sb := array.NewStringBuilder(memory.DefaultAllocator)
			for i := lo; i < hi; i++ {
				ib.Append(int64(i))
				xb.Append(float64(i) * 0.37)
				sb.Append(fmt.Sprintf("item-%05d", (i*7919)%50000))
			}
			sch := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "x", Type: arrow.PrimitiveTypes.Float64}, {Name: "s", Type: arrow.BinaryTypes.String}}, nil)
			bs = append(bs, array.NewRecordBatch(sch, []arrow.Array{ib.NewArray(), xb.NewArray(), sb.NewArray()}, int64(hi-lo)))
		}
		if _, err := tx.LoadNew("t1", bs); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		t.Logf("created %d rows", n)
		return
	}
	s := sqlexec.NewSession(db)
	mustExecute(t, s, "DROP TABLE IF EXISTS t2")
	mustExecute(t, s, "CREATE TABLE t2 (id BIGINT PRIMARY KEY, x DOUBLE, s TEXT)")
	runtime.GC()
	var peak, peakSys atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load()*11/10 {
				peak.Store(ms.HeapAlloc)
				if f, err := os.Create("/tmp/txnm/peak.heap"); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
			if s := ms.HeapSys - ms.HeapReleased; s > peakSys.Load() {
				peakSys.Store(s)
			}
		}
	}()
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	t0 := time.Now()
	if _, err := s.Execute(context.Background(), "INSERT INTO t2 SELECT * FROM t1", nil, nil); err != nil {
		t.Fatal(err)
	}
	el := time.Since(t0)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	close(stop)
	<-done
	t.Logf("n=%d txn_memory=%dMiB cpu %.2fs wall %.2fs peak HeapAlloc %d MiB, peak heap mapped %d MiB", n, tm, cpu.Seconds(), el.Seconds(), peak.Load()>>20, peakSys.Load()>>20)
}
