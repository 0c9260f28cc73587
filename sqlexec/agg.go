package sqlexec

import (
	"math"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// aggregate translates an aggregate call. SQL's answers differ from
// Polars' where the input has nulls: SUM of no non-null values is null
// (Polars: 0) and COUNT(DISTINCT x) does not count null; the extra
// expressions are added only when the input may hold nulls.
func (t *translator) aggregate(x *ast.AggregateFuncExpr) (lazy.Expr, error) {
	if x.Order != nil {
		return nil, notSupported("ORDER BY inside an aggregate is not supported (in %s)", restore(x))
	}
	inner := *t
	inner.allowAgg, inner.allowWindow = false, false
	inner.clause = "an aggregate's argument"
	args, err := inner.exprs(x.Args)
	if err != nil {
		return nil, err
	}
	t.pending = append(t.pending, inner.pending...)
	name := strings.ToLower(x.F)
	if pairAggregate(name) {
		return t.pairAggregate(name, x, args)
	}
	if len(args) != 1 {
		return nil, notSupported("%s with %d arguments is not supported (in %s)", strings.ToUpper(name), len(args), restore(x))
	}
	if x.Distinct && name != "count" && name != "min" && name != "max" {
		return nil, notSupported("%s(DISTINCT …) is not supported (in %s); use a subquery with SELECT DISTINCT", strings.ToUpper(name), restore(x))
	}
	agg := func(f lazy.AggFunc) lazy.Expr { return &lazy.Agg{Func: f, X: args[0]} }
	mayNull := !t.b.nonNull(t.rel.plan, args[0])
	// The calls whose argument or meaning differ from the entry the name
	// finds are translated into other entries.
	switch name {
	case "count":
		if lit, ok := args[0].(*lazy.Literal); ok && lit.Value != nil {
			return &lazy.Agg{Func: lazy.AggLen}, nil // COUNT(*), COUNT(1)
		}
		if x.Distinct {
			out := agg(lazy.AggNUnique)
			if mayNull {
				hasNull := &lazy.Agg{Func: lazy.AggAny, X: &lazy.Unary{Op: lazy.OpIsNull, X: args[0]}}
				out = bin(lazy.OpSub, out, &lazy.Cast{X: hasNull, To: arrow.PrimitiveTypes.Uint32, Strict: true})
			}
			return out, nil
		}
	case "avg":
		if typ := t.typeOf(args[0]); typ != nil && typ.ID() == arrow.DECIMAL128 {
			// MySQL: the exact sum divided at 4 more places (null for no rows).
			return call(fn.SQLDecimalArith, map[string]any{"op": "div"}, agg(lazy.AggSum), agg(lazy.AggCount)), nil
		}
	}
	entry, param, ok := fn.LookupSQLAggregate(name)
	if !ok || entry.MaxArgs != 1 {
		return nil, notSupported("the aggregate %s is not supported (in %s)", strings.ToUpper(x.F), restore(x))
	}
	out := &lazy.Agg{Func: lazy.AggFunc(entry.Name), X: args[0], Param: param}
	return t.sqlAggRules(out, mayNull), nil
}

// sqlAggRules adds SQL's rules around an aggregate where they differ from
// the entry's (Polars'): SUM of no non-null values is NULL (Polars: 0), and
// MAX of a float column with a NaN is NaN (see maxNaNGreatest).
func (t *translator) sqlAggRules(a *lazy.Agg, mayNull bool) lazy.Expr {
	switch a.Func {
	case lazy.AggSum:
		t.checkedSum(a)
		if mayNull || t.wholeInput {
			return when(a, bin(lazy.OpEq, &lazy.Agg{Func: lazy.AggCount, X: a.X}, dyn(0)), nullLit())
		}
	case lazy.AggMax:
		return t.maxNaNGreatest(a, a.X)
	}
	return a
}

// pairAggregate is CORR(y, x), COVAR_SAMP(y, x) and COVAR_POP(y, x):
// Pearson correlation and covariance over the rows where both are not
// null (as in DuckDB and Postgres); NULL when no row has both.
func (t *translator) pairAggregate(name string, x *ast.AggregateFuncExpr, args []lazy.Expr) (lazy.Expr, error) {
	if len(args) != 2 {
		return nil, core.Errorf(core.KindInvalidInput, "%s takes two arguments, got %d (in %s)",
			strings.ToUpper(name), len(args), restore(x))
	}
	if x.Distinct {
		return nil, notSupported("%s(DISTINCT …) is not supported (in %s)", strings.ToUpper(name), restore(x))
	}
	for i, a := range args {
		args[i] = &lazy.Cast{X: a, To: arrow.PrimitiveTypes.Float64, Strict: false}
	}
	entry, param, _ := fn.LookupSQLAggregate(name)
	out := &lazy.Agg{Func: lazy.AggFunc(entry.Name), X: args[0], Y: args[1], Param: param}
	// Rows with both values: SQL's answer is NULL when there is none
	// (Polars' corr gives NaN).
	both := &lazy.Agg{Func: lazy.AggCount, X: bin(lazy.OpAdd, args[0], args[1])}
	return when(out, bin(lazy.OpEq, both, dyn(0)), nullLit()), nil
}

// maxNaNGreatest makes MAX of a float column NaN when a value is NaN. SQL
// orders NaN above every number (DuckDB and ORDER BY here agree), so its
// MAX is NaN; lazy.AggMax skips NaN as Polars' max does. MIN needs no
// change: skipping NaN already gives the least number, and NaN when every
// value is NaN.
func (t *translator) maxNaNGreatest(m, x lazy.Expr) lazy.Expr {
	typ := t.floatType(x)
	if typ == nil {
		return m
	}
	anyNaN := &lazy.Agg{Func: lazy.AggAny, X: call("is_nan", nil, x)}
	return when(m, anyNaN, nanOf(typ))
}

// floatType is x's type when it is Float32 or Float64, else nil.
func (t *translator) floatType(x lazy.Expr) arrow.DataType {
	if typ := t.typeOf(x); typ != nil && (typ.ID() == arrow.FLOAT32 || typ.ID() == arrow.FLOAT64) {
		return typ
	}
	return nil
}

// nanOf is a NaN of the float type typ.
func nanOf(typ arrow.DataType) lazy.Expr {
	return &lazy.Cast{X: &lazy.Literal{Value: math.NaN()}, To: typ, Strict: true}
}

// checkedSum makes SUM of an integer argument SQL's: summed in 64 bits
// (an INT column's sum is a BIGINT; Polars sums Int32 in 32 bits) and an
// error past them, never a wrapped number (lazy.Agg.Checked).
func (t *translator) checkedSum(a *lazy.Agg) {
	if a.Func != lazy.AggSum {
		return
	}
	if x, ok := t.sum64(a.X); ok {
		a.X, a.Checked = x, true
	}
}

// sum64 is an integer argument of SUM as the 64-bit integer SQL sums it
// in (ok false for other types).
func (t *translator) sum64(e lazy.Expr) (lazy.Expr, bool) {
	typ := t.typeOf(e)
	if typ == nil || !core.IsInteger(typ) {
		return e, false
	}
	to := arrow.PrimitiveTypes.Int64
	if core.IsUnsigned(typ) {
		to = arrow.PrimitiveTypes.Uint64
	}
	if arrow.TypeEqual(typ, to) {
		return e, true
	}
	return &lazy.Cast{X: e, To: to, Strict: true}, true
}
