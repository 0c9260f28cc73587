package sqlexec

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// translator turns AST expressions into lazy expressions over one
// relation. Scalar subqueries become references to columns that the caller
// joins in afterwards (see pendingSub); aggregates and window functions are
// allowed only where the caller says so.
type translator struct {
	b           *builder
	rel         *relation
	allowAgg    bool
	allowWindow bool
	// wholeInput: aggregates run over the whole input, with no GROUP BY, so
	// they may see no row at all (then SUM is null even of a non-null input).
	wholeInput bool
	// aliases are select-list outputs usable by name (GROUP BY, HAVING,
	// ORDER BY), translated over rel; a column of rel wins over an alias.
	aliases map[string]lazy.Expr
	pending []*pendingSub
	// pre are helper columns that window functions read, computed over rel
	// before the expressions (window.go).
	pre    []helperColumn
	clause string // shown in errors: "WHERE", "the SELECT list"
	// values maps a lower-case column name to the column holding the value
	// the row tried to insert: VALUES(c) in ON DUPLICATE KEY UPDATE.
	values map[string]lazy.Expr
	// aggInWindow: an aggregate here is a grouped query's, read by a window
	// function over the grouped rows (window.go, windowAggregate).
	aggInWindow bool
}

// pendingSub is a subquery met in an expression: its value is the column
// name once joined to the relation the expression runs on. Scalar
// subqueries give their value; EXISTS and IN (subquery), met outside a
// WHERE conjunction where they cannot filter by a semi join, give their
// truth value (see apply.go).
type pendingSub struct {
	query *ast.SubqueryExpr
	name  string
	kind  subKind
	lhs   ast.ExprNode // x of x IN (subquery)
	not   bool         // NOT EXISTS, NOT IN
}

// subKind is what a pending subquery's column holds.
type subKind int

const (
	subScalar subKind = iota // the subquery's value
	subExists                // [NOT] EXISTS (subquery)
	subIn                    // x [NOT] IN (subquery)
)

