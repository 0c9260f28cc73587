package lazy

import (
	"github.com/alopexdb/alopex/core"
)

// MaxExprDepth is the deepest expression a plan may hold: a chain of
// nested operators, function calls or CASEs, counted in nodes from the
// outermost to the deepest leaf (a 4,000-term sum a + b + … is 4,000 deep).
// Planning is linear in the size of an expression, but every pass walks it
// recursively, so absurd nesting (a generated ABS(ABS(…)) 100,000 deep) is
// rejected at once rather than exhausting the stack. SQLite's and DuckDB's
// default limit is 1,000; ours is higher so generated sums of thousands of
// terms still plan. Documented in docs/sql.md and docs/plan-format.md.
const MaxExprDepth = 5000

// MaxPlanDepth is the deepest plan: plan nodes stacked on one another
// (each lazy step, filter, with_columns or join adds one).
const MaxPlanDepth = 5000

// maxJSONNesting bounds the nesting of a serialized plan's JSON (objects
// and arrays), checked before it is parsed, so that a plan too deep is
// reported with the limits rather than as encoding/json's "exceeded max
// depth" (it refuses more than 10,000 levels). A plan node is one level,
// an expression one or two (a call's list of arguments is another).
const maxJSONNesting = 9999

func exprTooDeep() error {
	return core.Errorf(core.KindInvalidInput,
		"expression nested more than %d levels deep (the limit): split it into steps "+
			"(with_columns of intermediate columns), or add many columns in a balanced tree of sums", MaxExprDepth)
}

func planTooDeep() error {
	return core.Errorf(core.KindInvalidInput,
		"plan nested more than %d steps deep (the limit): collect() an intermediate result "+
			"and continue from it, or combine steps (one with_columns with many expressions)", MaxPlanDepth)
}

// checkJSONNesting rejects a serialized plan nested deeper than
// maxJSONNesting, in one pass over the bytes, before anything recurses.
func checkJSONNesting(data []byte) error {
	depth, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case inString:
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > maxJSONNesting {
				return core.Errorf(core.KindInvalidInput,
					"plan JSON nested more than %d levels deep: expressions may be at most %d "+
						"and plans %d levels deep", maxJSONNesting, MaxExprDepth, MaxPlanDepth)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// CheckDepth reports an InvalidInputError when p is deeper than
// MaxPlanDepth or holds an expression deeper than MaxExprDepth. Front ends
// that build plans without the decoder (SQL) call it once on the result.
func CheckDepth(p Plan) error {
	return checkPlanDepth(p, 1)
}

func checkPlanDepth(p Plan, depth int) error {
	if depth > MaxPlanDepth {
		return planTooDeep()
	}
	for _, e := range exprsOf(p) {
		if exprDepth(e, MaxExprDepth+1) > MaxExprDepth {
			return exprTooDeep()
		}
	}
	for _, c := range p.Children() {
		if err := checkPlanDepth(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// exprDepth is the depth of e, counting no further than limit.
func exprDepth(e Expr, limit int) int {
	if limit <= 1 {
		return 1
	}
	d := 0
	for _, c := range e.Children() {
		d = max(d, exprDepth(c, limit-1))
	}
	return d + 1
}
