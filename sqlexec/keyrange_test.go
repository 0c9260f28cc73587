package sqlexec

import (
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestAccessPath pins how scan predicates become key ranges and index
// scans, as explain shows them.
func TestAccessPath(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int32},
		{Name: "b", Type: arrow.BinaryTypes.String},
		{Name: "c", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	src := &tableSource{name: "t", schema: schema, pk: []string{"a", "b"},
		indexes: []indexInfo{{name: "by_c", columns: []string{"c"}}}}
	c := func(n string) lazy.Expr { return &lazy.Column{Name: n} }
	lit := func(v any) lazy.Expr { return &lazy.Literal{Value: v} }
	cmp := func(op lazy.BinaryOp, l, r lazy.Expr) lazy.Expr { return &lazy.Binary{Op: op, Left: l, Right: r} }
	and := func(l, r lazy.Expr) lazy.Expr { return &lazy.Binary{Op: lazy.OpAnd, Left: l, Right: r} }
	cases := []struct {
		pred lazy.Expr
		want string
	}{
		{nil, "TABLE SCAN t"},
		{cmp(lazy.OpEq, c("a"), lit(int64(5))), "TABLE SCAN t KEY RANGE [a = 5]"},
		{and(cmp(lazy.OpEq, c("a"), lit(int64(5))), cmp(lazy.OpEq, c("b"), lit("x"))), "TABLE SCAN t KEY RANGE [a = 5 AND b = 'x']"},
		{and(cmp(lazy.OpGtEq, c("a"), lit(int64(3))), cmp(lazy.OpLt, c("a"), lit(int64(10)))), "TABLE SCAN t KEY RANGE [a >= 3 AND a < 10]"},
		{cmp(lazy.OpLt, lit(int64(3)), c("a")), "TABLE SCAN t KEY RANGE [a > 3]"},
		// 2.5 against an integer key: an inclusive bound at its floor still covers the rows
		{cmp(lazy.OpGt, c("a"), lit(2.5)), "TABLE SCAN t KEY RANGE [a >= 2]"},
		{and(cmp(lazy.OpEq, c("a"), lit(int64(1))), cmp(lazy.OpGt, c("b"), lit("m"))), "TABLE SCAN t KEY RANGE [a = 1 AND b > 'm']"},
		{&lazy.Call{Name: "is_in", Args: []lazy.Expr{c("a")}, Opts: map[string]any{"values": []any{int64(7), int64(2)}}},
			"TABLE SCAN t KEY RANGE [a = 2] OR [a = 7]"},
		// the second key column alone does not bound the key: an index on c does
		{cmp(lazy.OpEq, c("b"), lit("x")), "TABLE SCAN t"},
		{cmp(lazy.OpEq, c("c"), lit(1.5)), "INDEX SCAN t USING by_c [c = 1.5]"},
		{cmp(lazy.OpEq, c("a"), lit(nil)), "TABLE SCAN t"},
		{&lazy.Binary{Op: lazy.OpOr, Left: cmp(lazy.OpEq, c("a"), lit(int64(1))), Right: cmp(lazy.OpEq, c("a"), lit(int64(2)))}, "TABLE SCAN t"},
	}
	for _, tc := range cases {
		got := src.Access(tc.pred)
		if got != tc.want {
			name := "<nil>"
			if tc.pred != nil {
				name = tc.pred.String()
			}
			t.Errorf("%s:\n got %s\nwant %s", name, got, tc.want)
		}
	}
}