func (t *translator) exprs(ns []ast.ExprNode) ([]lazy.Expr, error) {
	out := make([]lazy.Expr, len(ns))
	for i, n := range ns {
		e, err := t.expr(n)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func dyn(v int64) lazy.Expr { return &lazy.Literal{Value: v, Dynamic: true} }

func nullLit() lazy.Expr { return &lazy.Literal{Value: nil} }

func bin(op lazy.BinaryOp, l, r lazy.Expr) lazy.Expr { return &lazy.Binary{Op: op, Left: l, Right: r} }

func not(e lazy.Expr) lazy.Expr { return &lazy.Unary{Op: lazy.OpNot, X: e} }

func call(name string, opts map[string]any, args ...lazy.Expr) lazy.Expr {
	if opts == nil {
		opts = map[string]any{}
	}
	return &lazy.Call{Name: name, Args: args, Opts: opts}
}

// when builds CASE WHEN c1 THEN v1 … ELSE otherwise END.
func when(otherwise lazy.Expr, pairs ...lazy.Expr) lazy.Expr {
	return call("when", nil, append(pairs, otherwise)...)
}

// expr translates n, and notes which SQL node the result came from (for
// errors that quote the query: errhelp.go).
func (t *translator) expr(n ast.ExprNode) (lazy.Expr, error) {
	e, err := t.exprOf(n)
	if err != nil {
		return nil, t.b.locate(err, n)
	}
	switch n.(type) {
	case *ast.ParenthesesExpr, *ast.ColumnNameExpr, *test_driver.ValueExpr, *test_driver.ParamMarkerExpr:
	default:
		t.note(n, e)
	}
	return e, nil
}

func (t *translator) exprOf(n ast.ExprNode) (lazy.Expr, error) {
	switch x := n.(type) {
	case *ast.ParenthesesExpr:
		return t.expr(x.Expr)
	case *ast.ColumnNameExpr:
		return t.column(x.Name)
	case *test_driver.ParamMarkerExpr:
		if x.Order < 0 || x.Order >= len(t.b.params) {
			return nil, core.Errorf(core.KindInvalidInput, "placeholder %d has no parameter value", x.Order+1)
		}
		return t.b.params[x.Order], nil
	case *test_driver.ValueExpr:
		return literal(x)
	case *ast.BinaryOperationExpr:
		return t.binary(x)
	case *ast.UnaryOperationExpr:
		v, err := t.expr(x.V)
		if err != nil {
			return nil, err
		}
		switch x.Op {
		case opcode.Minus:
			// The parser reads -9223372036854775808 as the negation of a
			// literal past int64; as in MySQL it is BIGINT's minimum.
			if lit, ok := v.(*lazy.Literal); ok && lit.Value == uint64(1<<63) {
				return dyn(int64(math.MinInt64)), nil
			}
			return &lazy.Unary{Op: lazy.OpNeg, X: v}, nil
		case opcode.Plus:
			return v, nil
		case opcode.Not, opcode.Not2:
			return t.logicalNot(v), nil
		}
		return nil, notSupported("the unary operator %s is not supported (in %s)", x.Op, restore(x))
	case *ast.IsNullExpr:
		v, err := t.expr(x.Expr)
		if err != nil {
			return nil, err
		}
		op := lazy.OpIsNull
		if x.Not {
			op = lazy.OpIsNotNull
		}
		return &lazy.Unary{Op: op, X: v}, nil
	case *ast.IsTruthExpr:
		v, err := t.expr(x.Expr)
		if err != nil {
			return nil, err
		}
		v = t.truth(v)
		if x.True == 0 {
			v = not(v)
		}
		out := call("fill_null", nil, v, &lazy.Literal{Value: false})
		if x.Not {
			out = not(out)
		}
		return out, nil
	case *ast.BetweenExpr:
		v, err := t.expr(x.Expr)
		if err != nil {
			return nil, err
		}
		lo, err := t.expr(x.Left)
		if err != nil {
			return nil, err
		}
		hi, err := t.expr(x.Right)
		if err != nil {
			return nil, err
		}
		vlo, lo, err := t.comparable(v, lo)
		if err != nil {
			return nil, err
		}
		vhi, hi, err := t.comparable(v, hi)
		if err != nil {
			return nil, err
		}
		out := bin(lazy.OpAnd, bin(lazy.OpGtEq, vlo, lo), bin(lazy.OpLtEq, vhi, hi))
		if x.Not {
			out = not(out)
		}
		return out, nil
	case *ast.PatternInExpr:
		if x.Sel != nil {
			sub, ok := x.Sel.(*ast.SubqueryExpr)
			if !ok {
				return nil, notSupported("IN of %s", restore(x))
			}
			p := &pendingSub{query: sub, name: t.b.fresh("in"), kind: subIn, lhs: x.Expr, not: x.Not}
			t.pending = append(t.pending, p)
			return col(p.name), nil
		}
		return t.inList(x)
	case *ast.PatternRegexpExpr:
		return t.regexpOp(x)
	case *ast.PatternLikeOrIlikeExpr:
		return t.like(x)
	case *ast.CaseExpr:
		return t.caseExpr(x)
	case *ast.FuncCallExpr:
		if x.FnName.L == ast.Grouping {
			return t.grouping(x) // group.go: a column of GROUP BY … WITH ROLLUP
		}
		return t.funcCall(x)
	case *ast.FuncCastExpr:
		return t.cast(x)
	case *ast.AggregateFuncExpr:
		if t.aggInWindow {
			return t.windowAggregate(x)
		}
		if !t.allowAgg && t.clause == windowClause {
			return nil, notSupported("aggregates inside a window function (%s), a window over a GROUP BY's result, "+
				"are not supported; aggregate in a subquery first", restore(x))
		}
		if !t.allowAgg {
			return nil, core.Errorf(core.KindInvalidInput, "aggregate %s is not allowed in %s", restore(x), t.clause)
		}
		return t.aggregate(x)
	case *ast.WindowFuncExpr:
		if !t.allowWindow {
			return nil, core.Errorf(core.KindInvalidInput, "window function %s is not allowed in %s", restore(x), t.clause)
		}
		return t.window(x)
	case *ast.SubqueryExpr:
		p := &pendingSub{query: x, name: t.b.fresh("subquery")}
		t.pending = append(t.pending, p)
		return col(p.name), nil
	case *ast.ExistsSubqueryExpr:
		sub, ok := x.Sel.(*ast.SubqueryExpr)
		if !ok {
			return nil, notSupported("EXISTS of %s", restore(x))
		}
		p := &pendingSub{query: sub, name: t.b.fresh("exists"), kind: subExists, not: x.Not}
		t.pending = append(t.pending, p)
		return col(p.name), nil
	case *ast.CompareSubqueryExpr:
		return t.quantified(x) // subquery.go
	case *ast.ValuesExpr:
		if t.values == nil {
			return nil, core.Errorf(core.KindInvalidInput, "VALUES(%s) is allowed only in INSERT … ON DUPLICATE KEY UPDATE", restore(x.Column))
		}
		v, ok := t.values[x.Column.Name.Name.L]
		if !ok {
			names := make([]string, 0, len(t.values))
			for n := range t.values {
				names = append(names, n)
			}
			return nil, core.ColumnNotFound(x.Column.Name.Name.O, names)
		}
		return v, nil
	case *ast.DefaultExpr:
		return nil, notSupported("DEFAULT is not supported in queries")
	case *ast.RowExpr:
		return nil, notSupported("row values such as (a, b) are not supported (in %s)", restore(x))
	case *ast.VariableExpr:
		return nil, notSupported("variables such as @x are not supported (in %s)", restore(x))
	}
	return nil, notSupported("the expression %s is not supported", restore(n))
}

// literal converts a parsed constant. Integers and decimals are dynamic,
// as Python literals are in the DataFrame API: they take the type of the
// column they meet.
func literal(v *test_driver.ValueExpr) (lazy.Expr, error) {
	switch v.Kind() {
	case test_driver.KindNull:
		return nullLit(), nil
	case test_driver.KindInt64:
		return dyn(v.GetInt64()), nil
	case test_driver.KindUint64:
		return &lazy.Literal{Value: v.GetUint64(), Type: arrow.PrimitiveTypes.Uint64}, nil
	case test_driver.KindFloat32, test_driver.KindFloat64:
		return floatLit(v.GetFloat64()), nil
	case test_driver.KindMysqlDecimal:
		f, err := strconv.ParseFloat(v.GetMysqlDecimal().String(), 64)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "decimal literal %s: %v", v.GetMysqlDecimal().String(), err)
		}
		return floatLit(f), nil
	case test_driver.KindString, test_driver.KindBytes:
		return &lazy.Literal{Value: v.GetString()}, nil
	}
	return nil, notSupported("literal %v is not supported", v.GetValue())
}

