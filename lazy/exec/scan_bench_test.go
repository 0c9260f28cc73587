package exec

import (
	"context"
	"os"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe"
	"github.com/alopexdb/alopex/lazy"
)

// BenchmarkPlanFile runs the serialized plan in the file named by
// ALOPEX_BENCH_PLAN (the JSON a LazyFrame sends the engine, with file
// scans), to profile whole queries such as TPC-H's over Parquet:
//
//	ALOPEX_BENCH_PLAN=/tmp/q6.json go test -run - -bench PlanFile -cpuprofile cpu.out ./lazy/exec
func BenchmarkPlanFile(b *testing.B) {
	path := os.Getenv("ALOPEX_BENCH_PLAN")
	if path == "" {
		b.Skip("ALOPEX_BENCH_PLAN names no plan file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	p, err := lazy.Decode(data, nil, lazy.Env{Opener: dataframe.Opener{}})
	if err != nil {
		b.Fatal(err)
	}
	p = Optimize(p)
	mem := core.NewCAllocator(4 << 30)
	b.ResetTimer()
	for range b.N {
		res, err := Run(context.Background(), mem, p)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
}
