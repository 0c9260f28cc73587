package lazy

import (
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
)

// AggFunc names an aggregate function: the name of a fn.Aggregate entry,
// which says its Python methods, SQL names, type and null rules.
type AggFunc string

// The aggregate functions, with Polars' names and semantics: nulls are
// skipped except by len, first and last; min and max skip NaN, sum and mean
// propagate it; an empty or all-null group sums to 0 and has a null mean.
// Each is the name of its registry entry.
const (
	AggSum      AggFunc = fn.AggSum
	AggMean     AggFunc = fn.AggMean
	AggMin      AggFunc = fn.AggMin
	AggMax      AggFunc = fn.AggMax
	AggCount    AggFunc = fn.AggCount
	AggLen      AggFunc = fn.AggLen
	AggNUnique  AggFunc = fn.AggNUnique
	AggStd      AggFunc = fn.AggStd
	AggVar      AggFunc = fn.AggVar
	AggMedian   AggFunc = fn.AggMedian
	AggQuantile AggFunc = fn.AggQuantile
	AggFirst    AggFunc = fn.AggFirst
	AggLast     AggFunc = fn.AggLast
	AggAny      AggFunc = fn.AggAny
	AggAll      AggFunc = fn.AggAll
	AggCorr     AggFunc = fn.AggCorr
	AggCov      AggFunc = fn.AggCov
	AggTopK     AggFunc = fn.AggTopK
	AggBottomK  AggFunc = fn.AggBottomK
)

// Entry returns f's registry entry; false for a name that has none.
func (f AggFunc) Entry() (*fn.Aggregate, bool) { return fn.LookupAggregate(string(f)) }

// IsListAgg reports whether f gives a list per group (top_k, bottom_k).
func IsListAgg(f AggFunc) bool { return f == AggTopK || f == AggBottomK }

// Agg is an aggregate over the rows of a group (or of the whole input).
// X is nil for len; Y is the second input of corr and cov (nil for the
// others). Param is the ddof of std, var and cov, the quantile of quantile
// and the k of top_k and bottom_k; Interp is quantile's interpolation
// ("nearest", "lower", "higher", "midpoint", "linear").
type Agg struct {
	Func   AggFunc
	X      Expr
	Y      Expr
	Param  float64
	Interp string
	// Checked makes an integer sum raise on overflow instead of wrapping
	// (SQL's SUM; Polars' sum wraps).
	Checked bool
	Type    arrow.DataType
}

func (e *Agg) DataType() arrow.DataType { return e.Type }

func (e *Agg) Children() []Expr {
	switch {
	case e.X == nil:
		return nil
	case e.Y != nil:
		return []Expr{e.X, e.Y}
	}
	return []Expr{e.X}
}

func (e *Agg) WithChildren(ch []Expr) Expr {
	c := *e
	if len(ch) > 0 {
		c.X = ch[0]
	}
	if len(ch) > 1 {
		c.Y = ch[1]
	}
	return &c
}

func (e *Agg) String() string { return exprString(e) }

func (e *Agg) writeTo(b *strings.Builder) {
	if e.X == nil {
		b.WriteString(string(e.Func) + "()")
		return
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	entry, _ := e.Func.Entry()
	if entry != nil && entry.MaxArgs == 2 {
		b.WriteString(string(e.Func) + "(")
		writeExpr(b, e.X)
		b.WriteString(", ")
		if e.Y != nil {
			writeExpr(b, e.Y)
		}
		if entry.Param == "ddof" && e.Param != 1 {
			b.WriteString(", ddof=" + num(e.Param))
		}
		b.WriteString(")")
		return
	}
	writeExpr(b, e.X)
	switch {
	case entry == nil:
	case entry.Param == "k":
		b.WriteString("." + string(e.Func) + "(" + num(e.Param) + ")")
		return
	case entry.Param == "ddof" && e.Param != 1:
		b.WriteString("." + string(e.Func) + "(ddof=" + num(e.Param) + ")")
		return
	case entry.Interp:
		b.WriteString("." + string(e.Func) + "(" + num(e.Param) + ", " + strconv.Quote(e.Interp) + ")")
		return
	}
	if e.Checked {
		b.WriteString("." + string(e.Func) + "(checked)")
		return
	}
	b.WriteString("." + string(e.Func) + "()")
}

// ContainsAgg reports whether e has an aggregate anywhere.
func ContainsAgg(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*Agg); ok {
			found = true
		}
		return !found
	})
	return found
}

// agg resolves an aggregate with its registry entry's type rule: the
// inputs are resolved, cast as the rule asks, and the result cast to the
// rule's Wrap type when it has one.
func (r *resolver) agg(e *Agg) (Expr, error) {
	entry, ok := e.Func.Entry()
	if !ok {
		return nil, core.Errorf(core.KindNotSupported, "aggregate %q is not supported", string(e.Func)).
			With("expression", e.String())
	}
	b := &fn.AggBinding{Name: entry.Name, Param: e.Param, Interp: e.Interp}
	var x, y Expr
	for i, in := range []Expr{e.X, e.Y} {
		if in == nil || (i == 1 && e.X == nil) {
			continue
		}
		v, err := r.resolve(in)
		if err != nil {
			return nil, err
		}
		if ContainsAgg(v) {
			return nil, core.Errorf(core.KindCompute, "aggregate %s of an aggregate is not allowed in expression %s", e.Func, e).
				With("expression", e.String())
		}
		if i == 0 {
			x, b.X, b.XExpr = v, v.DataType(), v.String()
		} else {
			y, b.Y, b.YExpr = v, v.DataType(), v.String()
		}
	}
	b.Expr = e.String()
	if err := entry.Bind(b); err != nil {
		return nil, err
	}
	if b.CastX != nil {
		x = castTo(x, b.CastX)
	}
	if b.CastY != nil {
		y = castTo(y, b.CastY)
	}
	out := &Agg{Func: e.Func, X: x, Y: y, Param: e.Param, Interp: b.Interp, Checked: e.Checked, Type: b.Out}
	if b.Wrap != nil {
		return castTo(out, b.Wrap), nil
	}
	return out, nil
}
