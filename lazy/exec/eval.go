// Package exec runs optimized lazy plans: it turns a logical plan into
// physical operators that pull Arrow record batches, evaluates expressions
// with the typed kernels, and runs scans and row-wise work over morsels on
// all cores.
package exec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// evalExpr evaluates a resolved expression over one batch. The caller
// releases the returned Value.
func evalExpr(mem memory.Allocator, e lazy.Expr, rb arrow.RecordBatch) (kernels.Value, error) {
	n := int(rb.NumRows())
	switch e := e.(type) {
	case *lazy.Column:
		idx := rb.Schema().FieldIndices(e.Name)
		if len(idx) == 0 {
			return kernels.Value{}, core.Errorf(core.KindInternal, "column %q missing from batch at execution", e.Name)
		}
		col := rb.Column(idx[0])
		col.Retain()
		return kernels.ArrayValue(col), nil
	case *lazy.Literal:
		return kernels.ScalarValue(e.Value, e.Type), nil
	case *lazy.Alias:
		return evalExpr(mem, e.X, rb)
	case *lazy.Cast:
		x, err := evalExpr(mem, e.X, rb)
		if err != nil {
			return x, err
		}
		defer x.Release()
		arr, err := x.Materialize(mem, n)
		if err != nil {
			return kernels.Value{}, err
		}
		defer arr.Release()
		out, err := kernels.Cast(mem, arr, e.To, e.Strict)
		if err != nil {
			return kernels.Value{}, withExpr(err, e)
		}
		return kernels.ArrayValue(out), nil
	case *lazy.Unary:
		x, err := evalExpr(mem, e.X, rb)
		if err != nil {
			return x, err
		}
		defer x.Release()
		arr, err := x.Materialize(mem, n)
		if err != nil {
			return kernels.Value{}, err
		}
		defer arr.Release()
		var out arrow.Array
		switch e.Op {
		case lazy.OpNot:
			if core.IsInteger(arr.DataType()) {
				out, err = kernels.BitNot(mem, arr)
			} else {
				out, err = kernels.Not(mem, arr)
			}
		case lazy.OpNeg:
			if isDecimal(arr.DataType()) {
				out, err = kernels.DecimalNegate(mem, arr)
			} else {
				out, err = kernels.Negate(mem, arr)
			}
		case lazy.OpIsNull:
			out = kernels.IsNull(mem, arr, false)
		case lazy.OpIsNotNull:
			out = kernels.IsNull(mem, arr, true)
		default:
			err = core.Errorf(core.KindNotSupported, "unary operator %q", e.Op)
		}
		if err != nil {
			return kernels.Value{}, withExpr(err, e)
		}
		return kernels.ArrayValue(out), nil
	case *lazy.Call:
		return evalCall(mem, e, rb)
	case *lazy.Binary:
		if out, ok, err := evalDecimalCompare(mem, e, rb); ok || err != nil {
			return out, err
		}
		if out, ok, err := evalRangeAnd(mem, e, rb); ok || err != nil {
			return out, withExpr(err, e)
		}
		l, err := evalExpr(mem, e.Left, rb)
		if err != nil {
			return l, err
		}
		defer l.Release()
		r, err := evalExpr(mem, e.Right, rb)
		if err != nil {
			return r, err
		}
		defer r.Release()
		out, isDec, err := evalDecimalBinary(mem, e, l, r, n)
		if !isDec {
			out, err = evalBinary(mem, e.Op, l, r, n)
		}
		if err != nil {
			return kernels.Value{}, withExpr(err, e)
		}
		return kernels.ArrayValue(out), nil
	}
	return kernels.Value{}, core.Errorf(core.KindNotSupported, "expression %s cannot be executed", e)
}

var arithOps = map[lazy.BinaryOp]kernels.ArithOp{
	lazy.OpAdd: kernels.Add, lazy.OpSub: kernels.Sub, lazy.OpMul: kernels.Mul,
	lazy.OpTrueDiv: kernels.Div, lazy.OpFloorDiv: kernels.FloorDiv, lazy.OpMod: kernels.Mod,
	lazy.OpRem: kernels.Rem,
}