func floatLit(f float64) lazy.Expr {
	return &lazy.Literal{Value: f, Type: arrow.PrimitiveTypes.Float64, Dynamic: true}
}

// column resolves a column reference against the relation, then the
// select-list aliases.
func (t *translator) column(n *ast.ColumnName) (lazy.Expr, error) {
	if n.Schema.O != "" {
		return nil, notSupported("schema-qualified names such as %s are not supported", restore(n))
	}
	idx := t.rel.find(n.Table.O, n.Name.O)
	switch {
	case len(idx) == 1:
		return col(t.rel.cols[idx[0]].phys), nil
	case len(idx) > 1:
		var quals []string
		for _, i := range idx {
			quals = append(quals, t.rel.cols[i].qual+"."+t.rel.cols[i].name)
		}
		return nil, core.Errorf(core.KindInvalidInput,
			"column reference '%s' is ambiguous: it could be %s; qualify it with the table name",
			n.Name.O, strings.Join(quals, " or ")).With("column", n.Name.O).With("candidates", quals)
	}
	if n.Table.O == "" && t.aliases != nil {
		if e, ok := t.aliases[strings.ToLower(n.Name.O)]; ok {
			return e, nil
		}
	}
	if n.Table.O != "" && !t.rel.hasQual(n.Table.L) {
		return nil, tableNotFound(n.Table.O, t.rel.quals(), "table or alias")
	}
	name := n.Name.O
	if n.Table.O != "" {
		name = n.Table.O + "." + n.Name.O
	}
	return nil, t.rel.columnNotFound(name)
}

func (r *relation) hasQual(q string) bool {
	for _, c := range r.cols {
		if c.qual == q {
			return true
		}
	}
	return false
}

func (r *relation) quals() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.cols {
		if c.qual != "" && !seen[c.qual] {
			seen[c.qual] = true
			out = append(out, c.qual)
		}
	}
	return out
}

