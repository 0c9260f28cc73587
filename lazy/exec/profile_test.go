package exec

import (
	"context"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// profileTables are a fact table of n rows (id, k = id%10, fk = id%50) and
// a dimension of the even fk values 0…48 (25 rows).
func profileTables(t *testing.T, mem memory.Allocator, n int) (fact, dim *core.Table) {
	var id, k, fk, dk, name []any
	for i := range n {
		id, k, fk = append(id, int64(i)), append(k, int64(i%10)), append(fk, int64(i%50))
	}
	for i := 0; i < 50; i += 2 {
		dk, name = append(dk, int64(i)), append(name, "d"+strings.Repeat("x", i%3))
	}
	fact = newTable(t, mem, []column{
		{"id", arrow.PrimitiveTypes.Int64, id}, {"k", arrow.PrimitiveTypes.Int64, k}, {"fk", arrow.PrimitiveTypes.Int64, fk},
	})
	dim = newTable(t, mem, []column{{"dk", arrow.PrimitiveTypes.Int64, dk}, {"name", arrow.BinaryTypes.String, name}})
	return fact, dim
}

// profilePlan filters the fact table (id%3 == 0), joins the dimension on
// fk = dk and counts rows per k.
func profilePlan(t *testing.T, fact, dim *core.Table) lazy.Plan {
	f := filter(t, lazy.NewScan(fact), bin(lazy.OpEq, bin(lazy.OpMod, col("id"), lit(int64(3))), lit(int64(0))))
	j, err := lazy.NewJoin(f, lazy.NewScan(dim), lazy.JoinInner, []lazy.Expr{col("fk")}, []lazy.Expr{col("dk")}, "_r")
	if err != nil {
		t.Fatal(err)
	}
	g, err := lazy.NewGroupBy(j, []lazy.Expr{col("k")},
		[]lazy.Expr{alias(&lazy.Agg{Func: lazy.AggCount, X: col("id")}, "n")})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func hasRuntimeFilter(p lazy.Plan) bool {
	if _, ok := p.(*lazy.RuntimeFilter); ok {
		return true
	}
	for _, c := range p.Children() {
		if hasRuntimeFilter(c) {
			return true
		}
	}
	return false
}

func preorder(p lazy.Plan) []lazy.Plan {
	out := []lazy.Plan{p}
	for _, c := range p.Children() {
		out = append(out, preorder(c)...)
	}
	return out
}

// TestProfileRowsAreTrueCounts checks every node's counted rows against
// the rows of its subplan run alone, with many morsels on one and on four
// workers (the counters of parallel workers must add up exactly).
func TestProfileRowsAreTrueCounts(t *testing.T) {
	for _, procs := range []int{1, 4} {
		for _, n := range []int{10000, 0} {
			t.Run(strings.Repeat("p", procs)+"/"+map[bool]string{true: "empty", false: "rows"}[n == 0], func(t *testing.T) {
				setProcs(t, procs)
				setMorselRows(t, 64)
				mem := checkLeaks(t)
				fact, dim := profileTables(t, mem, n)
				defer fact.Release()
				defer dim.Release()
				p := Optimize(profilePlan(t, fact, dim))
				tbl, rep, err := RunWith(context.Background(), mem, p, &RunOptions{Profile: true, Notes: true, Progress: "profile test"})
				if err != nil {
					t.Fatal(err)
				}
				tbl.Release()
				nodes := preorder(p)
				if len(rep.Nodes) != len(nodes) {
					t.Fatalf("%d profile nodes for a plan of %d:\n%s", len(rep.Nodes), len(nodes), rep.Text)
				}
				var sawJoin, sawAgg, sawScan bool
				for i, node := range nodes {
					got := rep.Nodes[i]
					if got.Node != lazy.Describe(node) {
						t.Fatalf("node %d is %q, want %q", i, got.Node, lazy.Describe(node))
					}
					if !got.Measured {
						t.Errorf("node %q has no counters:\n%s", got.Node, rep.Text)
						continue
					}
					if got.SelfUs > got.TimeUs || got.Start > got.End {
						t.Errorf("node %q: self %dµs > time %dµs or start %d > end %d", got.Node, got.SelfUs, got.TimeUs, got.Start, got.End)
					}
					if hasRuntimeFilter(node) {
						continue // alone, a runtime filter has no join to fill it
					}
					want := run(t, mem, node).rows
					if got.Rows != int64(want) {
						t.Errorf("node %q counted %d rows, its subplan gives %d:\n%s", got.Node, got.Rows, want, rep.Text)
					}
					switch node.(type) {
					case *lazy.Join:
						sawJoin = true
					case *lazy.Aggregate:
						sawAgg = true
					case *lazy.Scan:
						sawScan = true
					}
				}
				if n > 0 && (rep.Nodes[0].Rows != 5 || !sawJoin || !sawAgg || !sawScan) {
					t.Errorf("root rows %d (want 5 groups), join/aggregate/scan checked: %v %v %v\n%s",
						rep.Nodes[0].Rows, sawJoin, sawAgg, sawScan, rep.Text)
				}
				t.Log("\n" + rep.Text)
				if !strings.Contains(rep.Text, "actual rows=") {
					t.Errorf("EXPLAIN ANALYZE text without counters:\n%s", rep.Text)
				}
				if len(rep.Notes) == 0 || !strings.Contains(strings.Join(rep.Notes, "\n"), ": hashes the ") {
					t.Errorf("notes lack the join side: %q", rep.Notes)
				}
			})
		}
	}
}

// TestProfileOffWrapsNothing checks that without options the operators are
// the executor's own (no profiling wrapper, no extra steps).
func TestProfileOffWrapsNothing(t *testing.T) {
	mem := checkLeaks(t)
	fact, dim := profileTables(t, mem, 100)
	defer fact.Release()
	defer dim.Release()
	p := Optimize(profilePlan(t, fact, dim))
	b := &builder{mem: workMem, ctx: context.Background()}
	op, err := b.build(p)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		op.Close()
		for _, c := range b.closers {
			c()
		}
	}()
	if _, wrapped := op.(*profiledOp); wrapped {
		t.Fatal("an unprofiled plan's root is wrapped")
	}
	pb := &builder{mem: workMem, ctx: context.Background(), prof: &profiler{profile: true,
		nodes: map[lazy.Plan]*nodeStats{}, claimed: map[any]int{}}}
	pop, err := pb.build(p)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		pop.Close()
		for _, c := range pb.closers {
			c()
		}
	}()
	if _, wrapped := pop.(*profiledOp); !wrapped {
		t.Fatal("a profiled aggregate is not wrapped")
	}
}

// TestScanRows counts the rows the scans announce (a cached subplan once).
func TestScanRows(t *testing.T) {
	mem := checkLeaks(t)
	fact, dim := profileTables(t, mem, 1234)
	defer fact.Release()
	defer dim.Release()
	if got := ScanRows(profilePlan(t, fact, dim)); got != 1234+25 {
		t.Fatalf("ScanRows = %d, want %d", got, 1234+25)
	}
}
