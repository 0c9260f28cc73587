package lazy

import (
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/fn"
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
	AggCorr     AggFunc = "corr"     // Pearson correlation of X and Y
	AggCov      AggFunc = "cov"      // covariance of X and Y (ddof in Param)
	AggTopK     AggFunc = "top_k"    // the Param largest values, as a list
	AggBottomK  AggFunc = "bottom_k" // the Param smallest values, as a list
)

var aggFuncs = map[AggFunc]bool{
	AggSum: true, AggMean: true, AggMin: true, AggMax: true, AggCount: true, AggLen: true,
	AggNUnique: true, AggStd: true, AggVar: true, AggMedian: true, AggQuantile: true,
	AggFirst: true, AggLast: true, AggAny: true, AggAll: true,
	AggCorr: true, AggCov: true, AggTopK: true, AggBottomK: true,
}

// pairAgg reports whether f aggregates two inputs (X and Y).
func pairAgg(f AggFunc) bool { return f == AggCorr || f == AggCov }

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
	Type   arrow.DataType
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
	if pairAgg(e.Func) {
		b.WriteString(string(e.Func) + "(")
		writeExpr(b, e.X)
		b.WriteString(", ")
		if e.Y != nil {
			writeExpr(b, e.Y)
		}
		if e.Func == AggCov && e.Param != 1 {
			b.WriteString(", ddof=" + strconv.FormatFloat(e.Param, 'g', -1, 64))
		}
		b.WriteString(")")
		return
	}
	writeExpr(b, e.X)
	switch e.Func {
	case AggTopK, AggBottomK:
		b.WriteString("." + string(e.Func) + "(" + strconv.FormatFloat(e.Param, 'g', -1, 64) + ")")
		return
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
	case AggSum:
		if t, ok := x.DataType().(*arrow.Decimal128Type); ok {
			// Exact, in 128 bits, as Polars' Decimal(38, s).
			return &Agg{Func: AggSum, X: x, Type: &arrow.Decimal128Type{Precision: fn.MaxDecimalPrecision, Scale: t.Scale}}, nil
		}
	case AggMean, AggStd, AggVar, AggMedian, AggQuantile:
		x = floatIfDecimal(x)
	case AggCorr, AggCov:
		return r.pairAgg(e, x)
	case AggTopK, AggBottomK:
		return topKAgg(e, x)
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

// pairAgg resolves corr and cov: both inputs numeric (or Boolean), their
// result Float64, as in Polars.
func (r *resolver) pairAgg(e *Agg, x Expr) (Expr, error) {
	if e.Y == nil {
		return nil, core.Errorf(core.KindInvalidInput, "%s needs two inputs: ax.%s(a, b)", e.Func, e.Func)
	}
	y, err := r.resolve(e.Y)
	if err != nil {
		return nil, err
	}
	if ContainsAgg(y) {
		return nil, core.Errorf(core.KindCompute, "aggregate %s of an aggregate is not allowed in expression %s", e.Func, e).
			With("expression", e.String())
	}
	x, y = floatIfDecimal(x), floatIfDecimal(y)
	for _, v := range []Expr{x, y} {
		t := v.DataType()
		if !(core.IsNumeric(t) || t.ID() == arrow.BOOL || t.ID() == arrow.NULL) {
			return nil, core.Errorf(core.KindCompute, "cannot compute %s of %s values (%s) in expression %s; cast it to a number first",
				e.Func, dtypeName(t), v, e).With("expression", e.String())
		}
	}
	if e.Func == AggCov && (e.Param < 0 || e.Param != float64(int(e.Param))) {
		return nil, core.Errorf(core.KindInvalidInput, "ddof of cov must be a non-negative integer, got %v", e.Param)
	}
	return &Agg{Func: e.Func, X: x, Y: y, Param: e.Param, Type: arrow.PrimitiveTypes.Float64}, nil
}

// topKAgg resolves top_k and bottom_k inside agg: a list of the k largest
// (smallest) values of each group, of the input's type.
func topKAgg(e *Agg, x Expr) (Expr, error) {
	if e.Param < 0 || e.Param != float64(int32(e.Param)) {
		return nil, core.Errorf(core.KindInvalidInput, "k of %s must be a non-negative integer below 2^31, got %v", e.Func, e.Param)
	}
	t := x.DataType()
	switch {
	case t.ID() == arrow.DECIMAL128 || t.ID() == arrow.DECIMAL256 || core.IsCategorical(t):
		return nil, core.Errorf(core.KindNotSupported, "%s of %s values is not supported yet (in %s); cast them first, e.g. .cast(ax.Float64)",
			e.Func, dtypeName(t), e).With("expression", e.String())
	case core.IsNumeric(t), core.IsString(t), t.ID() == arrow.BOOL, intKeyableType(t):
	default:
		return nil, core.Errorf(core.KindCompute, "cannot compute %s of %s values in expression %s",
			e.Func, dtypeName(t), e).With("expression", e.String())
	}
	return &Agg{Func: e.Func, X: x, Param: e.Param, Type: arrow.ListOf(t)}, nil
}

// intKeyableType reports whether t is a date, time, timestamp or duration
// (values that order as their int64 representation).
func intKeyableType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION, arrow.TIME32, arrow.TIME64:
		return true
	}
	return false
}
