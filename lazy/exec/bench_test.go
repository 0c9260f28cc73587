package exec

import (
	"context"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func benchTable(n int) *core.Table {
	mem := memory.NewGoAllocator()
	xb := array.NewFloat64Builder(mem)
	ib := array.NewInt64Builder(mem)
	for i := range n {
		xb.Append(float64((i*7919)%1000) / 1000)
		ib.Append(int64(i))
	}
	x, i := xb.NewArray(), ib.NewArray()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}, {Name: "i", Type: arrow.PrimitiveTypes.Int64}}, nil)
	return core.NewTable(schema, []arrow.RecordBatch{array.NewRecordBatch(schema, []arrow.Array{x, i}, int64(n))})
}

func benchRun(b *testing.B, build func(lazy.Plan) lazy.Plan) {
	t := benchTable(10_000_000)
	mem := core.NewCAllocator(1 << 30)
	p := Optimize(build(lazy.NewScan(t)))
	b.ResetTimer()
	for range b.N {
		res, err := Run(context.Background(), mem, p)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
}

func BenchmarkMul10M(b *testing.B) {
	benchRun(b, func(s lazy.Plan) lazy.Plan {
		p, err := lazy.NewProject(s, []lazy.Expr{&lazy.Alias{Name: "y", X: &lazy.Binary{Op: lazy.OpMul, Left: &lazy.Column{Name: "x"}, Right: &lazy.Literal{Value: int64(2), Dynamic: true}}}})
		if err != nil {
			b.Fatal(err)
		}
		return p
	})
}

func BenchmarkFilter10M(b *testing.B) {
	benchRun(b, func(s lazy.Plan) lazy.Plan {
		p, err := lazy.NewFilter(s, &lazy.Binary{Op: lazy.OpGt, Left: &lazy.Column{Name: "x"}, Right: &lazy.Literal{Value: 0.5, Dynamic: true}})
		if err != nil {
			b.Fatal(err)
		}
		return p
	})
}
