package parquet

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/alopexdb/alopex/core"
)

// The benchmarks read TPC-H SF1 lineitem (6M rows, 16 columns, 53 row
// groups written by parquet-rs: snappy, dictionary pages falling back to
// plain) with our reader and with arrow-go's pqarrow. Generate the file with
//
//	/work/main/.venv/bin/tpchgen-cli parquet -s 1 --output-dir=/tmp/tpch1
//
// and run
//
//	go test ./dataframe/ -run '^$' -bench Lineitem -benchmem
const lineitemSF1 = "/tmp/tpch1/lineitem.parquet"

// lineitemColumnSets are the column subsets the benchmarks read, by kind.
var lineitemColumnSets = []struct {
	name    string
	columns []int
}{
	{"all", nil},
	{"ints", []int{0, 1, 2, 3}},          // l_orderkey, l_partkey, l_suppkey, l_linenumber
	{"decimals", []int{4, 5, 6, 7}},      // decimal128(15,2) in INT64
	{"dates", []int{10, 11, 12}},         // date32 in INT32
	{"strings", []int{8, 9, 13, 14, 15}}, // flags, instructions, modes, comments
}

// cpuTime is the CPU time (user + system) the process used so far. The
// benchmarks report it per op beside the wall time: on a shared machine it
// is the steadier figure.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU wraps a benchmark loop to report CPU milliseconds per op.
func reportCPU(b *testing.B, loop func()) {
	start := cpuTime()
	loop()
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

func lineitem(b *testing.B) {
	if _, err := os.Stat(lineitemSF1); err != nil {
		b.Skipf("%s is absent; generate it with: /work/main/.venv/bin/tpchgen-cli parquet -s 1 --output-dir=/tmp/tpch1", lineitemSF1)
	}
}

func BenchmarkLineitemAlopex(b *testing.B) {
	lineitem(b)
	for _, set := range lineitemColumnSets {
		b.Run(set.name, func(b *testing.B) {
			mem := memory.DefaultAllocator
			b.ReportAllocs()
			reportCPU(b, func() {
				for b.Loop() {
					f, err := Open(lineitemSF1)
					if err != nil {
						b.Fatal(err)
					}
					batches, err := f.ReadRowGroups(context.Background(), mem, nil, set.columns)
					if err != nil {
						b.Fatal(err)
					}
					for _, rb := range batches {
						rb.Release()
					}
					f.Close()
				}
			})
		})
	}
}

// BenchmarkLineitemAlopexCAllocator reads all columns into buffers of the C
// allocator capi uses (core.CAllocator): no zeroing, freed blocks reused.
func BenchmarkLineitemAlopexCAllocator(b *testing.B) {
	lineitem(b)
	mem := core.NewCAllocator(4 << 30)
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			f, err := Open(lineitemSF1)
			if err != nil {
				b.Fatal(err)
			}
			batches, err := f.ReadRowGroups(context.Background(), mem, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, rb := range batches {
				rb.Release()
			}
			f.Close()
		}
	})
}

func BenchmarkLineitemPqarrow(b *testing.B) {
	lineitem(b)
	for _, set := range lineitemColumnSets {
		b.Run(set.name, func(b *testing.B) {
			mem := memory.DefaultAllocator
			b.ReportAllocs()
			reportCPU(b, func() {
				for b.Loop() {
					rdr, err := file.OpenParquetFile(lineitemSF1, false)
					if err != nil {
						b.Fatal(err)
					}
					fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{Parallel: true, BatchSize: 131072}, mem)
					if err != nil {
						b.Fatal(err)
					}
					var tbl interface{ Release() }
					if set.columns == nil {
						tbl, err = fr.ReadTable(context.Background())
					} else {
						rowGroups := make([]int, rdr.NumRowGroups())
						for i := range rowGroups {
							rowGroups[i] = i
						}
						tbl, err = fr.ReadRowGroups(context.Background(), set.columns, rowGroups)
					}
					if err != nil {
						b.Fatal(err)
					}
					tbl.Release()
					rdr.Close()
				}
			})
		})
	}
}

// BenchmarkLineitemWrite writes SF1 lineitem (read once with our reader)
// with Write's defaults.
func BenchmarkLineitemWrite(b *testing.B) {
	lineitem(b)
	f, err := Open(lineitemSF1)
	if err != nil {
		b.Fatal(err)
	}
	batches, err := f.ReadRowGroups(context.Background(), memory.DefaultAllocator, nil, nil)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		for _, rb := range batches {
			rb.Release()
		}
	}()
	path := filepath.Join(b.TempDir(), "lineitem.parquet")
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			if err := Write(path, batches[0].Schema(), batches, WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
	}
}
