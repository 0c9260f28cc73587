package lazy

import (
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// AggFunc names an aggregate function.
type AggFunc string

// The aggregate functions, with Polars' names and semantics: nulls are
// skipped except by len, first and last; min and max skip NaN, sum and mean
// propagate it; an empty or all-null group sums to 0 and has a null mean.
const (
	AggSum      AggFunc = "sum"
	AggMean     AggFunc = "mean"
	AggMin      AggFunc = "min"
	AggMax      AggFunc = "max"
	AggCount    AggFunc = "count" // non-null values
	AggLen      AggFunc = "len"   // rows, nulls included
	AggNUnique  AggFunc = "n_unique"
	AggStd      AggFunc = "std"
	AggVar      AggFunc = "var"
	AggMedian   AggFunc = "median"
	AggQuantile AggFunc = "quantile"
	AggFirst    AggFunc = "first"
	AggLast     AggFunc = "last"
	AggAny      AggFunc = "any"
	AggAll      AggFunc = "all"
)

var aggFuncs = map[AggFunc]bool{
	AggSum: true, AggMean: true, AggMin: true, AggMax: true, AggCount: true, AggLen: true,
	AggNUnique: true, AggStd: true, AggVar: true, AggMedian: true, AggQuantile: true,
	AggFirst: true, AggLast: true, AggAny: true, AggAll: true,
}

// Agg is an aggregate over the rows of a group (or of the whole input).
// X is nil for len. Param is the ddof of std and var and the quantile of
// quantile; Interp is quantile's interpolation ("nearest", "lower",
// "higher", "midpoint", "linear").
type Agg struct {
	Func   AggFunc
	X      Expr
	Param  float64
	Interp string
	Type   arrow.DataType
}

func (e *Agg) DataType() arrow.DataType { return e.Type }

func (e *Agg) Children() []Expr {
	if e.X == nil {
		return nil
	}
	return []Expr{e.X}
}

func (e *Agg) WithChildren(ch []Expr) Expr {
	c := *e
	if len(ch) > 0 {
		c.X = ch[0]
	}
	return &c
}

func (e *Agg) String() string { return exprString(e) }

func (e *Agg) writeTo(b *strings.Builder) {
	if e.X == nil {
		b.WriteString(string(e.Func) + "()")
		return
	}
	writeExpr(b, e.X)
	switch e.Func {
	case AggStd, AggVar:
		if e.Param != 1 {
			b.WriteString("." + string(e.Func) + "(ddof=" + strconv.FormatFloat(e.Param, 'g', -1, 64) + ")")
			return
		}
	case AggQuantile:
		b.WriteString(".quantile(" + strconv.FormatFloat(e.Param, 'g', -1, 64) + ", " + strconv.Quote(e.Interp) + ")")
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

// aggType is the result type of f over values of type t (Polars' rules).
func aggType(f AggFunc, t arrow.DataType) (arrow.DataType, bool) {
	u32 := arrow.PrimitiveTypes.Uint32
	switch f {
	case AggNUnique:
		switch t.(type) {
		case arrow.NestedType:
			return nil, false
		}
		return u32, true
	case AggLen, AggCount:
		return u32, true
	case AggAny, AggAll:
		return arrow.FixedWidthTypes.Boolean, t.ID() == arrow.BOOL || t.ID() == arrow.NULL
	case AggMin, AggMax, AggFirst, AggLast:
		return t, true
	case AggSum:
		switch t.ID() {
		case arrow.BOOL:
			return u32, true
		case arrow.INT8, arrow.INT16, arrow.UINT8, arrow.UINT16, arrow.NULL:
			return arrow.PrimitiveTypes.Int64, true
		}
		return t, core.IsNumeric(t)
	case AggMean, AggMedian, AggStd, AggVar, AggQuantile:
		if t.ID() == arrow.FLOAT32 {
			return t, true
		}
		return arrow.PrimitiveTypes.Float64, core.IsNumeric(t) || t.ID() == arrow.BOOL || t.ID() == arrow.NULL
	}
	return nil, false
}

// categoricalAgg resolves an aggregate of a Categorical: len, count and
// n_unique as they are (n_unique hashes values); min, max, first and last
// over the values as String (min and max are lexical, as in Polars), cast
// back to Categorical. Other aggregates have no meaning for categories.
func categoricalAgg(e *Agg, x Expr) (Expr, error) {
	switch e.Func {
	case AggLen, AggCount, AggNUnique:
		t, _ := aggType(e.Func, x.DataType())
		return &Agg{Func: e.Func, X: x, Type: t}, nil
	case AggMin, AggMax, AggFirst, AggLast:
		s := arrow.BinaryTypes.String
		return castTo(&Agg{Func: e.Func, X: castTo(x, s), Type: s}, core.Categorical), nil
	}
	return nil, core.Errorf(core.KindNotSupported,
		"%s of Categorical values is not supported (in %s); cast the column first: .cast(ax.String), or .cast(ax.String).cast(ax.Float64) for numbers stored as categories",
		e.Func, e).With("expression", e.String())
}

func (r *resolver) agg(e *Agg) (Expr, error) {
	if !aggFuncs[e.Func] {
		return nil, core.Errorf(core.KindNotSupported, "aggregate %q is not supported", e.Func)
	}
	if e.X == nil {
		if e.Func != AggLen {
			return nil, core.Errorf(core.KindInvalidInput, "aggregate %s needs an input expression", e.Func)
		}
		return &Agg{Func: AggLen, Type: arrow.PrimitiveTypes.Uint32}, nil
	}
	x, err := r.resolve(e.X)
	if err != nil {
		return nil, err
	}
	if ContainsAgg(x) {
		return nil, core.Errorf(core.KindCompute, "aggregate %s of an aggregate is not allowed in expression %s", e.Func, e).
			With("expression", e.String())
	}
	switch e.Func {
	case AggSum, AggMean, AggStd, AggVar, AggMedian, AggQuantile:
		x = floatIfDecimal(x)
	}
	if core.IsCategorical(x.DataType()) {
		return categoricalAgg(e, x)
	}
	if _, nested := x.DataType().(arrow.NestedType); nested && e.Func != AggLen && e.Func != AggCount {
		return nil, core.Errorf(core.KindNotSupported, "%s of %s values is not supported yet (in %s)",
			e.Func, dtypeName(x.DataType()), e).With("expression", e.String())
	}
	t, ok := aggType(e.Func, x.DataType())
	if !ok {
		return nil, core.Errorf(core.KindCompute, "cannot compute %s of %s values in expression %s",
			e.Func, dtypeName(x.DataType()), e).With("expression", e.String())
	}
	if e.Func == AggQuantile {
		if e.Param < 0 || e.Param > 1 {
			return nil, core.Errorf(core.KindInvalidInput, "quantile must be between 0 and 1, got %v", e.Param)
		}
		switch e.Interp {
		case "", "nearest", "lower", "higher", "midpoint", "linear":
		default:
			return nil, core.Errorf(core.KindInvalidInput,
				"unknown quantile interpolation %q; use nearest, lower, higher, midpoint or linear", e.Interp)
		}
	}
	out := &Agg{Func: e.Func, X: x, Param: e.Param, Interp: e.Interp, Type: t}
	if out.Func == AggQuantile && out.Interp == "" {
		out.Interp = "nearest"
	}
	return out, nil
}