// tableNotFound builds a TableNotFoundError with close names.
func tableNotFound(name string, available []string, what string) error {
	sugg := core.Suggest(name, available)
	msg := what + " '" + name + "' not found"
	if len(sugg) > 0 {
		msg += "; did you mean '" + strings.Join(sugg, "', '") + "'?"
	}
	if len(available) > 0 {
		msg += " Available: '" + strings.Join(available, "', '") + "'"
	} else {
		msg += " (no tables are available: pass DataFrames in scope, register them in a SQLContext, or use read_parquet('…'))"
	}
	// available lets the Python front end add the frames of the caller's
	// scope that the query did not name (python/alopex/sql.py).
	return core.Errorf(core.KindTableNotFound, "%s", msg).With("table", name).With("suggestions", sugg).
		With("available", append([]string{}, available...))
}

// typeOf resolves e over the relation to learn its type (nil when it does
// not resolve, e.g. it holds aggregates over pending subqueries).
func (t *translator) typeOf(e lazy.Expr) arrow.DataType {
	r, err := lazy.Resolve(e, t.rel.plan.Schema())
	if err != nil {
		return nil
	}
	return r.DataType()
}

// truth makes a MySQL truth value Boolean: numbers are true when not zero.
func (t *translator) truth(e lazy.Expr) lazy.Expr {
	if isBoolean(e) {
		return e // known without resolving e again
	}
	if typ := t.typeOf(e); typ != nil && core.IsNumeric(typ) {
		return bin(lazy.OpNotEq, e, dyn(0))
	}
	return e
}

// isBoolean reports expressions that are Boolean by their shape: a
// comparison, a null test, a string or list predicate, or a connective or
// negation of such (one of integers would be bitwise).
func isBoolean(e lazy.Expr) bool {
	switch x := e.(type) {
	case *lazy.Binary:
		switch {
		case x.Op.IsComparison():
			return true
		case x.Op.IsLogical():
			return isBoolean(x.Left) && isBoolean(x.Right)
		}
	case *lazy.Unary:
		switch x.Op {
		case lazy.OpIsNull, lazy.OpIsNotNull:
			return true
		case lazy.OpNot:
			return isBoolean(x.X)
		}
	case *lazy.Call:
		switch x.Name {
		case "is_in", "str.starts_with", "str.ends_with", "str.contains":
			return true
		case "when": // when(c1, v1, …, otherwise): Boolean when every value is
			n := len(x.Args)
			if n%2 == 0 {
				return false
			}
			for i := 1; i < n; i += 2 {
				if !isBoolean(x.Args[i]) && !isBooleanLiteral(x.Args[i]) {
					return false
				}
			}
			return isBoolean(x.Args[n-1]) || isBooleanLiteral(x.Args[n-1])
		}
	}
	return false
}

func isBooleanLiteral(e lazy.Expr) bool {
	l, ok := e.(*lazy.Literal)
	if !ok {
		return false
	}
	if _, isBool := l.Value.(bool); isBool {
		return true
	}
	return l.Value == nil && l.Type != nil && l.Type.ID() == arrow.BOOL
}

func (t *translator) logicalNot(e lazy.Expr) lazy.Expr { return not(t.truth(e)) }

// simpleBinary are the operators that translate one to one.
var simpleBinary = map[opcode.Op]lazy.BinaryOp{
	opcode.EQ: lazy.OpEq, opcode.NE: lazy.OpNotEq, opcode.LT: lazy.OpLt, opcode.LE: lazy.OpLtEq,
	opcode.GT: lazy.OpGt, opcode.GE: lazy.OpGtEq, opcode.Plus: lazy.OpAdd, opcode.Minus: lazy.OpSub,
	opcode.Mul: lazy.OpMul,
}

// intArithOps are the operators whose integer form is MySQL's: computed in
// BIGINT, an overflow an error (fn.SQLIntArith), not the DataFrame
// API's wrapping arithmetic in the operands' width.
var intArithOps = map[lazy.BinaryOp]string{lazy.OpAdd: "add", lazy.OpSub: "sub", lazy.OpMul: "mul"}

// integer reports whether e's type is known to be an integer type. An
// integer operation is one without resolving it again: a chain
// c1 + c2 + … + cN stays linear to plan.
func (t *translator) integer(e lazy.Expr) bool {
	typ := t.arithType(e)
	return typ != nil && core.IsInteger(typ)
}

