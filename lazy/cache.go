package lazy

import (
	"fmt"
	"reflect"
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
// scanned, and the keys of the children.
type planKeys struct {
	memo    map[Plan]string
	sources map[Source]int
	unique  int
}

func newPlanKeys() *planKeys {
	return &planKeys{memo: map[Plan]string{}, sources: map[Source]int{}}
}

func (k *planKeys) key(p Plan) string {
	if s, ok := k.memo[p]; ok {
		return s
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%T{%s|%s", p, describe(p), schemaKey(p.Schema()))
	for _, e := range exprsOf(p) {
		b.WriteByte('|')
		writeExprTypes(&b, e)
	}
	switch n := p.(type) {
	case *Scan:
		fmt.Fprintf(&b, "|source %d cols %q", k.sourceID(n.Source), n.Columns)
	case *Cache:
		fmt.Fprintf(&b, "|id %d", n.ID)
	}
	for _, c := range p.Children() {
		b.WriteString("|(")
		b.WriteString(k.key(c))
		b.WriteByte(')')
	}
	b.WriteByte('}')
	s := b.String()
	k.memo[p] = s
	return s
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

func schemaKey(s *arrow.Schema) string {
	var b strings.Builder
	for _, f := range s.Fields() {
		fmt.Fprintf(&b, "%q:%s,", f.Name, f.Type)
	}
	return b.String()
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
		out := make([]Expr, len(n.Keys))
		for i, k := range n.Keys {
			out[i] = k.Expr
		}
		return out
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
