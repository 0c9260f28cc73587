package exec

import (
	"fmt"
	"strings"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// sharedExprs computes once per batch an arithmetic subexpression that
// several expressions of one operator contain (TPC-H Q1 sums
// l_extendedprice * (1 - l_discount) alone and times (1 + l_tax): two of
// its six decimal operations a row are repeats). The expressions are
// rewritten to read each shared subexpression as a column, which extend
// appends to the batch before they are evaluated.
type sharedExprs struct {
	defs   []lazy.Expr // the shared subexpressions, in order
	fields []arrow.Field
}

// sharedPrefix starts the names of the columns holding shared
// subexpressions (a NUL: no user column is named so).
const sharedPrefix = "\x00shared"

// shareSubexprs finds the arithmetic subexpressions that occur more than
// once in exprs (the largest ones: not those only inside a shared one) and
// returns exprs reading them as columns; shared is nil when there are none.
func shareSubexprs(exprs []lazy.Expr) (out []lazy.Expr, shared *sharedExprs) {
	counts := map[string]int{}
	for _, e := range exprs {
		if e == nil {
			continue
		}
		lazy.Walk(e, func(x lazy.Expr) bool {
			if shareable(x) {
				counts[exprKey(x)]++
			}
			return true
		})
	}
	s := &sharedExprs{}
	index := map[string]int{}
	var rewrite func(e lazy.Expr) lazy.Expr
	rewrite = func(e lazy.Expr) lazy.Expr {
		if shareable(e) {
			k := exprKey(e)
			if counts[k] > 1 {
				i, seen := index[k]
				if !seen {
					i = len(s.defs)
					index[k] = i
					s.defs = append(s.defs, e)
					s.fields = append(s.fields, arrow.Field{Name: fmt.Sprintf("%s%d", sharedPrefix, i), Type: e.DataType(), Nullable: true})
				}
				return &lazy.Column{Name: s.fields[i].Name, Type: e.DataType()}
			}
		}
		ch := e.Children()
		if len(ch) == 0 {
			return e
		}
		next := make([]lazy.Expr, len(ch))
		for i, c := range ch {
			next[i] = rewrite(c)
		}
		return e.WithChildren(next)
	}
	out = make([]lazy.Expr, len(exprs))
	for i, e := range exprs {
		if e != nil {
			out[i] = rewrite(e)
		}
	}
	if len(s.defs) == 0 {
		return exprs, nil
	}
	return out, s
}

// shareable reports whether e is worth computing once: an operator over
// operands (pure and deterministic), not a column or a constant.
func shareable(e lazy.Expr) bool {
	switch x := e.(type) {
	case *lazy.Binary, *lazy.Unary, *lazy.Cast:
		return e.DataType() != nil
	case *lazy.Call:
		return x.Name == lazy.SQLDecimalArith && x.Type != nil
	}
	return false
}

// exprKey identifies an expression with its types: two subexpressions of
// one key compute the same values.
func exprKey(e lazy.Expr) string {
	var b strings.Builder
	b.WriteString(e.String())
	lazy.Walk(e, func(x lazy.Expr) bool {
		b.WriteByte('|')
		if t := x.DataType(); t != nil {
			b.WriteString(t.String())
		}
		return true
	})
	return b.String()
}

// extend returns a new batch of rb's columns and the shared
// subexpressions' (the caller releases it; rb stays the caller's).
func (s *sharedExprs) extend(mem memory.Allocator, rb arrow.RecordBatch) (arrow.RecordBatch, error) {
	fields := append(append([]arrow.Field(nil), rb.Schema().Fields()...), s.fields...)
	cols := append([]arrow.Array(nil), rb.Columns()...)
	var added []arrow.Array
	defer func() { releaseArrays(added) }()
	for _, d := range s.defs {
		a, err := evalArray(mem, d, rb)
		if err != nil {
			return nil, err
		}
		added = append(added, a)
	}
	cols = append(cols, added...)
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rb.NumRows()), nil
}

// shareAggInputs rewrites op's aggregate inputs to read the subexpressions
// they share as columns, which evalInputs appends to each batch.
func (op *hashAggOp) shareAggInputs() {
	exprs := make([]lazy.Expr, 0, 2*len(op.aggs))
	for _, a := range op.aggs {
		exprs = append(exprs, a.X, a.Y)
	}
	out, s := shareSubexprs(exprs)
	if s == nil {
		return
	}
	for i, a := range op.aggs {
		c := *a
		c.X, c.Y = out[2*i], out[2*i+1]
		op.aggs[i] = &c
	}
	op.shared = s
}
