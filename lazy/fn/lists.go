package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The List functions: str.split, which makes a List(String) column, and the
// small list namespace that makes it useful (list.len, list.get,
// list.join), with Polars' semantics. The input is materialized; the other
// arguments go to the kernels as scalars or columns.

var listFunctions = []*Scalar{
	{Name: "str.split", Python: []string{"Expr.str.split"}, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs, Type: typeStrSplit,
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrSplit(mem, a, args[0], c.Opts.Bool("inclusive", false))
		})},
	{Name: "list.len", Python: []string{"Expr.list.len"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			if err := listInput(b); err != nil {
				return err
			}
			b.Out = u32
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, _ *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.ListLen(mem, a)
		})},
	{Name: "list.get", Python: []string{"Expr.list.get"}, MinArgs: 2, MaxArgs: 2, Nulls: NullsAny,
		Type: func(b *Binding) error {
			if err := listInput(b); err != nil {
				return err
			}
			if err := (strArg{what: "index", integer: true}).bind(b, 1); err != nil {
				return err
			}
			b.Out = listElem(b.Args[0].DataType())
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.ListGet(mem, a, args[0], c.Opts.Bool("null_on_oob", true))
		})},
	{Name: "list.join", Python: []string{"Expr.list.join"}, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			if err := listInput(b); err != nil {
				return err
			}
			if el := listElem(b.Args[0].DataType()); !core.IsString(el) && el.ID() != arrow.NULL {
				return core.Errorf(core.KindCompute, "list.join needs a List(String) input, got %s",
					core.DTypeName(b.Args[0].DataType()))
			}
			if err := (strArg{what: "separator"}).bind(b, 1); err != nil {
				return err
			}
			b.Out = str
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.ListJoin(mem, a, args[0], c.Opts.Bool("ignore_nulls", true))
		})},
}

func typeStrSplit(b *Binding) error {
	if err := checkStringInput(b); err != nil {
		return err
	}
	if !b.Opts.Bool("literal", true) {
		return core.Errorf(core.KindNotSupported, "str.split with literal=False is not supported (Polars splits on literal text too)")
	}
	if err := (strArg{what: "separator"}).bind(b, 1); err != nil {
		return err
	}
	b.Out = arrow.ListOf(str)
	return nil
}

// listInput checks that the input is a list.
func listInput(b *Binding) error {
	if t := b.Args[0].DataType(); t.ID() != arrow.LIST && t.ID() != arrow.LARGE_LIST {
		return core.Errorf(core.KindCompute, "%s needs a List input, got %s", b.Name, core.DTypeName(t))
	}
	return nil
}

func listElem(t arrow.DataType) arrow.DataType {
	switch t := t.(type) {
	case *arrow.ListType:
		return t.Elem()
	case *arrow.LargeListType:
		return t.Elem()
	}
	return nil
}
