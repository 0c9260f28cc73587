package sqlexec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// setOpr compiles UNION [ALL], INTERSECT and EXCEPT, left to right, then
// the statement's ORDER BY and LIMIT. Columns take the first query's names.
func (b *builder) setOpr(s *ast.SetOprStmt) (*relation, error) {
	pop, err := b.withCTEs(s.With)
	if err != nil {
		return nil, err
	}
	defer pop()
	var cur lazy.Plan
	for i, n := range s.SelectList.Selects {
		rel, err := b.query(n, nil)
		if err != nil {
			return nil, err
		}
		p, err := rel.output()
		if err != nil {
			return nil, err
		}
		if i == 0 {
			cur = p
			continue
		}
		if p.Schema().NumFields() != cur.Schema().NumFields() {
			return nil, core.Errorf(core.KindInvalidInput,
				"the queries of a set operation give %d and %d columns; they must give the same number",
				cur.Schema().NumFields(), p.Schema().NumFields())
		}
		if p, err = renameLike(p, cur.Schema()); err != nil {
			return nil, err
		}
		var op ast.SetOprType
		switch x := n.(type) {
		case *ast.SelectStmt:
			op = *x.AfterSetOperator
		case *ast.SetOprSelectList:
			op = *x.AfterSetOperator
		}
		if cur, err = b.setStep(op, cur, p); err != nil {
			return nil, err
		}
	}
	rel := newRelation(cur, "")
	if s.OrderBy != nil {
		keys := make([]lazy.SortKey, len(s.OrderBy.Items))
		t := &translator{b: b, rel: rel, clause: "ORDER BY"}
		for i, it := range s.OrderBy.Items {
			var e lazy.Expr
			if j, ok, err := ordinal(it.Expr, cur.Schema().NumFields()); err != nil {
				return nil, err
			} else if ok {
				e = col(cur.Schema().Field(j).Name)
			} else if e, err = t.expr(it.Expr); err != nil {
				return nil, err
			}
			keys[i] = b.sortKey(cur, e, it.Desc)
		}
		if rel.plan, err = lazy.NewSort(rel.plan, keys); err != nil {
			return nil, err
		}
	}
	return b.limit(rel, s.Limit)
}

func renameLike(p lazy.Plan, like *arrow.Schema) (lazy.Plan, error) {
	same := true
	exprs := make([]lazy.Expr, like.NumFields())
	for i, f := range p.Schema().Fields() {
		exprs[i] = colAs(f.Name, like.Field(i).Name)
		same = same && f.Name == like.Field(i).Name
	}
	if same {
		return p, nil
	}
	return lazy.NewProject(p, exprs)
}

func distinct(p lazy.Plan) (lazy.Plan, error) {
	keys := make([]lazy.Expr, p.Schema().NumFields())
	for i, f := range p.Schema().Fields() {
		keys[i] = col(f.Name)
	}
	return lazy.NewGroupBy(p, keys, nil)
}

func (b *builder) setStep(op ast.SetOprType, l, r lazy.Plan) (lazy.Plan, error) {
	switch op {
	case ast.UnionAll:
		return lazy.NewUnion([]lazy.Plan{l, r}, true)
	case ast.Union:
		u, err := lazy.NewUnion([]lazy.Plan{l, r}, true)
		if err != nil {
			return nil, err
		}
		return distinct(u)
	case ast.Intersect, ast.Except:
		d, err := distinct(l)
		if err != nil {
			return nil, err
		}
		// Set operations treat nulls as equal; join keys never match null, so
		// each column is compared as (is null, value with nulls filled).
		var lk, rk []lazy.Expr
		for i, f := range d.Schema().Fields() {
			zero, err := zeroOf(f.Type)
			if err != nil {
				return nil, err
			}
			lc, rc := col(f.Name), col(r.Schema().Field(i).Name)
			lk = append(lk, &lazy.Unary{Op: lazy.OpIsNull, X: lc}, call("fill_null", nil, lc, zero))
			rk = append(rk, &lazy.Unary{Op: lazy.OpIsNull, X: rc}, call("fill_null", nil, rc, zero))
		}
		how := lazy.JoinSemi
		if op == ast.Except {
			how = lazy.JoinAnti
		}
		return lazy.NewJoin(d, r, how, lk, rk, ":r")
	}
	return nil, notSupported("%s is not supported", op.String())
}

func zeroOf(t arrow.DataType) (lazy.Expr, error) {
	switch {
	case core.IsNumeric(t):
		return dyn(0), nil
	case core.IsString(t):
		return &lazy.Literal{Value: ""}, nil
	case t.ID() == arrow.BOOL:
		return &lazy.Literal{Value: false}, nil
	case t.ID() == arrow.DATE32:
		return dateLit(0), nil
	case t.ID() == arrow.NULL:
		return nullLit(), nil
	}
	return nil, notSupported("INTERSECT and EXCEPT over %s columns are not supported", core.DTypeName(t))
}