// decimalArith reports an arithmetic operation MySQL computes in DECIMAL:
// a DECIMAL operand beside a DECIMAL, an integer or null (beside a DOUBLE
// it is DOUBLE arithmetic). The right operand is typed first, as in
// integer: a chain of floats stops there.
func (t *translator) decimalArith(l, r lazy.Expr) bool {
	rt := t.arithType(r)
	if rt == nil || !fn.SQLDecimalOperand(rt) {
		return false
	}
	lt := t.arithType(l)
	return lt != nil && fn.SQLDecimalOperand(lt) && (lt.ID() == arrow.DECIMAL128 || rt.ID() == arrow.DECIMAL128)
}

// arithType is e's type, known without resolving e for SQL's checked
// arithmetic (so a chain of them plans in linear time).
func (t *translator) arithType(e lazy.Expr) arrow.DataType {
	if c, ok := e.(*lazy.Call); ok {
		switch c.Name {
		case fn.SQLIntArith:
			return arrow.PrimitiveTypes.Int64
		case fn.SQLDecimalArith:
			return &arrow.Decimal128Type{Precision: fn.MaxDecimalPrecision}
		}
	}
	return t.typeOf(e)
}

func (t *translator) binary(x *ast.BinaryOperationExpr) (lazy.Expr, error) {
	l, err := t.expr(x.L)
	if err != nil {
		return nil, err
	}
	r, err := t.expr(x.R)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE, opcode.NullEQ:
		if l, r, err = t.comparable(l, r); err != nil {
			return nil, err
		}
	}
	if op, ok := simpleBinary[x.Op]; ok {
		if folded, ok := foldDecimal(op, l, r); ok {
			return folded, nil
		}
		// The right operand first: in a left-deep chain a + b + … it is the
		// cheap one to type, and a non-integer one stops the check there.
		if name, ok := intArithOps[op]; ok && t.integer(r) && t.integer(l) {
			return call(fn.SQLIntArith, map[string]any{"op": name}, l, r), nil
		}
		if name, ok := intArithOps[op]; ok && t.decimalArith(l, r) {
			return call(fn.SQLDecimalArith, map[string]any{"op": name}, l, r), nil
		}
		return bin(op, l, r), nil
	}
	switch x.Op {
	case opcode.LogicAnd:
		return bin(lazy.OpAnd, t.truth(l), t.truth(r)), nil
	case opcode.LogicOr:
		return bin(lazy.OpOr, t.truth(l), t.truth(r)), nil
	case opcode.LogicXor:
		return bin(lazy.OpXor, t.truth(l), t.truth(r)), nil
	case opcode.Div:
		if t.decimalArith(l, r) {
			return call(fn.SQLDecimalArith, map[string]any{"op": "div"}, l, r), nil // null on a zero divisor
		}
		return divide(l, r), nil
	case opcode.IntDiv:
		return nullIfZero(r, &lazy.Cast{X: bin(lazy.OpTrueDiv, l, r), To: arrow.PrimitiveTypes.Int64, Strict: false}), nil
	case opcode.Mod:
		return mysqlMod(l, r), nil
	case opcode.NullEQ:
		// a <=> b: equal, with null equal to null.
		bothNull := bin(lazy.OpAnd, &lazy.Unary{Op: lazy.OpIsNull, X: l}, &lazy.Unary{Op: lazy.OpIsNull, X: r})
		return call("fill_null", nil, bin(lazy.OpOr, bothNull, bin(lazy.OpEq, l, r)), &lazy.Literal{Value: false}), nil
	}
	return nil, notSupported("the operator %s is not supported (in %s)", x.Op, restore(x))
}

// foldDecimal computes +, - and * of two numeric constants exactly, as
// MySQL's decimal arithmetic does (0.06 - 0.01 is 0.05, not
// 0.049999999999999996), then rounds once to the nearest float.
func foldDecimal(op lazy.BinaryOp, l, r lazy.Expr) (lazy.Expr, bool) {
	ll, lok := l.(*lazy.Literal)
	rl, rok := r.(*lazy.Literal)
	if !lok || !rok || !ll.Dynamic || !rl.Dynamic {
		return nil, false
	}
	_, lf := ll.Value.(float64)
	_, rf := rl.Value.(float64)
	if !lf && !rf {
		return nil, false // integer arithmetic stays as the DataFrame API writes it
	}
	rat := func(v any) (*big.Rat, bool) {
		switch x := v.(type) {
		case int64:
			return new(big.Rat).SetInt64(x), true
		case float64:
			return new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
		}
		return nil, false
	}
	a, ok1 := rat(ll.Value)
	c, ok2 := rat(rl.Value)
	if !ok1 || !ok2 {
		return nil, false
	}
	switch op {
	case lazy.OpAdd:
		a.Add(a, c)
	case lazy.OpSub:
		a.Sub(a, c)
	case lazy.OpMul:
		a.Mul(a, c)
	default:
		return nil, false
	}
	f, _ := a.Float64()
	return floatLit(f), true
}

