package sqlexec

import (
	"cmp"
	"math"
	"slices"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// keySet is the access path of is_in on a table's one key column
// (db.table("t").filter(col("id").is_in(keys)), SQL's id IN (…)): the
// distinct values that can match, read by one forward walk of the store
// (storage.Txn.ScanKeys) rather than a range per value.
type keySet struct {
	values []any
	// sorted: values are in the order of their row keys (integers), so
	// the storage need not sort the encoded keys.
	sorted bool
}

// newKeySet converts is_in values to keys of a column of type t, as the
// key ranges do (keyValue): values that fall between keys (2.5 against an
// integer) and NULLs (a key column holds none) match no row and are left
// out. It returns nil when a value does not convert (a string against an
// integer key): the filter then decides, over a table scan.
func newKeySet(t arrow.DataType, raw []any) *keySet {
	var ints []int64
	var uints []uint64
	var others []any
	signed := isSignedKey(t)
	for _, r := range raw {
		if r == nil {
			continue
		}
		if i, ok := r.(int64); ok && signed { // the common case, without a literal
			if inKeyRange(t, i) {
				ints = append(ints, i)
			}
			continue
		}
		v, exact := keyValue(t, &lazy.Literal{Value: r})
		if v == nil {
			return nil
		}
		if !exact {
			continue
		}
		if i, ok := v.(int64); ok && signed && !inKeyRange(t, i) {
			continue // 300 against an Int8 key
		}
		if u, ok := v.(uint64); ok && u > maxUnsigned(t) {
			continue
		}
		switch x := v.(type) {
		case int64:
			ints = append(ints, x)
		case uint64:
			uints = append(uints, x)
		default:
			others = append(others, x)
		}
	}
	switch {
	case len(others) > 0 || (len(ints) == 0 && len(uints) == 0):
		// Floats, strings and booleans: the storage sorts their encoded keys
		// (a string key's order is its collation's).
		return &keySet{values: others}
	case len(ints) > 0:
		return &keySet{values: sortedBoxed(ints), sorted: true}
	default:
		return &keySet{values: sortedBoxed(uints), sorted: true}
	}
}

// isSignedKey: keyValue takes an int64 as it is for a key of type t.
func isSignedKey(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}

// inKeyRange: a key of signed integer type t can hold i.
func inKeyRange(t arrow.DataType, i int64) bool {
	switch t.ID() {
	case arrow.INT8:
		return i >= math.MinInt8 && i <= math.MaxInt8
	case arrow.INT16:
		return i >= math.MinInt16 && i <= math.MaxInt16
	case arrow.INT32:
		return i >= math.MinInt32 && i <= math.MaxInt32
	}
	return true
}

// maxUnsigned is the largest key of type t, an unsigned integer type.
func maxUnsigned(t arrow.DataType) uint64 {
	switch t.ID() {
	case arrow.UINT8:
		return math.MaxUint8
	case arrow.UINT16:
		return math.MaxUint16
	case arrow.UINT32:
		return math.MaxUint32
	}
	return math.MaxUint64
}

// sortedBoxed sorts vs, drops repeats and returns them as Go values.
func sortedBoxed[T cmp.Ordered](vs []T) []any {
	if !slices.IsSorted(vs) {
		slices.Sort(vs)
	}
	vs = slices.Compact(vs)
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
