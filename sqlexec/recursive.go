package sqlexec

import (
	"context"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// MaxRecursion is the most iterations of a recursive CTE's recursive part,
// MySQL's default cte_max_recursion_depth.
const MaxRecursion = 1000

// WITH RECURSIVE r AS (anchor UNION [ALL] recursive) is computed when the
// query is compiled, as SQL defines it: the anchor's rows, then the
// recursive part run over the rows the previous step added (r reads only
// those), until a step adds none. With UNION (DISTINCT) a step keeps only
// rows not seen before, so cycles end; with UNION ALL every row stays, and
// a recursion that never ends stops at MaxRecursion steps with an error, as
// in MySQL. A LIMIT on the CTE's union stops the recursion once it has
// that many rows. The result is a table the rest of the plan scans.

// refersTo reports whether a query names table name (lower case).
func refersTo(n ast.Node, name string) bool {
	v := &tableRefFinder{name: name}
	n.Accept(v)
	return v.found
}

type tableRefFinder struct {
	name  string
	found bool
}

func (v *tableRefFinder) Enter(n ast.Node) (ast.Node, bool) {
	if t, ok := n.(*ast.TableName); ok && t.Schema.L == "" && t.Name.L == v.name {
		v.found = true
	}
	return n, v.found
}

func (v *tableRefFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func (b *builder) recursiveCTE(c *ast.CommonTableExpression) (*relation, error) {
	name := c.Name.O
	set, ok := c.Query.Query.(*ast.SetOprStmt)
	if !ok || set.SelectList == nil || len(set.SelectList.Selects) < 2 {
		return nil, core.Errorf(core.KindInvalidInput,
			"recursive CTE %s must be an anchor query, UNION [ALL], then a query that reads %s", name, name)
	}
	if set.With != nil || set.OrderBy != nil {
		return nil, notSupported("ORDER BY and WITH on the union of recursive CTE %s are not supported; order the query that reads it", name)
	}
	// The anchor: the queries before the first that reads the CTE.
	sels := set.SelectList.Selects
	split := -1
	dedupe := false
	for i, n := range sels {
		if i > 0 {
			var op *ast.SetOprType
			switch x := n.(type) {
			case *ast.SelectStmt:
				op = x.AfterSetOperator
			case *ast.SetOprSelectList:
				op = x.AfterSetOperator
			}
			switch {
			case op == nil:
			case *op == ast.Union:
				dedupe = true
			case *op != ast.UnionAll:
				return nil, notSupported("recursive CTE %s joins its queries with %s; use UNION or UNION ALL", name, op.String())
			}
		}
		refers := refersTo(n, c.Name.L)
		if refers && split < 0 {
			split = i
		}
		if !refers && split >= 0 {
			return nil, core.Errorf(core.KindInvalidInput,
				"recursive CTE %s: the queries that do not read %s (the anchor) must come before those that do", name, name)
		}
	}
	if split <= 0 {
		return nil, core.Errorf(core.KindInvalidInput, "recursive CTE %s needs an anchor query that does not read %s", name, name)
	}
	limit := int64(-1)
	var offset int64
	if set.Limit != nil {
		t := &translator{b: b, rel: dual(), clause: "LIMIT"}
		for _, p := range []struct {
			e   ast.ExprNode
			dst *int64
		}{{set.Limit.Count, &limit}, {set.Limit.Offset, &offset}} {
			if p.e == nil {
				continue
			}
			x, err := t.expr(p.e)
			if err != nil {
				return nil, err
			}
			v, ok := intLit(x)
			if !ok || v < 0 {
				return nil, core.Errorf(core.KindInvalidInput, "LIMIT and OFFSET take non-negative integers, got %s", restore(p.e))
			}
			*p.dst = v
		}
	}

	run := func(p lazy.Plan) (*core.Table, error) {
		return exec.Run(context.Background(), memory.DefaultAllocator, exec.Optimize(p))
	}
	// union compiles queries as one UNION ALL, on the anchor's column types
	// when schema is given.
	union := func(qs []ast.Node, schema *arrow.Schema) (lazy.Plan, error) {
		var plans []lazy.Plan
		for _, q := range qs {
			rel, err := b.query(q, nil)
			if err != nil {
				return nil, err
			}
			p, err := rel.output()
			if err != nil {
				return nil, err
			}
			if schema != nil {
				if p, err = castTo(p, schema, name); err != nil {
					return nil, err
				}
			} else if len(plans) > 0 {
				if p.Schema().NumFields() != plans[0].Schema().NumFields() {
					return nil, core.Errorf(core.KindInvalidInput,
						"the queries of recursive CTE %s give %d and %d columns", name, plans[0].Schema().NumFields(), p.Schema().NumFields())
				}
				if p, err = renameLike(p, plans[0].Schema()); err != nil {
					return nil, err
				}
			}
			plans = append(plans, p)
		}
		if len(plans) == 1 {
			return plans[0], nil
		}
		return lazy.NewUnion(plans, true)
	}
	anchorPlan, err := union(sels[:split], nil)
	if err != nil {
		return nil, err
	}
	if len(c.ColNameList) > 0 {
		rel, err := renameColumns(newRelation(anchorPlan, ""), c.ColNameList, "WITH "+name)
		if err != nil {
			return nil, err
		}
		if anchorPlan, err = rel.output(); err != nil {
			return nil, err
		}
	}
	if dedupe {
		if anchorPlan, err = distinct(anchorPlan); err != nil {
			return nil, err
		}
	}
	schema := anchorPlan.Schema()
	step, err := run(anchorPlan)
	if err != nil {
		return nil, err
	}
	parts := []*core.Table{step}
	total := step.NumRows()
	// r is in scope for the recursive queries: the rows of the last step.
	scope := map[string]*cte{}
	b.ctes = append(b.ctes, scope)
	defer func() { b.ctes = b.ctes[:len(b.ctes)-1] }()
	for iter := 1; step.NumRows() > 0 && (limit < 0 || total < offset+limit); iter++ {
		if iter > MaxRecursion {
			return nil, core.Errorf(core.KindInvalidInput,
				"recursive CTE %s is still adding rows after %d steps (MySQL's cte_max_recursion_depth): "+
					"add a condition that ends the recursion, use UNION to drop repeated rows, or a LIMIT", name, MaxRecursion)
		}
		scope[c.Name.L] = &cte{rel: newRelation(lazy.NewScan(step), name)}
		p, err := union(sels[split:], schema)
		if err != nil {
			return nil, err
		}
		if dedupe {
			// Only rows not seen before: a repeated row adds nothing, so a
			// cycle ends.
			if p, err = b.setStep(ast.Except, p, scanAll(parts)); err != nil {
				return nil, err
			}
		}
		if step, err = run(p); err != nil {
			return nil, err
		}
		parts = append(parts, step)
		total += step.NumRows()
	}
	out := scanAll(parts)
	if limit >= 0 || offset > 0 {
		if limit < 0 {
			limit = total
		}
		out = &lazy.Slice{Input: out, Offset: offset, Length: limit}
	}
	return newRelation(out, name), nil
}

// scanAll is the rows of tables of one schema, in order.
func scanAll(parts []*core.Table) lazy.Plan {
	var batches []arrow.RecordBatch
	for _, t := range parts {
		batches = append(batches, t.Batches()...)
	}
	// Computed with Go's allocator: a result that passes these rows through
	// copies them out of the Go heap.
	return lazy.NewScan(core.NewGoHeapTable(parts[0].Schema(), batches))
}

// castTo gives p the names and types of schema, column by column: the
// recursive part's rows take the anchor's types, as in MySQL. A value that
// does not fit the type is an error, never silently null.
func castTo(p lazy.Plan, schema *arrow.Schema, name string) (lazy.Plan, error) {
	s := p.Schema()
	if s.NumFields() != schema.NumFields() {
		return nil, core.Errorf(core.KindInvalidInput,
			"the queries of recursive CTE %s give %d and %d columns", name, schema.NumFields(), s.NumFields())
	}
	exprs := make([]lazy.Expr, s.NumFields())
	for i, f := range s.Fields() {
		var e lazy.Expr = col(f.Name)
		if !arrow.TypeEqual(f.Type, schema.Field(i).Type) {
			e = &lazy.Cast{X: e, To: schema.Field(i).Type, Strict: true}
		}
		exprs[i] = &lazy.Alias{X: e, Name: schema.Field(i).Name}
	}
	return lazy.NewProject(p, exprs)
}
