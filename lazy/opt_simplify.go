package lazy

import "github.com/apache/arrow-go/v18/arrow"

// simplify folds constant expressions and removes work that cannot change a
// result: an operation whose operands are all literals becomes its value
// (computed by the executor's own kernels, so that folding never disagrees
// with running: overflow, NaN and null rules are the same), AND/OR with a
// literal operand reduce by Kleene logic, double negation and casts to the
// type a value already has disappear, when/then with a literal condition
// picks its branch, a filter that keeps every row goes and one that keeps
// none becomes an empty slice (which slice pushdown turns into a scan that
// reads nothing). Expressions that fail when folded (a strict cast of a bad
// literal) are left to fail at run time, with the usual error.
type simplify struct {
	// fold computes the value of an expression that reads no column (the
	// executor's, given to Optimize); nil: only the rewrites that need no
	// evaluation apply.
	fold Folder
}

// Folder computes the value of an expression that reads no column, as a
// literal (nil when it has none).
type Folder func(Expr) (*Literal, error)

func (simplify) Name() string { return "simplify" }

func (r simplify) Apply(p Plan) Plan {
	p = mapChildren(p, r.Apply)
	switch n := p.(type) {
	case *Filter:
		pred := r.expr(n.Predicate)
		if isLiteralBool(pred, true) {
			return n.Input
		}
		if isFalseOrNull(pred) {
			return &Slice{Input: n.Input, Offset: 0, Length: 0}
		}
		if pred != n.Predicate {
			return &Filter{Input: n.Input, Predicate: pred}
		}
	case *Scan:
		if n.Predicate == nil {
			return n
		}
		pred := r.expr(n.Predicate)
		switch {
		case isLiteralBool(pred, true):
			return n.WithPushdown(n.Columns, nil, n.Limit)
		case isFalseOrNull(pred):
			return &Slice{Input: n.WithPushdown(n.Columns, nil, n.Limit), Offset: 0, Length: 0}
		case pred != n.Predicate:
			return n.WithPushdown(n.Columns, pred, n.Limit)
		}
	case *Project:
		if exprs, changed := r.named(n.Exprs); changed {
			return n.WithExprs(exprs)
		}
	case *Aggregate:
		keys, kc := r.named(n.Keys)
		aggs, ac := r.named(n.Aggregates)
		if kc || ac {
			return n.WithExprs(keys, aggs)
		}
	}
	return p
}

// named simplifies output expressions, keeping each one's name.
func (r simplify) named(exprs []Expr) ([]Expr, bool) {
	out := make([]Expr, len(exprs))
	changed := false
	for i, e := range exprs {
		s := r.expr(e)
		if s != e {
			changed = true
			if name := OutputName(e); OutputName(s) != name {
				s = &Alias{X: s, Name: name}
			}
		}
		out[i] = s
	}
	return out, changed
}

// expr rewrites e bottom-up; it returns e itself when nothing changed.
func (r simplify) expr(e Expr) Expr {
	ch := e.Children()
	if len(ch) > 0 {
		next := make([]Expr, len(ch))
		changed := false
		for i, c := range ch {
			next[i] = r.expr(c)
			changed = changed || next[i] != c
		}
		if changed {
			e = e.WithChildren(next)
		}
	}
	if s := simplifyNode(e); s != nil {
		return s
	}
	if folded := r.foldConstant(e); folded != nil {
		return folded
	}
	return e
}

