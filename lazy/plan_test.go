package lazy_test

import (
	"slices"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
)

func TestNewWithColumnsReplacesInPlaceAndAppends(t *testing.T) {
	p, err := lazy.NewWithColumns(lazy.NewScan(testSources[0]), []lazy.Expr{
		alias(dyn(int64(1)), "one"),
		bin(lazy.OpMul, col("e"), dyn(int64(200))), // named e: replaces e, now Int16
		alias(col("a"), "c"),                       // replaces c with a copy of a
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := schemaString(p.Schema()); got != "a: Int64, b: Float64, c: Int64, d: Boolean, e: Int16, one: Int32" {
		t.Errorf("schema %s", got)
	}
	if p.IsPassThrough() {
		t.Error("a projection computing columns is not pass-through")
	}
}

func TestNewProjectErrors(t *testing.T) {
	scan := lazy.NewScan(testSources[0])
	_, err := lazy.NewProject(scan, []lazy.Expr{col("a"), bin(lazy.OpAdd, col("a"), dyn(int64(1)))})
	if ce := wantKind(t, err, core.KindSchema); ce.Details["column"] != "a" {
		t.Errorf("details %v", ce.Details)
	}
	_, err = lazy.NewProject(scan, []lazy.Expr{dyn(int64(1)), dyn(int64(2))})
	wantKind(t, err, core.KindSchema) // both are named "literal"
	_, err = lazy.NewProject(scan, []lazy.Expr{col("nope")})
	wantKind(t, err, core.KindColumnNotFound)
	_, err = lazy.NewWithColumns(scan, []lazy.Expr{alias(col("a"), "x"), alias(col("b"), "x")})
	wantKind(t, err, core.KindSchema)
}

func TestNewFilterNeedsBoolean(t *testing.T) {
	scan := lazy.NewScan(testSources[0])
	for _, ok := range []lazy.Expr{col("d"), lit(true), bin(lazy.OpGt, col("a"), col("b"))} {
		if _, err := lazy.NewFilter(scan, ok); err != nil {
			t.Errorf("NewFilter(%s): %v", ok, err)
		}
	}
	for _, bad := range []lazy.Expr{col("a"), col("c"), dyn(int64(1)), lit(nil)} {
		_, err := lazy.NewFilter(scan, bad)
		wantKind(t, err, core.KindCompute)
	}
}

func TestIsPassThrough(t *testing.T) {
	p, err := lazy.NewProject(lazy.NewScan(testSources[1]), []lazy.Expr{alias(col("z"), "zz"), col("x")})
	if err != nil {
		t.Fatal(err)
	}
	if !p.IsPassThrough() {
		t.Error("renaming and reordering columns is pass-through")
	}
}

// Plan nodes are immutable: WithChildren returns a copy and leaves the
// original as it was.
func TestWithChildrenCopies(t *testing.T) {
	s0, s1 := lazy.NewScan(testSources[0]), lazy.NewScan(testSources[1])
	f, err := lazy.NewFilter(s0, col("d"))
	if err != nil {
		t.Fatal(err)
	}
	sl := &lazy.Slice{Input: s0, Offset: 1, Length: 2}
	pr, err := lazy.NewProject(s0, []lazy.Expr{lit(int64(1))})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []lazy.Plan{f, sl, pr} {
		c := n.WithChildren([]lazy.Plan{s1})
		if c == n || n.Children()[0] != s0 || c.Children()[0] != s1 {
			t.Errorf("%T.WithChildren did not copy", n)
		}
	}
	if c := s0.WithChildren(nil); c == lazy.Plan(s0) {
		t.Error("Scan.WithChildren did not copy")
	}
	if srcs := lazy.Sources(&lazy.Slice{Input: f.WithChildren([]lazy.Plan{s1}), Length: -1}); !slices.Equal(srcs, []lazy.Source{testSources[1]}) {
		t.Errorf("Sources = %v", srcs)
	}
}

func TestScanWithPushdown(t *testing.T) {
	s := lazy.NewScan(testSources[0])
	p := s.WithPushdown([]string{"e", "a"}, nil, 3)
	if got := schemaString(p.Schema()); got != "e: Int8, a: Int64" {
		t.Errorf("schema %s", got)
	}
	if s.Columns != nil || s.Limit != -1 || schemaString(s.Schema()) != "a: Int64, b: Float64, c: String, d: Boolean, e: Int8" {
		t.Errorf("WithPushdown changed the original scan: %s", lazy.Explain(s))
	}
	if got := lazy.Explain(p); got != "SCAN t PROJECT 2/5 COLUMNS [e, a] LIMIT 3\n" {
		t.Errorf("explain %q", got)
	}
}
