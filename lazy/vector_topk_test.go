package lazy_test

import (
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// FilterKey tells apart what a stored search's allow-list cache must not
// confuse: long vector literals that explain abbreviates alike, literals of
// the same text and different types, and different call options.
func TestFilterKeyTellsFiltersApart(t *testing.T) {
	vec := func(last float32) lazy.Expr {
		v := make([]float32, 16)
		v[15] = last
		return &lazy.Call{Name: "l2_distance", Args: []lazy.Expr{&lazy.Column{Name: "emb"}, &lazy.Literal{Value: v}}, Type: arrow.PrimitiveTypes.Float32}
	}
	lt := func(x lazy.Expr) lazy.Expr {
		return &lazy.Binary{Op: lazy.OpLt, Left: x, Right: &lazy.Literal{Value: 0.5}}
	}
	a, b := lt(vec(1)), lt(vec(2))
	if a.String() != b.String() {
		t.Fatalf("the test needs texts explain abbreviates alike: %s / %s", a, b)
	}
	day := &lazy.Literal{Value: int64(3), Type: arrow.FixedWidthTypes.Date32}
	num := &lazy.Literal{Value: int64(3), Type: arrow.PrimitiveTypes.Int64}
	c := &lazy.Column{Name: "d"}
	keys := map[string]string{
		"vector 1": lazy.FilterKey([]lazy.Expr{a}),
		"vector 2": lazy.FilterKey([]lazy.Expr{b}),
		"date":     lazy.FilterKey([]lazy.Expr{&lazy.Binary{Op: lazy.OpEq, Left: c, Right: day}}),
		"int":      lazy.FilterKey([]lazy.Expr{&lazy.Binary{Op: lazy.OpEq, Left: c, Right: num}}),
		"two":      lazy.FilterKey([]lazy.Expr{a, b}),
	}
	seen := map[string]string{}
	for name, k := range keys {
		if other, dup := seen[k]; dup {
			t.Fatalf("%s and %s have the same key %q", name, other, k)
		}
		seen[k] = name
	}
	if lazy.FilterKey([]lazy.Expr{a}) != lazy.FilterKey([]lazy.Expr{lt(vec(1))}) {
		t.Fatal("equal filters have different keys")
	}
}
