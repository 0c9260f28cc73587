package lazy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
)

// Window evaluates X over groups of rows instead of row by row (Polars'
// expr.over(partition_by, order_by=...)): an aggregate gives each row its
// partition's value; an order-dependent function (cum_sum, shift, diff,
// rank, ...) runs along each partition in order. Without PartitionBy the
// whole input is one partition. Results keep the input's row order.
type Window struct {
	X           Expr
	PartitionBy []Expr
	OrderBy     []SortKey
}

func (e *Window) DataType() arrow.DataType { return e.X.DataType() }

func (e *Window) Children() []Expr {
	out := append([]Expr{e.X}, e.PartitionBy...)
	for _, k := range e.OrderBy {
		out = append(out, k.Expr)
	}
	return out
}

func (e *Window) WithChildren(ch []Expr) Expr {
	c := *e
	c.X = ch[0]
	c.PartitionBy = append([]Expr(nil), ch[1:1+len(e.PartitionBy)]...)
	c.OrderBy = append([]SortKey(nil), e.OrderBy...)
	for i := range c.OrderBy {
		c.OrderBy[i].Expr = ch[1+len(e.PartitionBy)+i]
	}
	return &c
}

func (e *Window) String() string { return exprString(e) }

func (e *Window) writeTo(b *strings.Builder) {
	writeExpr(b, e.X)
	b.WriteString(".over([")
	for i, p := range e.PartitionBy {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, p)
	}
	b.WriteString("]")
	if len(e.OrderBy) > 0 {
		b.WriteString(", order_by=[")
		for i, k := range e.OrderBy {
			if i > 0 {
				b.WriteString(", ")
			}
			k.writeTo(b)
		}
		b.WriteString("]")
	}
	b.WriteString(")")
}

// IsWindowFunction reports whether a function needs its rows in order (an
// entry of the registry's window functions): such a call is never evaluated
// row by row, always as (part of) a window.
func IsWindowFunction(name string) bool {
	_, ok := fn.LookupWindow(name)
	return ok
}

func (r *resolver) window(e *Window) (Expr, error) {
	x, err := r.resolve(e.X)
	if err != nil {
		return nil, err
	}
	nested := false
	Walk(x, func(y Expr) bool {
		if _, ok := y.(*Window); ok {
			nested = true
		}
		return !nested
	})
	if nested {
		return nil, core.Errorf(core.KindNotSupported, "a window inside a window is not supported (%s)", e)
	}
	part := make([]Expr, len(e.PartitionBy))
	for i, p := range e.PartitionBy {
		if part[i], err = r.resolve(p); err != nil {
			return nil, err
		}
		if ContainsAgg(part[i]) || containsWindow(part[i]) {
			return nil, core.Errorf(core.KindCompute, "a partition key cannot aggregate: %s", p)
		}
	}
	order := make([]SortKey, len(e.OrderBy))
	for i, k := range e.OrderBy {
		o, err := r.resolve(k.Expr)
		if err != nil {
			return nil, err
		}
		order[i] = SortKey{Expr: o, Descending: k.Descending, NullsLast: k.NullsLast}
	}
	return &Window{X: x, PartitionBy: part, OrderBy: order}, nil
}

func containsWindow(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch n := x.(type) {
		case *Window:
			found = true
		case *Call:
			if IsWindowFunction(n.Name) {
				found = true
			}
		}
		return !found
	})
	return found
}

// needsWindow reports whether e cannot be computed row by row: it holds a
// window, an order-dependent function, or (when aggsBroadcast) an aggregate
// that must be broadcast over the rows.
func needsWindow(e Expr, aggsBroadcast bool) bool {
	return containsWindow(e) || (aggsBroadcast && ContainsAgg(e))
}

// WindowCol is one column a WindowNode computes.
type WindowCol struct {
	Name string
	W    *Window
}

// WindowNode appends to its input one column per window expression.
type WindowNode struct {
	Input   Plan
	Columns []WindowCol
	schema  *arrow.Schema
}

func newWindowNode(input Plan, cols []WindowCol) *WindowNode {
	fields := append([]arrow.Field(nil), input.Schema().Fields()...)
	for _, c := range cols {
		fields = append(fields, arrow.Field{Name: c.Name, Type: c.W.DataType(), Nullable: true})
	}
	return &WindowNode{Input: input, Columns: cols, schema: arrow.NewSchema(fields, nil)}
}

func (w *WindowNode) Schema() *arrow.Schema { return w.schema }
func (w *WindowNode) Children() []Plan      { return []Plan{w.Input} }
func (w *WindowNode) WithChildren(ch []Plan) Plan {
	return newWindowNode(ch[0], w.Columns)
}

func (w *WindowNode) describe() string {
	parts := make([]string, len(w.Columns))
	for i, c := range w.Columns {
		parts[i] = c.W.String() + ".alias(" + strconv.Quote(c.Name) + ")"
	}
	return "WINDOW [" + strings.Join(parts, ", ") + "]"
}

// extractWindows rewrites resolved expressions so that every window part is
// computed by one WindowNode under input: each window (or order-dependent
// call, or broadcast aggregate) becomes a reference to a fresh column. It
// returns the node (nil when nothing needed it) and the rewritten exprs.
func extractWindows(input Plan, exprs []Expr, aggsBroadcast bool) (*WindowNode, []Expr) {
	var cols []WindowCol
	used := map[string]bool{}
	taken := func(n string) bool { return used[n] || len(input.Schema().FieldIndices(n)) > 0 }
	next := 0
	name := func() string {
		for ; ; next++ {
			n := fmt.Sprintf("__window%d", next)
			if !taken(n) {
				used[n] = true
				return n
			}
		}
	}
	add := func(w *Window) Expr {
		n := name()
		cols = append(cols, WindowCol{Name: n, W: w})
		return &Column{Name: n, Type: w.DataType()}
	}
	var rewrite func(e Expr) Expr
	rewrite = func(e Expr) Expr {
		switch x := e.(type) {
		case *Window:
			return add(x)
		case *Agg:
			if aggsBroadcast {
				return add(&Window{X: x})
			}
		case *Call:
			if IsWindowFunction(x.Name) {
				return add(&Window{X: x})
			}
		}
		ch := e.Children()
		if len(ch) == 0 {
			return e
		}
		next := make([]Expr, len(ch))
		for i, c := range ch {
			next[i] = rewrite(c)
		}
		return e.WithChildren(next)
	}
	out := make([]Expr, len(exprs))
	for i, e := range exprs {
		if containsWindow(e) || (aggsBroadcast && ContainsAgg(e)) {
			out[i] = rewrite(e)
		} else {
			out[i] = e
		}
	}
	if len(cols) == 0 {
		return nil, exprs
	}
	return newWindowNode(input, cols), out
}

// keepNames wraps expressions whose output name changed in the rewrite.
func keepNames(orig, rewritten []Expr) []Expr {
	out := make([]Expr, len(rewritten))
	for i, e := range rewritten {
		if name := OutputName(orig[i]); OutputName(e) != name {
			e = &Alias{X: StripAlias(e), Name: name}
		}
		out[i] = e
	}
	return out
}
