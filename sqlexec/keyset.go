package sqlexec

import (
	"cmp"
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
	for _, r := range raw {
		if r == nil {
			continue
		}
		v, exact := keyValue(t, &lazy.Literal{Value: r})
		if v == nil {
			return nil
		}
		if !exact {
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

// sortedBoxed sorts vs, drops repeats and returns them as Go values.
func sortedBoxed[T cmp.Ordered](vs []T) []any {
	slices.Sort(vs)
	vs = slices.Compact(vs)
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
