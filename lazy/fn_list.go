package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// The List functions: str.split, which makes a List(String) column, and the
// small list namespace that makes it useful (list.len, list.get,
// list.join). Polars' semantics; evaluated in lazy/exec/fn_list.go.

// IsList reports whether t is a variable-length list type.
func IsList(t arrow.DataType) bool {
	return t.ID() == arrow.LIST || t.ID() == arrow.LARGE_LIST
}

// IsNested reports whether t is a list, fixed-size list (vector) or struct
// type: values that can be carried through a plan but not compared,
// hashed or ordered.
func IsNested(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.STRUCT, arrow.MAP:
		return true
	}
	return false
}

// CheckKeyType returns a NotSupportedError naming the column when e is a
// nested value used as a key of an operation (a sort, join or group-by key).
func CheckKeyType(op string, e Expr) error {
	if t := e.DataType(); t != nil && IsNested(t) {
		return core.Errorf(core.KindNotSupported,
			"%s by %s (a %s column) is not supported: list and array values cannot be compared or hashed yet",
			op, e, dtypeName(t))
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

func checkListInput(name string, x Expr) error {
	if t := x.DataType(); !IsList(t) {
		return core.Errorf(core.KindCompute, "%s needs a List input, got %s", name, dtypeName(t))
	}
	return nil
}

func init() {
	RegisterFunction(&Function{Name: "str.split", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("str.split", args, 2, 2); err != nil {
			return nil, nil, err
		}
		if err := checkStringInput("str.split", args[0]); err != nil {
			return nil, nil, err
		}
		if !OptBool(opts, "literal", true) {
			return nil, nil, core.Errorf(core.KindNotSupported, "str.split with literal=False is not supported (Polars splits on literal text too)")
		}
		by, err := strArg{what: "separator"}.resolve("str.split", args[1])
		if err != nil {
			return nil, nil, err
		}
		return arrow.ListOf(arrow.BinaryTypes.String), []Expr{args[0], by}, nil
	}})
	RegisterFunction(&Function{Name: "list.len", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("list.len", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if err := checkListInput("list.len", args[0]); err != nil {
			return nil, nil, err
		}
		return arrow.PrimitiveTypes.Uint32, args, nil
	}})
	RegisterFunction(&Function{Name: "list.get", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("list.get", args, 2, 2); err != nil {
			return nil, nil, err
		}
		if err := checkListInput("list.get", args[0]); err != nil {
			return nil, nil, err
		}
		ix, err := strArg{what: "index", integer: true}.resolve("list.get", args[1])
		if err != nil {
			return nil, nil, err
		}
		return listElem(args[0].DataType()), []Expr{args[0], ix}, nil
	}})
	RegisterFunction(&Function{Name: "list.join", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("list.join", args, 2, 2); err != nil {
			return nil, nil, err
		}
		if err := checkListInput("list.join", args[0]); err != nil {
			return nil, nil, err
		}
		if el := listElem(args[0].DataType()); !core.IsString(el) && el.ID() != arrow.NULL {
			return nil, nil, core.Errorf(core.KindCompute, "list.join needs a List(String) input, got %s", dtypeName(args[0].DataType()))
		}
		sep, err := strArg{what: "separator"}.resolve("list.join", args[1])
		if err != nil {
			return nil, nil, err
		}
		return arrow.BinaryTypes.String, []Expr{args[0], sep}, nil
	}})
}
