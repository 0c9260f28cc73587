package lazy_test

import (
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestPredicatePushdown pins the rule's rewrites: testdata/optimizer/predicate_pushdown.txt.
func TestPredicatePushdown(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/predicate_pushdown.txt")
}

// A predicate pushed below a renaming projection reads the input's column,
// with the column's type intact, so that the executor can evaluate it there.
func TestPredicatePushdownRenamesTypedColumns(t *testing.T) {
	scan := lazy.NewScan(testSources[0])
	proj, err := lazy.NewProject(scan, []lazy.Expr{alias(col("e"), "small"), col("a")})
	if err != nil {
		t.Fatal(err)
	}
	f, err := lazy.NewFilter(proj, bin(lazy.OpGt, col("small"), dyn(int64(1))))
	if err != nil {
		t.Fatal(err)
	}
	out := ruleNamed(t, "predicate_pushdown").Apply(f)
	p, ok := out.(*lazy.Project)
	if !ok {
		t.Fatalf("root is %T, want *lazy.Project:\n%s", out, lazy.Explain(out))
	}
	s, ok := p.Input.(*lazy.Scan)
	if !ok || s.Predicate == nil {
		t.Fatalf("the predicate did not reach the scan:\n%s", lazy.Explain(out))
	}
	lazy.Walk(s.Predicate, func(e lazy.Expr) bool {
		if c, ok := e.(*lazy.Column); ok {
			if c.Name != "e" || c.Type == nil || c.Type.ID() != arrow.INT8 {
				t.Errorf("pushed predicate reads %s of type %v, want e of Int8", c.Name, c.Type)
			}
		}
		return true
	})
	if got, want := s.Predicate.String(), `(col("e") > 1)`; got != want {
		t.Errorf("pushed predicate %s, want %s", got, want)
	}
}

// Filters above a scan that carries a limit must stay above it: a limit
// counts rows after the scan's own predicate, so adding one to it would
// change which rows the limit keeps.
func TestPredicatePushdownStopsAtScanLimit(t *testing.T) {
	scan := lazy.NewScan(testSources[0]).WithPushdown(nil, nil, 5)
	f, err := lazy.NewFilter(scan, bin(lazy.OpGt, col("a"), dyn(int64(1))))
	if err != nil {
		t.Fatal(err)
	}
	out := ruleNamed(t, "predicate_pushdown").Apply(f)
	got, ok := out.(*lazy.Filter)
	if !ok {
		t.Fatalf("root is %T, want the filter to stay:\n%s", out, lazy.Explain(out))
	}
	if s := got.Input.(*lazy.Scan); s.Predicate != nil || s.Limit != 5 {
		t.Errorf("scan changed: %s", lazy.Explain(s))
	}
}
