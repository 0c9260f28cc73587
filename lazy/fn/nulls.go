package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Null and NaN handling and conditionals: each result is one of the
// argument values, so the arguments are cast to their supertype.

var nullFunctions = []*Scalar{
	coalesceFn("fill_null", []string{"Expr.fill_null"}, nil),
	coalesceFn("coalesce", []string{"ax.coalesce"}, []string{"coalesce"}),
	{Name: "fill_nan", Python: []string{"Expr.fill_nan"}, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !core.IsFloat(t) {
				b.Out = t // nothing to fill: only floats hold NaN (Eval returns the input)
				return nil
			}
			st, ok := b.Supertype(0, 1)
			if !ok {
				return core.Errorf(core.KindCompute, "fill_nan value does not fit %s", core.DTypeName(t))
			}
			b.Out = st
			b.Cast(0, st)
			b.Cast(1, st)
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			if !core.IsFloat(c.Type) {
				return args[0].Materialize(mem, n)
			}
			return kernels.FillNaN(mem, c.Type, args[0], args[1], n)
		}},
	// when(c1, v1, c2, v2, ..., otherwise): the value of the first true
	// condition (a null condition is false).
	{Name: "when", Python: []string{"ax.when"}, MinArgs: 0, MaxArgs: -1, Nulls: NullsFromValues,
		Type: func(b *Binding) error {
			n := len(b.Args)
			if n < 3 || n%2 == 0 {
				return core.Errorf(core.KindInvalidInput, "when needs condition/value pairs and an otherwise value")
			}
			var values []int
			for i := 0; i+1 < n; i += 2 {
				if t := b.Args[i].DataType(); t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
					return core.Errorf(core.KindCompute, "when() condition %s is %s, not Boolean", b.Args[i], core.DTypeName(t))
				}
				b.Cast(i, boolean)
				values = append(values, i+1)
			}
			values = append(values, n-1)
			t, ok := b.Supertype(values...)
			if !ok {
				return core.Errorf(core.KindCompute, "then/otherwise values have no common type")
			}
			for _, i := range values {
				b.Cast(i, t)
			}
			b.Out = t
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.When(mem, c.Type, args, n)
		}},
}

// coalesceFn is the first non-null of its arguments.
func coalesceFn(name string, python, sql []string) *Scalar {
	return &Scalar{
		Name: name, Python: python, SQL: sql, MinArgs: 1, MaxArgs: -1, Nulls: NullsIfAllArgs,
		Type: func(b *Binding) error {
			t, ok := b.Supertype()
			if !ok {
				return core.Errorf(core.KindCompute, "%s arguments have no common type", name)
			}
			for i := range b.Args {
				b.Cast(i, t)
			}
			b.Out = t
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.Coalesce(mem, c.Type, args, n)
		},
	}
}