// divide is MySQL's /: never integer division, and null when dividing by
// zero (Polars gives inf or NaN).
func divide(l, r lazy.Expr) lazy.Expr { return nullIfZero(r, bin(lazy.OpTrueDiv, l, r)) }

// nullIfZero is e, or null where the divisor d is zero. A non-zero
// literal divisor needs no check.
func nullIfZero(d, e lazy.Expr) lazy.Expr {
	if lit, ok := d.(*lazy.Literal); ok {
		switch v := lit.Value.(type) {
		case int64:
			if v != 0 {
				return e
			}
		case float64:
			if v != 0 {
				return e
			}
		}
	}
	return when(e, bin(lazy.OpEq, d, dyn(0)), nullLit())
}

// mysqlMod is MySQL's MOD: the truncated remainder, with the sign of the
// dividend (Polars' % has the divisor's), and MOD by zero is null.
func mysqlMod(l, r lazy.Expr) lazy.Expr {
	return nullIfZero(r, bin(lazy.OpRem, l, r))
}

func (t *translator) inList(x *ast.PatternInExpr) (lazy.Expr, error) {
	v, err := t.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	items, err := t.exprs(x.List)
	if err != nil {
		return nil, err
	}
	if vt := t.typeOf(v); vt != nil && !core.IsString(vt) {
		for i, it := range items {
			// Each item meets v as in v = item ('2020-01-01' beside a date);
			// a cast of v itself (a date beside a datetime text) is left to
			// the planner's coercion of that one equality.
			v2, it2, err := t.comparable(v, it)
			if err != nil {
				return nil, err
			}
			if v2 == v {
				items[i] = it2
			}
		}
	}
	// The non-null constants are one is_in (a hash-set probe, linear in
	// the list); any other item is an equality. They are OR-ed, with SQL's
	// null semantics: x IN (1, NULL) is null when x is not 1, and the OR
	// of x = NULL gives exactly that.
	var values []any
	var terms []lazy.Expr
	nullItem := false
	for _, it := range items {
		lit, ok := it.(*lazy.Literal)
		switch {
		case ok && lit.Value == nil:
			nullItem = true
		case ok && (lit.Type == nil || lit.Type.ID() != arrow.DATE32):
			values = append(values, lit.Value)
		default:
			terms = append(terms, bin(lazy.OpEq, v, it))
		}
	}
	if nullItem {
		terms = append(terms, bin(lazy.OpEq, v, nullLit()))
	}
	if values != nil {
		in := call("is_in", map[string]any{"values": values}, v)
		// is_in is false for a null input; SQL says null.
		in = when(in, &lazy.Unary{Op: lazy.OpIsNull, X: v}, &lazy.Literal{Value: nil, Type: arrow.FixedWidthTypes.Boolean})
		terms = append([]lazy.Expr{in}, terms...)
	}
	out := balancedOr(terms)
	if x.Not {
		out = not(out)
	}
	return out, nil
}

// balancedOr is the OR of terms as a balanced tree: its depth grows with
// the logarithm of the number of terms, where a chain would be as deep as
// the list is long.
func balancedOr(terms []lazy.Expr) lazy.Expr {
	if len(terms) == 1 {
		return terms[0]
	}
	mid := len(terms) / 2
	return bin(lazy.OpOr, balancedOr(terms[:mid]), balancedOr(terms[mid:]))
}

func (t *translator) caseExpr(x *ast.CaseExpr) (lazy.Expr, error) {
	var value lazy.Expr
	if x.Value != nil {
		v, err := t.expr(x.Value)
		if err != nil {
			return nil, err
		}
		value = v
	}
	var args []lazy.Expr
	for _, w := range x.WhenClauses {
		c, err := t.expr(w.Expr)
		if err != nil {
			return nil, err
		}
		if value != nil {
			v, w, err := t.comparable(value, c)
			if err != nil {
				return nil, err
			}
			c = bin(lazy.OpEq, v, w)
		} else {
			c = t.truth(c)
		}
		r, err := t.expr(w.Result)
		if err != nil {
			return nil, err
		}
		args = append(args, c, r)
	}
	otherwise := nullLit()
	if x.ElseClause != nil {
		e, err := t.expr(x.ElseClause)
		if err != nil {
			return nil, err
		}
		otherwise = e
	}
	return when(otherwise, args...), nil
}