// simplifyNode applies the algebraic rewrites to one node whose children are
// already simplified; nil when none applies.
func simplifyNode(e Expr) Expr {
	switch e := e.(type) {
	case *Binary:
		if e.Type == nil || e.Type.ID() != arrow.BOOL {
			return nil
		}
		switch e.Op {
		case OpAnd:
			// Kleene: x & true = x, x & false = false (null & false is false).
			if isLiteralBool(e.Left, true) {
				return keepType(e.Right, e.Type)
			}
			if isLiteralBool(e.Right, true) {
				return keepType(e.Left, e.Type)
			}
			if isLiteralBool(e.Left, false) || isLiteralBool(e.Right, false) {
				return &Literal{Value: false, Type: arrow.FixedWidthTypes.Boolean}
			}
		case OpOr:
			// x | false = x, x | true = true (null | true is true).
			if isLiteralBool(e.Left, false) {
				return keepType(e.Right, e.Type)
			}
			if isLiteralBool(e.Right, false) {
				return keepType(e.Left, e.Type)
			}
			if isLiteralBool(e.Left, true) || isLiteralBool(e.Right, true) {
				return &Literal{Value: true, Type: arrow.FixedWidthTypes.Boolean}
			}
		}
	case *Unary:
		if e.Op == OpNot {
			if inner, ok := e.X.(*Unary); ok && inner.Op == OpNot && arrow.TypeEqual(inner.X.DataType(), e.Type) {
				return inner.X
			}
		}
	case *Cast:
		if t := e.X.DataType(); t != nil && e.To != nil && arrow.TypeEqual(t, e.To) {
			return keepType(e.X, e.To)
		}
	case *Call:
		if e.Name == "when" && len(e.Args) >= 3 {
			return simplifyWhen(e)
		}
	}
	return nil
}

// simplifyWhen drops the branches of when(c1, v1, c2, v2, ..., otherwise)
// whose condition is a literal false or null, and ends the chain at the
// first literal true; nil when nothing changes.
func simplifyWhen(e *Call) Expr {
	args := e.Args
	otherwise := args[len(args)-1]
	var kept []Expr
	changed := false
	for i := 0; i+1 < len(args); i += 2 {
		c, v := args[i], args[i+1]
		if isFalseOrNull(c) {
			changed = true
			continue
		}
		if isLiteralBool(c, true) {
			otherwise, changed = v, true
			break
		}
		kept = append(kept, c, v)
	}
	if !changed {
		return nil
	}
	if len(kept) == 0 {
		return keepType(otherwise, e.Type)
	}
	return &Call{Name: e.Name, Args: append(kept, otherwise), Opts: e.Opts, Type: e.Type}
}

// keepType returns x standing in for an expression of type t, so that a
// rewrite never changes a type the plan's schemas were built with: a
// dynamic literal (which a projection would still settle, an integer as
// Int32) is pinned to t, a value of another type is cast to it.
func keepType(x Expr, t arrow.DataType) Expr {
	if t == nil {
		return x
	}
	if l, ok := x.(*Literal); ok && l.Dynamic {
		if l.Value == nil || (l.Type != nil && arrow.TypeEqual(l.Type, t)) {
			return &Literal{Value: l.Value, Type: t}
		}
		return &Cast{X: x, To: t, Strict: true}
	}
	if xt := x.DataType(); xt != nil && !arrow.TypeEqual(xt, t) {
		return &Cast{X: x, To: t, Strict: true}
	}
	return x
}

// foldConstant evaluates an operation over literals; nil when e is not one
// or cannot be folded here.
func (r simplify) foldConstant(e Expr) Expr {
	if r.fold == nil || e.DataType() == nil {
		return nil
	}
	switch x := e.(type) {
	case *Binary, *Unary, *Cast:
	case *Call:
		if IsWindowFunction(x.Name) {
			return nil
		}
	default:
		return nil // columns, literals, aliases, aggregates, windows
	}
	for _, c := range e.Children() {
		if _, ok := c.(*Literal); !ok {
			return nil
		}
	}
	lit, err := r.fold(e)
	if err != nil || lit == nil {
		return nil
	}
	return lit
}

func isLiteralBool(e Expr, v bool) bool {
	l, ok := e.(*Literal)
	if !ok {
		return false
	}
	b, ok := l.Value.(bool)
	return ok && b == v
}

// isFalseOrNull reports whether e is the literal false or a null literal: a
// predicate that keeps no row.
func isFalseOrNull(e Expr) bool {
	l, ok := e.(*Literal)
	return ok && (l.Value == nil || l.Value == false)
}
