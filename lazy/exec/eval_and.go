package exec

import (
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rangeTerm is a conjunct that compares one integer-like column, a
// Decimal, or a Decimal cast to Float64, with a constant: it keeps an
// interval of the column's integers (a Decimal's unscaled values).
type rangeTerm struct {
	x lazy.Expr // the column compared (the Decimal under its cast)
	r kernels.IntRange
}

// asRangeTerm recognizes `col op constant` on Int32/Int64/Date32/Timestamp
// columns, `decimal op decimal constant` and `decimal.cast(Float64) op
// float` (either side constant).
func asRangeTerm(e lazy.Expr) (rangeTerm, bool) {
	b, ok := e.(*lazy.Binary)
	if !ok {
		return rangeTerm{}, false
	}
	op, isCmp := cmpOps[b.Op]
	x, c := b.Left, b.Right
	if _, isLit := x.(*lazy.Literal); isLit {
		x, c, op = c, x, op.Flip()
	}
	lit, isLit := c.(*lazy.Literal)
	if !isCmp || !isLit || lit.Value == nil {
		return rangeTerm{}, false
	}
	if dt, isDec := x.DataType().(*arrow.Decimal128Type); isDec {
		// A Decimal compared with a Decimal constant of any scale.
		lt, litDec := lit.Type.(*arrow.Decimal128Type)
		c, isNum := lit.Value.(decimal128.Num)
		if !litDec || !isNum {
			return rangeTerm{}, false
		}
		r, ok := kernels.DecimalCmpRange(dt, op, c, lt.Scale)
		return rangeTerm{x: x, r: r}, ok
	}
	if !arrow.TypeEqual(lit.Type, x.DataType()) {
		return rangeTerm{}, false
	}
	if cast, ok := x.(*lazy.Cast); ok && cast.To.ID() == arrow.FLOAT64 {
		dt, isDec := cast.X.DataType().(*arrow.Decimal128Type)
		f, isFloat := lit.Value.(float64)
		if !isDec || !isFloat {
			return rangeTerm{}, false
		}
		r, ok := kernels.DecimalFloatRange(dt, op, f)
		return rangeTerm{x: cast.X, r: r}, ok
	}
	switch x.DataType().ID() {
	case arrow.INT32, arrow.DATE32, arrow.INT64, arrow.TIMESTAMP:
	default:
		return rangeTerm{}, false
	}
	v, isInt := lit.Value.(int64)
	if _, isCol := x.(*lazy.Column); !isCol || !isInt {
		return rangeTerm{}, false
	}
	r, ok := kernels.CmpRange(op, v)
	return rangeTerm{x: x, r: r}, ok
}

// conjuncts appends the operands of a tree of ANDs.
func conjuncts(e lazy.Expr, out []lazy.Expr) []lazy.Expr {
	if b, ok := e.(*lazy.Binary); ok && b.Op == lazy.OpAnd {
		return conjuncts(b.Right, conjuncts(b.Left, out))
	}
	return append(out, e)
}

// evalRangeAnd evaluates a tree of Boolean ANDs as one conjunction. The
// comparisons of one column with constants (Q6's `l_shipdate >= a AND
// l_shipdate < b`, `l_discount BETWEEN 0.05 AND 0.07`) test the column once
// against the intersection of their intervals, and the results are ANDed
// with the other conjuncts, left to right. AND is Kleene's, commutative
// and associative, and an interval of one column is null exactly where the
// column is, so the result is that of the tree as written. ok is false
// when e is not an AND of Booleans (integers AND bitwise).
func evalRangeAnd(mem memory.Allocator, e *lazy.Binary, rb arrow.RecordBatch) (v kernels.Value, ok bool, err error) {
	if e.Op != lazy.OpAnd || e.DataType().ID() != arrow.BOOL {
		return v, false, nil
	}
	parts := conjuncts(e, nil)
	for _, p := range parts {
		if p.DataType().ID() != arrow.BOOL {
			return v, false, nil
		}
	}
	type group struct {
		term  rangeTerm
		exprs []lazy.Expr // the comparisons, should the interval not apply
	}
	var groups []*group
	byColumn := map[string]*group{}
	var rest []lazy.Expr
	for _, p := range parts {
		t, isRange := asRangeTerm(p)
		if !isRange {
			rest = append(rest, p)
			continue
		}
		key := t.x.String()
		if g := byColumn[key]; g != nil {
			g.term.r = g.term.r.Intersect(t.r)
			g.exprs = append(g.exprs, p)
			continue
		}
		g := &group{term: t, exprs: []lazy.Expr{p}}
		byColumn[key] = g
		groups = append(groups, g)
	}
	n := int(rb.NumRows())
	var acc kernels.Value
	have := false
	defer func() {
		if have {
			acc.Release()
		}
	}()
	and := func(b kernels.Value) error {
		if !have {
			acc, have = b, true
			return nil
		}
		defer b.Release()
		out, err := kernels.Logic(mem, kernels.And, acc, b, n)
		if err != nil {
			return err
		}
		acc.Release()
		acc = kernels.ArrayValue(out)
		return nil
	}
	for _, g := range groups {
		x, err := evalArray(mem, g.term.x, rb)
		if err != nil {
			return v, false, err
		}
		b, inRange := kernels.InRange(mem, x, g.term.r)
		x.Release()
		if !inRange { // a Decimal beyond an int64: compare as written
			rest = append(rest, g.exprs...)
			continue
		}
		if err := and(kernels.ArrayValue(b)); err != nil {
			return v, false, err
		}
	}
	for _, p := range rest {
		x, err := evalExpr(mem, p, rb)
		if err != nil {
			return v, false, err
		}
		if err := and(x); err != nil {
			return v, false, err
		}
	}
	out := acc
	have = false
	return out, true, nil
}
