package exec

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// groupByTable is bench/groupby_bench.py's data in small: string keys of
// 100 and n/10 values, integer keys of 100 and n/10 values, values v1 and v3.
func groupByTable(n int) *core.Table {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(13, 13))
	big := max(1, n/10)
	var cols []arrow.Array
	var fields []arrow.Field
	str := func(name string, distinct int) {
		b := array.NewStringBuilder(mem)
		for range n {
			b.Append(fmt.Sprintf("id%010d", rng.IntN(distinct)))
		}
		cols = append(cols, b.NewArray())
		fields = append(fields, arrow.Field{Name: name, Type: arrow.BinaryTypes.String})
	}
	ints := func(name string, distinct int) {
		b := array.NewInt64Builder(mem)
		for range n {
			b.Append(int64(rng.IntN(distinct)))
		}
		cols = append(cols, b.NewArray())
		fields = append(fields, arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int64})
	}
	str("s100", 100)
	str("s100b", 100)
	str("s1m", big)
	ints("i100", 100)
	ints("i100b", 100)
	ints("i1m", big)
	ints("v1", 5)
	fb := array.NewFloat64Builder(mem)
	for range n {
		fb.Append(rng.Float64() * 100)
	}
	cols = append(cols, fb.NewArray())
	fields = append(fields, arrow.Field{Name: "v3", Type: arrow.PrimitiveTypes.Float64})
	schema := arrow.NewSchema(fields, nil)
	return core.NewTable(schema, []arrow.RecordBatch{array.NewRecordBatch(schema, cols, int64(n))})
}

func benchGroupBy(b *testing.B, keys []string, aggs ...lazy.Expr) {
	benchGroupByRows(b, 1_000_000, keys, aggs...)
}

func benchGroupByRows(b *testing.B, rows int, keys []string, aggs ...lazy.Expr) {
	t := groupByTable(rows)
	mem := core.NewCAllocator(1 << 30)
	ks := make([]lazy.Expr, len(keys))
	for i, k := range keys {
		ks[i] = &lazy.Column{Name: k}
	}
	p, err := lazy.NewGroupBy(lazy.NewScan(t), ks, aggs)
	if err != nil {
		b.Fatal(err)
	}
	p = Optimize(p)
	b.ResetTimer()
	for range b.N {
		res, err := Run(context.Background(), mem, p)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
}

func sumOf(c string) lazy.Expr { return &lazy.Agg{Func: lazy.AggSum, X: &lazy.Column{Name: c}} }

func BenchmarkGroupBySixKeys(b *testing.B) {
	benchGroupBy(b, []string{"s100", "s100b", "s1m", "i100", "i100b", "i1m"}, sumOf("v3"))
}

func BenchmarkGroupByStringManyGroups(b *testing.B) {
	benchGroupBy(b, []string{"s1m"}, sumOf("v1"), &lazy.Agg{Func: lazy.AggMean, X: &lazy.Column{Name: "v3"}})
}

func BenchmarkGroupByTwoStrings(b *testing.B) {
	benchGroupBy(b, []string{"s100", "s100b"}, sumOf("v1"))
}

func BenchmarkGroupByMedianTwoInts(b *testing.B) {
	benchGroupBy(b, []string{"i100", "i100b"}, &lazy.Agg{Func: lazy.AggMedian, X: &lazy.Column{Name: "v3"}})
}

// The six-key group-by with pre-aggregation all the way (no partitioned
// rows), to compare with BenchmarkGroupBySixKeys.
func BenchmarkGroupBySixKeysPreAgg(b *testing.B) {
	old := scatterMinGroups
	scatterMinGroups = 1 << 40
	defer func() { scatterMinGroups = old }()
	BenchmarkGroupBySixKeys(b)
}

func BenchmarkGroupByIntManyGroups(b *testing.B) {
	benchGroupBy(b, []string{"i1m"}, sumOf("v1"), sumOf("i100"), sumOf("v3"))
}

// The six-key group-by over 2M rows (about 2M groups): go test -memprofile
// of it shows what a group costs.
func BenchmarkGroupBySixKeys2M(b *testing.B) {
	benchGroupByRows(b, 2_000_000, []string{"s100", "s100b", "s1m", "i100", "i100b", "i1m"}, sumOf("v3"), &lazy.Agg{Func: lazy.AggLen})
}
