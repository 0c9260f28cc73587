package exec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	pqread "github.com/alopexdb/alopex/dataframe/parquet"
	"github.com/alopexdb/alopex/lazy"
)

// selectionFile is lateScanTable's n rows in a Parquet file of three row
// groups, and the same table in memory (whose scan filters by gathering).
func selectionFile(t *testing.T, n int) (onFile, inMemory lazy.Plan) {
	mem := checkLeaks(t)
	tbl := lateScanTable(t, mem, n)
	t.Cleanup(tbl.Release)
	rb := tableBatch(t, tbl)
	defer rb.Release()
	src, err := pqread.OpenSource([]string{writeLateScanFile(t, rb)})
	if err != nil {
		t.Fatal(err)
	}
	return lazy.NewScan(src), lazy.NewScan(tbl)
}

func decLit(cents int64) lazy.Expr {
	return &lazy.Literal{Value: decimal128.FromI64(cents), Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}}
}

// TestSelectionThroughProjectAndAggregate runs filters over a Parquet scan
// whose kept rows reach projections and aggregates as selections when
// dense (selMinKept), and compares with the same plans in memory: no row
// kept, few, about half, most (sparse holes), most but a run, and all; the
// keys one integer, one string with nulls, two (packed) and a decimal
// expression with an integer (gathered); the aggregates the selection-
// taking states (sum and mean of decimals, counts) and others (first and
// last, by position; min of floats with nulls and NaN; n_unique).
func TestSelectionThroughProjectAndAggregate(t *testing.T) {
	mem := checkLeaks(t)
	onFile, inMemory := selectionFile(t, 6000)
	and := func(a, b lazy.Expr) lazy.Expr { return bin(lazy.OpAnd, a, b) }
	filters := []struct {
		name string
		pred lazy.Expr
	}{
		{"none", bin(lazy.OpLt, col("k"), lit(int64(-1)))},
		{"few", bin(lazy.OpLt, col("k"), lit(int64(40)))},
		{"half", bin(lazy.OpLt, col("d"), decLit(10000))},
		{"most, sparse holes", bin(lazy.OpNotEq, col("q"), lit(int64(4)))},
		{"most, a run out", bin(lazy.OpOr, bin(lazy.OpLt, col("k"), lit(int64(2100))), bin(lazy.OpGtEq, col("k"), lit(int64(2300))))},
		{"two conjuncts", and(bin(lazy.OpNotEq, col("q"), lit(int64(7))), bin(lazy.OpGt, col("d"), decLit(-39000)))},
		{"all", bin(lazy.OpGtEq, col("k"), lit(int64(0)))},
	}
	revenue := bin(lazy.OpMul, col("d"), bin(lazy.OpSub, decLit(100), col("d")))
	aggs := []lazy.Expr{
		alias(&lazy.Agg{Func: lazy.AggSum, X: col("d")}, "sum_d"),
		alias(&lazy.Agg{Func: lazy.AggSum, X: col("rev")}, "sum_rev"),
		alias(&lazy.Agg{Func: lazy.AggMean, X: &lazy.Cast{X: col("d"), To: arrow.PrimitiveTypes.Float64}}, "mean_d"),
		alias(&lazy.Agg{Func: lazy.AggMean, X: col("f")}, "mean_f"),
		alias(&lazy.Agg{Func: lazy.AggLen}, "rows"),
		alias(&lazy.Agg{Func: lazy.AggCount, X: col("f")}, "count_f"),
		alias(&lazy.Agg{Func: lazy.AggFirst, X: col("k")}, "first_k"),
		alias(&lazy.Agg{Func: lazy.AggLast, X: col("s")}, "last_s"),
		alias(&lazy.Agg{Func: lazy.AggMin, X: col("f")}, "min_f"),
		alias(&lazy.Agg{Func: lazy.AggNUnique, X: col("day")}, "days"),
	}
	keySets := map[string][]lazy.Expr{
		"global":           nil,
		"int":              {col("q")},
		"string":           {col("s")},
		"two packed":       {col("s"), col("q")},
		"decimal and int":  {alias(bin(lazy.OpMul, col("d"), decLit(0)), "z"), col("q")},
		"string, int, day": {col("s"), col("q"), col("day")},
	}
	for _, f := range filters {
		for name, keys := range keySets {
			t.Run(fmt.Sprint(f.name, "/", name), func(t *testing.T) {
				plan := func(scan lazy.Plan) lazy.Plan {
					p := withColumns(t, filter(t, scan, f.pred), alias(revenue, "rev"))
					return Optimize(groupBy(t, p, keys, aggs))
				}
				sameResult(t, mem, plan(onFile), plan(inMemory))
			})
		}
		t.Run(f.name+"/rows", func(t *testing.T) { // a selection gathered for the result
			plan := func(scan lazy.Plan) lazy.Plan {
				return Optimize(withColumns(t, filter(t, scan, f.pred), alias(revenue, "rev")))
			}
			sameResult(t, mem, plan(onFile), plan(inMemory))
		})
	}
}

