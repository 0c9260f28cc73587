package lazy_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
)

// TestSlicePushdown pins the rule's rewrites: testdata/optimizer/slice_pushdown.txt.
func TestSlicePushdown(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/slice_pushdown.txt")
}

// rowsOf evaluates a plan of scans, slices and projections over a source of
// n rows to the list of source row numbers it outputs: a reference for the
// slice arithmetic of the rule.
func rowsOf(t *testing.T, p lazy.Plan, n int64) []int64 {
	switch p := p.(type) {
	case *lazy.Scan:
		if p.Predicate != nil {
			t.Fatalf("rowsOf does not evaluate predicates")
		}
		limit := n
		if p.Limit >= 0 {
			limit = min(n, p.Limit)
		}
		out := make([]int64, limit)
		for i := range out {
			out[i] = int64(i)
		}
		return out
	case *lazy.Slice:
		in := rowsOf(t, p.Input, n)
		start := min(p.Offset, int64(len(in)))
		end := int64(len(in))
		if p.Length >= 0 {
			end = min(end, start+p.Length)
		}
		return in[start:end]
	case *lazy.Project:
		return rowsOf(t, p.Input, n)
	}
	t.Fatalf("rowsOf: unexpected node %T", p)
	return nil
}

// Randomly nested slices (with projections and scan limits in between) keep
// the same rows after the rule, whatever offsets and lengths meet.
func TestSlicePushdownKeepsRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rule := ruleNamed(t, "slice_pushdown")
	const n = 20
	pick := func() int64 { return rng.Int64N(25) }
	for iter := range 2000 {
		var p lazy.Plan = lazy.NewScan(testSources[0])
		if rng.IntN(4) == 0 {
			p = p.(*lazy.Scan).WithPushdown(nil, nil, pick())
		}
		for range 1 + rng.IntN(4) {
			if rng.IntN(3) == 0 {
				proj, err := lazy.NewProject(p, []lazy.Expr{col("a"), alias(bin(lazy.OpMul, col("a"), dyn(int64(2))), "a2")})
				if err != nil {
					t.Fatal(err)
				}
				p = proj
			}
			length := int64(-1)
			if rng.IntN(3) > 0 {
				length = pick()
			}
			p = &lazy.Slice{Input: p, Offset: pick(), Length: length}
		}
		want := rowsOf(t, p, n)
		q := rule.Apply(p)
		if got := rowsOf(t, q, n); !slices.Equal(got, want) {
			t.Fatalf("case %d: rows %v, want %v\nbefore:\n%safter:\n%s", iter, got, want, lazy.Explain(p), lazy.Explain(q))
		}
		if got := rowsOf(t, exec.Optimize(p), n); !slices.Equal(got, want) {
			t.Fatalf("case %d: rows after Optimize %v, want %v\n%s", iter, got, want, lazy.Explain(exec.Optimize(p)))
		}
	}
}

// Pushed into a scan, a slice becomes a limit, so that the scan stops early.
func TestSlicePushdownSetsScanLimit(t *testing.T) {
	p := lazy.Plan(&lazy.Slice{Input: lazy.NewScan(testSources[0]), Offset: 0, Length: 3})
	s, ok := ruleNamed(t, "slice_pushdown").Apply(p).(*lazy.Scan)
	if !ok || s.Limit != 3 {
		t.Fatalf("want a scan with limit 3, got:\n%s", lazy.Explain(ruleNamed(t, "slice_pushdown").Apply(p)))
	}
}
