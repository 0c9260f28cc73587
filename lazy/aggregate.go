package lazy

import (
	"fmt"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Aggregate groups its input by the key expressions and computes one
// aggregate per output column. Its output is the keys, then the aggregates,
// one row per group, groups in order of first appearance. Without keys it
// gives exactly one row (an aggregate over all rows, even none).
//
// Aggregates is a flat list of *Agg (possibly aliased); arithmetic over
// aggregates (col("a").sum() / col("b").sum()) is planned as a Project over
// the Aggregate by NewGroupBy.
type Aggregate struct {
	Input      Plan
	Keys       []Expr
	Aggregates []Expr
	schema     *arrow.Schema
}

func (a *Aggregate) Schema() *arrow.Schema { return a.schema }
func (a *Aggregate) Children() []Plan      { return []Plan{a.Input} }
func (a *Aggregate) WithChildren(ch []Plan) Plan {
	c := *a
	c.Input = ch[0]
	return &c
}

// WithExprs returns a copy with other (resolved) keys and aggregates.
func (a *Aggregate) WithExprs(keys, aggs []Expr) *Aggregate {
	c := *a
	c.Keys, c.Aggregates = keys, aggs
	c.schema = aggregateSchema(keys, aggs)
	return &c
}

func aggregateSchema(keys, aggs []Expr) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(keys)+len(aggs))
	for _, e := range append(append([]Expr{}, keys...), aggs...) {
		fields = append(fields, arrow.Field{Name: OutputName(e), Type: e.DataType(), Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// NewGroupBy plans group_by(keys).agg(aggs) over input: keys and aggs are
// resolved, every aggregate inside aggs is computed by one Aggregate node,
// and a Project above it evaluates whatever arithmetic surrounds them.
// Without keys it is a global aggregation (select of aggregates).
func NewGroupBy(input Plan, keys, aggs []Expr) (Plan, error) {
	in := input.Schema()
	rkeys := make([]Expr, len(keys))
	seen := map[string]Expr{}
	for i, k := range keys {
		r, err := Resolve(k, in)
		if err != nil {
			return nil, err
		}
		if ContainsAgg(r) {
			return nil, core.Errorf(core.KindCompute, "a group_by key cannot be an aggregate: %s", k)
		}
		if err := CheckKeyType("grouping", r); err != nil {
			return nil, err
		}
		if containsWindow(r) {
			return nil, core.Errorf(core.KindNotSupported,
				"a group_by key with a window function (%s) is not supported yet; compute it in with_columns first", k)
		}
		name := OutputName(r)
		if prev, dup := seen[name]; dup {
			return nil, core.Errorf(core.KindSchema, "the name '%s' is produced twice (by %s and %s); use .alias()", name, prev, r)
		}
		seen[name] = r
		rkeys[i] = r
	}
	var flat []Expr // the aggregates the Aggregate node computes
	var post []Expr // output expressions over keys and flat aggregates
	direct := true
	// Temporary names for aggregates inside arithmetic: unused by the input
	// and by every output.
	tmp := map[string]bool{}
	taken := func(name string) bool {
		if len(in.FieldIndices(name)) > 0 || tmp[name] {
			return true
		}
		for _, e := range aggs {
			if n, ok := e.(*Alias); ok && n.Name == name {
				return true
			}
		}
		return false
	}
	newTmp := func() string {
		for i := len(tmp); ; i++ {
			name := fmt.Sprintf("__agg%d", i)
			if !taken(name) {
				tmp[name] = true
				return name
			}
		}
	}
	for _, e := range aggs {
		r, err := Resolve(e, in)
		if err != nil {
			return nil, err
		}
		if containsWindow(r) {
			return nil, core.Errorf(core.KindNotSupported,
				"window functions inside agg() are not supported yet (%s)", r).With("expression", r.String())
		}
		name := OutputName(r)
		if prev, dup := seen[name]; dup {
			return nil, core.Errorf(core.KindSchema,
				"the name '%s' is produced twice (by %s and %s); use .alias() to give one a new name", name, prev, r).
				With("column", name)
		}
		seen[name] = r
		if len(rkeys) == 0 && containsListAgg(r) {
			return nil, core.Errorf(core.KindNotSupported,
				"%s outside group_by().agg() is not supported yet: it gives k rows; use sort(..., descending=True).head(k) instead", r).
				With("expression", r.String())
		}
		if !ContainsAgg(r) {
			if len(ColumnsUsed(r)) == 0 {
				// A literal: evaluated once per group.
				post = append(post, r)
				direct = false
				continue
			}
			return nil, core.Errorf(core.KindNotSupported,
				"%s in agg() is not an aggregation: it would give a list per group, which alopex does not support yet; "+
					"use an aggregate such as .first(), .sum() or .max()", r).With("expression", r.String())
		}
		if agg, ok := StripAlias(r).(*Agg); ok {
			if OutputName(agg) == name {
				flat = append(flat, agg)
			} else {
				flat = append(flat, &Alias{X: agg, Name: name})
			}
			post = append(post, &Column{Name: name, Type: r.DataType()})
			continue
		}
		direct = false
		rewritten := Transform(r, func(x Expr) Expr {
			a, ok := x.(*Agg)
			if !ok {
				return x
			}
			name := newTmp()
			flat = append(flat, &Alias{X: a, Name: name})
			return &Column{Name: name, Type: a.Type}
		})
		for _, c := range ColumnsUsed(rewritten) {
			if !tmp[c] {
				return nil, core.Errorf(core.KindNotSupported,
					"%s uses column '%s' outside an aggregate: per-row values beside an aggregate "+
						"(a broadcast, or a list per group) are not supported yet; aggregate it too, e.g. col(%q).first()",
					e, c, c).With("expression", r.String())
			}
		}
		if OutputName(rewritten) != name {
			rewritten = &Alias{X: rewritten, Name: name}
		}
		post = append(post, rewritten)
	}
	agg := &Aggregate{Input: input, Keys: rkeys, Aggregates: flat, schema: aggregateSchema(rkeys, flat)}
	if direct {
		return agg, nil
	}
	out := make([]Expr, 0, len(rkeys)+len(post))
	for _, k := range rkeys {
		out = append(out, &Column{Name: OutputName(k), Type: k.DataType()})
	}
	out = append(out, post...)
	return newProjectResolved(agg, out)
}

// containsListAgg reports whether e has an aggregate giving a list per group.
func containsListAgg(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if a, ok := x.(*Agg); ok && IsListAgg(a.Func) {
			found = true
		}
		return !found
	})
	return found
}
