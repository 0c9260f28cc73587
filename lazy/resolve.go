package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

func dtypeName(t arrow.DataType) string { return core.DTypeName(t) }

// Resolve binds e to schema: it checks that every column exists, computes
// each node's type, and makes implicit conversions explicit as casts
// (literal casts are folded). Errors are *core.Error: ColumnNotFound for
// unknown names, Compute for type errors, showing the expression.
func Resolve(e Expr, schema *arrow.Schema) (Expr, error) {
	r := resolver{schema: schema}
	return r.resolve(e)
}

type resolver struct {
	schema *arrow.Schema
}

func schemaNames(s *arrow.Schema) []string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return names
}

func (r *resolver) resolve(e Expr) (Expr, error) {
	switch e := e.(type) {
	case *Column:
		idx := r.schema.FieldIndices(e.Name)
		if len(idx) == 0 {
			return nil, core.ColumnNotFound(e.Name, schemaNames(r.schema))
		}
		return &Column{Name: e.Name, Type: r.schema.Field(idx[0]).Type}, nil
	case *Literal:
		if e.Type != nil {
			return e, nil
		}
		return &Literal{Value: e.Value, Type: literalType(e.Value), Dynamic: e.Dynamic}, nil
	case *Alias:
		x, err := r.resolve(e.X)
		if err != nil {
			return nil, err
		}
		return &Alias{X: x, Name: e.Name}, nil
	case *Cast:
		x, err := r.resolve(e.X)
		if err != nil {
			return nil, err
		}
		if !canCast(x.DataType(), e.To) {
			return nil, core.Errorf(core.KindCompute, "cannot cast %s to %s in expression %s",
				dtypeName(x.DataType()), dtypeName(e.To), e).With("expression", e.String())
		}
		return foldCast(&Cast{X: x, To: e.To, Strict: e.Strict}), nil
	case *Unary:
		x, err := r.resolve(e.X)
		if err != nil {
			return nil, err
		}
		return r.unary(e, x)
	case *Agg:
		return r.agg(e)
	case *Call:
		return r.call(e)
	case *Window:
		return r.window(e)
	case *Binary:
		l, err := r.resolve(e.Left)
		if err != nil {
			return nil, err
		}
		rr, err := r.resolve(e.Right)
		if err != nil {
			return nil, err
		}
		return r.binary(e, l, rr)
	}
	return nil, core.Errorf(core.KindNotSupported, "expression %s is not supported", e)
}

func literalType(v any) arrow.DataType {
	switch v.(type) {
	case nil:
		return arrow.Null
	case bool:
		return arrow.FixedWidthTypes.Boolean
	case int64:
		return arrow.PrimitiveTypes.Int64
	case uint64:
		return arrow.PrimitiveTypes.Uint64
	case float64:
		return arrow.PrimitiveTypes.Float64
	case string:
		return arrow.BinaryTypes.String
	}
	return arrow.Null
}

func (r *resolver) unary(orig *Unary, x Expr) (Expr, error) {
	t := x.DataType()
	if orig.Op == OpNeg && isDecimal(t) {
		return &Unary{Op: OpNeg, X: x, Type: t}, nil // exact, in x's type
	}
	switch orig.Op {
	case OpIsNull, OpIsNotNull:
		return &Unary{Op: orig.Op, X: x, Type: arrow.FixedWidthTypes.Boolean}, nil
	case OpNot:
		if t.ID() == arrow.NULL {
			return &Unary{Op: OpNot, X: x, Type: arrow.FixedWidthTypes.Boolean}, nil
		}
		if core.IsInteger(t) { // bitwise not
			return &Unary{Op: OpNot, X: x, Type: t}, nil
		}
		if t.ID() != arrow.BOOL {
			return nil, core.Errorf(core.KindCompute,
				"cannot apply ~ (not) to a %s value in expression %s; it takes Boolean",
				dtypeName(t), orig)
		}
		return &Unary{Op: OpNot, X: x, Type: t}, nil
	case OpNeg:
		if !core.IsNumeric(t) || core.IsUnsigned(t) {
			return nil, core.Errorf(core.KindCompute, "cannot negate a %s value in expression %s", dtypeName(t), orig).
				With("expression", orig.String())
		}
		if lit, ok := x.(*Literal); ok {
			return foldNeg(lit), nil
		}
		return &Unary{Op: OpNeg, X: x, Type: t}, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "unary operator %q is not supported", orig.Op)
}

func foldNeg(l *Literal) Expr {
	switch v := l.Value.(type) {
	case int64:
		return &Literal{Value: -v, Type: l.Type, Dynamic: l.Dynamic}
	case float64:
		return &Literal{Value: -v, Type: l.Type, Dynamic: l.Dynamic}
	}
	return &Unary{Op: OpNeg, X: l, Type: l.Type}
}