var cmpOps = map[lazy.BinaryOp]kernels.CmpOp{
	lazy.OpEq: kernels.Eq, lazy.OpNotEq: kernels.NotEq, lazy.OpLt: kernels.Lt,
	lazy.OpLtEq: kernels.LtEq, lazy.OpGt: kernels.Gt, lazy.OpGtEq: kernels.GtEq,
}

var logicOps = map[lazy.BinaryOp]kernels.LogicOp{
	lazy.OpAnd: kernels.And, lazy.OpOr: kernels.Or, lazy.OpXor: kernels.Xor,
}

func evalBinary(mem memory.Allocator, op lazy.BinaryOp, l, r kernels.Value, n int) (arrow.Array, error) {
	if k, ok := arithOps[op]; ok {
		return kernels.Arith(mem, k, l, r, n)
	}
	if k, ok := cmpOps[op]; ok {
		if l.Type.ID() != r.Type.ID() && core.IsInteger(l.Type) && core.IsInteger(r.Type) {
			return kernels.CompareMixed(mem, k, l, r, n)
		}
		return kernels.Compare(mem, k, l, r, n)
	}
	if k, ok := logicOps[op]; ok {
		if core.IsInteger(l.Type) || core.IsInteger(r.Type) {
			return kernels.Bitwise(mem, k, l, r, n)
		}
		return kernels.Logic(mem, k, l, r, n)
	}
	return nil, core.Errorf(core.KindNotSupported, "binary operator %q", op)
}

// evalDecimalCompare evaluates a comparison of a Decimal with a Decimal
// constant, or of a Decimal cast to Float64 with a float constant, on the
// decimals' unscaled integers (one interval test a row, no cast's Float64
// array); ok is false when e is not such a comparison or the kernel's fast
// path does not apply.
func evalDecimalCompare(mem memory.Allocator, e *lazy.Binary, rb arrow.RecordBatch) (v kernels.Value, ok bool, err error) {
	op, isCmp := cmpOps[e.Op]
	if !isCmp {
		return v, false, nil
	}
	if t, isRange := asRangeTerm(e); isRange && isDecimal(t.x.DataType()) {
		// A Decimal against a Decimal constant: one interval of its
		// unscaled integers (when they fit an int64).
		x, err := evalArray(mem, t.x, rb)
		if err != nil {
			return v, false, err
		}
		out, inRange := kernels.InRange(mem, x, t.r)
		x.Release()
		if inRange {
			return kernels.ArrayValue(out), true, nil
		}
	}
	cast, lit := e.Left, e.Right
	if _, isLit := cast.(*lazy.Literal); isLit {
		cast, lit, op = lit, cast, op.Flip()
	}
	c, isCast := cast.(*lazy.Cast)
	l, isLit := lit.(*lazy.Literal)
	if !isCast || !isLit || c.To.ID() != arrow.FLOAT64 || c.X.DataType().ID() != arrow.DECIMAL128 || l.Type.ID() != arrow.FLOAT64 {
		return v, false, nil
	}
	var f float64
	switch x := l.Value.(type) {
	case float64:
		f = x
	case int64:
		f = float64(x)
	default: // null: the general path gives nulls
		return v, false, nil
	}
	x, err := evalExpr(mem, c.X, rb)
	if err != nil {
		return v, false, err
	}
	defer x.Release()
	if x.IsScalar() {
		return v, false, nil
	}
	out, ok := kernels.CompareDecimalAsFloat(mem, op, x.Array, f)
	if !ok {
		return v, false, nil
	}
	return kernels.ArrayValue(out), true, nil
}

// withExpr adds the failing expression to a compute error's message.
func withExpr(err error, e lazy.Expr) error {
	if ce, ok := err.(*core.Error); ok && ce.Details["expression"] == nil {
		out := core.Errorf(ce.Kind, "%s (in expression %s)", ce.Message, e)
		for k, v := range ce.Details {
			out.With(k, v)
		}
		return out.With("expression", e.String())
	}
	return err
}
