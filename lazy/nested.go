package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// What the plan knows of nested types (lists, vectors, structs); the list
// functions themselves are entries of the function registry (lazy/fn).

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
