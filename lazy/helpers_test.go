package lazy_test

import (
	"context"
	"github.com/alopexdb/alopex/internal/testkit"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Expression builders, as the front ends produce them: untyped, with
// dynamic literals for Python ints and floats.

func col(name string) lazy.Expr { return &lazy.Column{Name: name} }

func dyn(v any) lazy.Expr { return &lazy.Literal{Value: v, Dynamic: true} }

func lit(v any) lazy.Expr { return &lazy.Literal{Value: v} }

func typedLit(v any, t arrow.DataType) lazy.Expr { return &lazy.Literal{Value: v, Type: t} }

func bin(op lazy.BinaryOp, l, r lazy.Expr) lazy.Expr { return &lazy.Binary{Op: op, Left: l, Right: r} }

func un(op lazy.UnaryOp, x lazy.Expr) lazy.Expr { return &lazy.Unary{Op: op, X: x} }

func alias(x lazy.Expr, name string) lazy.Expr { return &lazy.Alias{X: x, Name: name} }

func cast(x lazy.Expr, to arrow.DataType, strict bool) lazy.Expr {
	return &lazy.Cast{X: x, To: to, Strict: strict}
}

// fakeSource is an in-memory Source with a schema and no rows: enough to
// plan, resolve, optimize and explain.
type fakeSource struct {
	name   string
	schema *arrow.Schema
	rows   int64
}

func (s fakeSource) Name() string          { return s.name }
func (s fakeSource) Schema() *arrow.Schema { return s.schema }
func (s fakeSource) NumRows() int64        { return s.rows }

// statSource is a fakeSource of one piece with min/max statistics.
type statSource struct {
	fakeSource
	stats map[string][2]int64
}

func (s statSource) NumPieces() int      { return 1 }
func (s statSource) PieceRows(int) int64 { return s.rows }
func (s statSource) ReadPiece(context.Context, memory.Allocator, int, []string) (arrow.RecordBatch, error) {
	return nil, core.Errorf(core.KindNotSupported, "a test source has no rows")
}

func (s statSource) PieceStats(_ int, c string) (any, any, int64, bool) {
	st, ok := s.stats[c]
	if !ok {
		return nil, nil, 0, false
	}
	return st[0], st[1], 0, true
}

func fields(fs ...any) *arrow.Schema {
	out := make([]arrow.Field, 0, len(fs)/2)
	for i := 0; i < len(fs); i += 2 {
		out = append(out, arrow.Field{Name: fs[i].(string), Type: fs[i+1].(arrow.DataType), Nullable: true})
	}
	return arrow.NewSchema(out, nil)
}

// testSources are the sources the JSON plans of the tests and of
// testdata/optimizer refer to by index. lazy/exec's tests build tables with
// the same schemas (see optimizerSources there): keep them in step.
var testSources = []lazy.Source{
	fakeSource{name: "t", schema: fields(
		"a", arrow.PrimitiveTypes.Int64,
		"b", arrow.PrimitiveTypes.Float64,
		"c", arrow.BinaryTypes.String,
		"d", arrow.FixedWidthTypes.Boolean,
		"e", arrow.PrimitiveTypes.Int8,
	)},
	fakeSource{name: "u", schema: fields(
		"x", arrow.PrimitiveTypes.Uint8,
		"y", arrow.PrimitiveTypes.Float32,
		"z", arrow.PrimitiveTypes.Int32,
	)},
	// A fact table and two dimensions, with integer min/max statistics, for
	// join ordering.
	&statSource{fakeSource{name: "f", rows: 1000, schema: fields(
		"fk", arrow.PrimitiveTypes.Int64,
		"fh", arrow.PrimitiveTypes.Int32,
		"amount", arrow.PrimitiveTypes.Int64,
	)}, map[string][2]int64{"fk": {0, 9}, "fh": {0, 49}, "amount": {0, 999}}},
	&statSource{fakeSource{name: "g", rows: 10, schema: fields(
		"gk", arrow.PrimitiveTypes.Int64,
		"gname", arrow.BinaryTypes.String,
	)}, map[string][2]int64{"gk": {0, 9}}},
	&statSource{fakeSource{name: "h", rows: 50, schema: fields(
		"hk", arrow.PrimitiveTypes.Int64,
		"hname", arrow.BinaryTypes.String,
	)}, map[string][2]int64{"hk": {0, 49}}},
}

// wantKind is the shared check (internal/testkit).
var wantKind = testkit.WantKind