// like translates LIKE: prefix, suffix and infix patterns become the
// string functions the DataFrame API uses (str.starts_with, …); others a
// regular expression matching the whole string. Matching is
// case-sensitive (a binary collation).
func (t *translator) like(x *ast.PatternLikeOrIlikeExpr) (lazy.Expr, error) {
	v, err := t.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	p, err := t.expr(x.Pattern)
	if err != nil {
		return nil, err
	}
	lit, ok := p.(*lazy.Literal)
	var pat string
	if ok {
		pat, ok = lit.Value.(string)
	}
	escape := x.Escape
	if escape == 0 {
		escape = '\\'
	}
	var out lazy.Expr
	switch {
	case !ok:
		// A pattern computed per row (a column, CONCAT('%', x, '%'), a
		// number read as its text): matched row by row.
		if !x.IsLike { // ILIKE
			v, p = call("str.to_lowercase", nil, v), call("str.to_lowercase", nil, p)
		}
		out = call(fn.SQLLike, nil, v, p, &lazy.Literal{Value: string(rune(escape))})
	default:
		if !x.IsLike { // ILIKE
			v = call("str.to_lowercase", nil, v)
			pat = strings.ToLower(pat)
		}
		out = likeExpr(v, pat, escape)
	}
	if x.Not {
		out = not(out)
	}
	return out, nil
}

func likeExpr(v lazy.Expr, pat string, escape byte) lazy.Expr {
	// Split into literal text and wildcards.
	type piece struct {
		text string
		wild byte // 0, '%' or '_'
	}
	var pieces []piece
	var cur strings.Builder
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == escape && i+1 < len(pat):
			i++
			cur.WriteByte(pat[i])
		case c == '%' || c == '_':
			if cur.Len() > 0 {
				pieces = append(pieces, piece{text: cur.String()})
				cur.Reset()
			}
			if c == '%' && len(pieces) > 0 && pieces[len(pieces)-1].wild == '%' {
				continue
			}
			pieces = append(pieces, piece{wild: c})
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		pieces = append(pieces, piece{text: cur.String()})
	}
	str := func(s string) lazy.Expr { return &lazy.Literal{Value: s} }
	switch {
	case len(pieces) == 0:
		return bin(lazy.OpEq, v, str(""))
	case len(pieces) == 1 && pieces[0].wild == 0:
		return bin(lazy.OpEq, v, str(pieces[0].text))
	case len(pieces) == 1 && pieces[0].wild == '%':
		// Any string matches, but NULL LIKE '%' is NULL (is_not_null would say false).
		return call("str.starts_with", nil, v, str(""))
	case len(pieces) == 2 && pieces[0].wild == 0 && pieces[1].wild == '%':
		return call("str.starts_with", nil, v, str(pieces[0].text))
	case len(pieces) == 2 && pieces[0].wild == '%' && pieces[1].wild == 0:
		return call("str.ends_with", nil, v, str(pieces[1].text))
	case len(pieces) == 3 && pieces[0].wild == '%' && pieces[1].wild == 0 && pieces[2].wild == '%':
		return call("str.contains", map[string]any{"literal": true, "strict": true}, v, str(pieces[1].text))
	}
	// A leading or trailing % is an unanchored end rather than ^.* or .*$,
	// which Go's regexp engine would try from every position.
	var re strings.Builder
	re.WriteString("(?s)")
	if pieces[0].wild == '%' {
		pieces = pieces[1:]
	} else {
		re.WriteString("^")
	}
	anchorEnd := true
	if pieces[len(pieces)-1].wild == '%' {
		pieces, anchorEnd = pieces[:len(pieces)-1], false
	}
	for _, p := range pieces {
		switch p.wild {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		default:
			re.WriteString(regexpQuote(p.text))
		}
	}
	if anchorEnd {
		re.WriteString("$")
	}
	return call("str.contains", map[string]any{"literal": false, "strict": true}, v, str(re.String()))
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