// TestSelectionFilteredOutRowsDoNotRaise divides by a decimal that is zero
// on a few rows: the filter drops them, so the division, evaluated over
// all the rows of a selection (in a projection and as an aggregate's
// input), must not raise; keeping them, it must, as without selections.
func TestSelectionFilteredOutRowsDoNotRaise(t *testing.T) {
	mem := checkLeaks(t)
	onFile, inMemory := selectionFile(t, 6000)
	quotient := bin(lazy.OpTrueDiv, decLit(100), col("d"))
	dropsZeros := bin(lazy.OpNotEq, col("d"), decLit(0))
	keepsZeros := bin(lazy.OpGtEq, col("k"), lit(int64(3)))
	shapes := []struct {
		name string
		plan func(t *testing.T, scan lazy.Plan, pred lazy.Expr) lazy.Plan
	}{
		{"project", func(t *testing.T, scan lazy.Plan, pred lazy.Expr) lazy.Plan {
			return Optimize(sel(t, filter(t, scan, pred), col("k"), alias(quotient, "x")))
		}},
		{"project then aggregate", func(t *testing.T, scan lazy.Plan, pred lazy.Expr) lazy.Plan {
			p := withColumns(t, filter(t, scan, pred), alias(quotient, "x"))
			return Optimize(groupBy(t, p, []lazy.Expr{col("q")}, []lazy.Expr{&lazy.Agg{Func: lazy.AggSum, X: col("x")}}))
		}},
		{"aggregate input", func(t *testing.T, scan lazy.Plan, pred lazy.Expr) lazy.Plan {
			return Optimize(groupBy(t, filter(t, scan, pred), []lazy.Expr{col("s"), col("q")},
				[]lazy.Expr{alias(&lazy.Agg{Func: lazy.AggSum, X: quotient}, "x")}))
		}},
		{"aggregate key", func(t *testing.T, scan lazy.Plan, pred lazy.Expr) lazy.Plan {
			return Optimize(groupBy(t, filter(t, scan, pred), []lazy.Expr{alias(quotient, "x")},
				[]lazy.Expr{&lazy.Agg{Func: lazy.AggLen}}))
		}},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			sameResult(t, mem, s.plan(t, onFile, dropsZeros), s.plan(t, inMemory, dropsZeros))
			for _, scan := range []lazy.Plan{onFile, inMemory} {
				res, err := Run(t.Context(), mem, s.plan(t, scan, keepsZeros))
				if err == nil {
					res.Release()
					t.Fatal("a division by zero on a kept row did not raise")
				}
				if !strings.Contains(strings.ToLower(err.Error()), "zero") {
					t.Fatalf("error %q does not name the division by zero", err)
				}
			}
		})
	}
}
