package lazy

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Cache marks a subplan that occurs more than once in a plan (a LazyFrame
// used twice, as in a self-join): the executor computes it once, at its
// first use, and hands every occurrence the same batches. Occurrences share
// the ID; the common-subplan rule places them.
type Cache struct {
	Input Plan
	ID    int
}

func (c *Cache) Schema() *arrow.Schema { return c.Input.Schema() }
func (c *Cache) Children() []Plan      { return []Plan{c.Input} }
func (c *Cache) WithChildren(ch []Plan) Plan {
	n := *c
	n.Input = ch[0]
	return &n
}

// planKeys gives each subplan a key that is equal for two subplans exactly
// when they compute the same rows: the node's description with the types of
// every expression in it, the output schema, the identity of the sources
// scanned, and the keys of the children. Keys are small integers: a node's
// text holds its children's keys, and equal texts are given one number
// (interned), so each node is described once however deep the plan.
type planKeys struct {
	memo    map[Plan]int
	ids     map[string]int
	sources map[Source]int
	unique  int
	buf     []byte
}

func newPlanKeys() *planKeys {
	return &planKeys{memo: map[Plan]int{}, ids: map[string]int{}, sources: map[Source]int{}}
}

func (k *planKeys) key(p Plan) int {
	if id, ok := k.memo[p]; ok {
		return id
	}
	children := p.Children()
	childKeys := make([]int, len(children))
	for i, c := range children {
		childKeys[i] = k.key(c)
	}
	b := append(k.buf[:0], reflect.TypeOf(p).String()...)
	b = append(b, '{')
	switch n := p.(type) {
	case *Scan:
		// What a scan's description shows (the rows groups it reads
		// included) follows from these.
		b = append(b, "source "...)
		b = strconv.AppendInt(b, int64(k.sourceID(n.Source)), 10)
		b = append(b, " cols "...)
		b = strconv.AppendBool(b, n.Columns != nil)
		for _, c := range n.Columns {
			b = append(b, ' ')
			b = strconv.AppendQuote(b, c)
		}
		b = append(b, " limit "...)
		b = strconv.AppendInt(b, n.Limit, 10)
		if n.Predicate != nil {
			b = append(b, " where "...)
			b = append(b, n.Predicate.String()...)
		}
	case *Cache:
		b = append(b, "id "...)
		b = strconv.AppendInt(b, int64(n.ID), 10)
	default:
		b = append(b, describe(p)...)
	}
	b = append(b, '|')
	b = appendSchemaKey(b, p.Schema())
	for _, e := range exprsOf(p) {
		b = append(b, '|')
		b = appendExprTypes(b, e)
	}
	for _, c := range childKeys {
		b = append(b, "|("...)
		b = strconv.AppendInt(b, int64(c), 10)
		b = append(b, ')')
	}
	b = append(b, '}')
	k.buf = b
	id, ok := k.ids[string(b)]
	if !ok {
		id = len(k.ids)
		k.ids[string(b)] = id
	}
	k.memo[p] = id
	return id
}

// sourceID numbers sources by identity. A source whose type cannot be
// compared gets a fresh number each time: it never looks like another.
func (k *planKeys) sourceID(s Source) int {
	if !reflect.TypeOf(s).Comparable() {
		k.unique++
		return -k.unique
	}
	id, ok := k.sources[s]
	if !ok {
		id = len(k.sources)
		k.sources[s] = id
	}
	return id
}

func appendSchemaKey(b []byte, s *arrow.Schema) []byte {
	for i := 0; i < s.NumFields(); i++ {
		f := s.Field(i)
		b = strconv.AppendQuote(b, f.Name)
		b = append(b, ':')
		b = append(b, f.Type.String()...)
		b = append(b, ',')
	}
	return b
}

// writeExprTypes writes the data type of every node of e, in walk order: with
// the expression's text it tells apart expressions that print alike but
// compute different types (a literal 1 as Int32 or as Int64).
func writeExprTypes(b *strings.Builder, e Expr) {
	Walk(e, func(x Expr) bool {
		if t := x.DataType(); t != nil {
			b.WriteString(t.String())
		}
		b.WriteByte(',')
		return true
	})
}

// appendExprTypes is writeExprTypes onto a byte slice.
func appendExprTypes(b []byte, e Expr) []byte {
	Walk(e, func(x Expr) bool {
		if t := x.DataType(); t != nil {
			b = append(b, t.String()...)
		}
		b = append(b, ',')
		return true
	})
	return b
}

// exprsOf lists the expressions a plan node evaluates itself.
func exprsOf(p Plan) []Expr {
	switch n := p.(type) {
	case *Scan:
		if n.Predicate != nil {
			return []Expr{n.Predicate}
		}
	case *Filter:
		return []Expr{n.Predicate}
	case *Project:
		return n.Exprs
	case *Aggregate:
		return append(append([]Expr{}, n.Keys...), n.Aggregates...)
	case *Sort:
		return SortExprs(n.Keys)
	case *Join:
		return append(append([]Expr{}, n.LeftOn...), n.RightOn...)
	case *WindowNode:
		out := make([]Expr, len(n.Columns))
		for i, c := range n.Columns {
			out[i] = c.W
		}
		return out
	}
	return nil
}
