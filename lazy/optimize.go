package lazy

// Rule is one optimizer pass: a plan in, an equivalent plan out.
type Rule interface {
	Name() string
	Apply(p Plan) Plan
}

// Rules is the fixed order of optimizer passes; fold computes constant
// expressions for the simplify pass (the executor's kernels, so that folding
// never disagrees with running; nil: no folding). Constants fold first,
// so that what is left of a predicate is what travels; predicates go down
// next, and constants fold again where they landed (a predicate on a
// literal column becomes keep-all or keep-none), so that join ordering estimates filtered inputs and projection
// pushdown sees the columns predicates need where they land; slices go down
// into scans that already carry their predicates; common subplans are found
// last, when pushdown has settled what each occurrence reads; runtime
// filters are placed on the final shape of the plan.
func Rules(fold Folder) []Rule {
	return []Rule{
		simplify{fold: fold},
		predicatePushdown{},
		simplify{fold: fold},
		joinOrder{},
		projectionPushdown{},
		commonSubexpr{},
		slicePushdown{},
		vectorTopK{},
		commonSubplan{},
		runtimeFilter{},
	}
}

// Optimize runs Rules(fold) over p (exec.Optimize passes the executor's
// folder).
func Optimize(p Plan, fold Folder) Plan {
	for _, r := range Rules(fold) {
		p = r.Apply(p)
	}
	return p
}

// splitConjunction returns the operands of a chain of ANDs.
func splitConjunction(e Expr) []Expr {
	if b, ok := e.(*Binary); ok && b.Op == OpAnd {
		return append(splitConjunction(b.Left), splitConjunction(b.Right)...)
	}
	return []Expr{e}
}

// conjoin joins predicates with AND; nil for none.
func conjoin(preds []Expr) Expr {
	var out Expr
	for _, p := range preds {
		if out == nil {
			out = p
		} else {
			out = &Binary{Op: OpAnd, Left: out, Right: p, Type: p.DataType()}
		}
	}
	return out
}
