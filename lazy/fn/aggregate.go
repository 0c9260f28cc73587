package fn

import (
	"sort"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Aggregate is one aggregate function: it folds the rows of each group (of
// the whole input without keys) into one value. The planner types a call
// with the entry's rule; the executor keeps one state per aggregate and
// group; SQL finds the entry by its SQL names.
type Aggregate struct {
	// Name is the aggregate's name in the plan ({"func": "sum"} in the
	// plan JSON Python builds), as explain() shows it.
	Name string
	// Python lists the methods and package functions that build it
	// ("Expr.sum", "ax.sum", "GroupBy.sum").
	Python []string
	// SQL lists the SQL aggregates (lower case) that call this one over the
	// same argument(s), each with the parameter it passes (STDDEV_SAMP is
	// std with ddof 1). sqlexec adds SQL's null rules around the call (SUM
	// of no values is NULL) and translates the calls whose argument or
	// meaning differ (COUNT(*), COUNT(DISTINCT x), AVG of decimals) into
	// other entries.
	SQL []SQLAggregate
	// MinArgs and MaxArgs bound the inputs: 0 or 1 for len (ax.len() has
	// none), 2 for corr and cov (X and Y), 1 for the others.
	MinArgs, MaxArgs int
	// Param names what the call's numeric parameter is ("ddof", "quantile",
	// "k"; empty: the aggregate takes none); Interp marks quantile, whose
	// interpolation is a parameter too.
	Param  string
	Interp bool
	// Nulls says when a group's result can be null.
	Nulls AggNulls
	// Ordered marks an aggregate whose value depends on the order of the
	// rows (first, last): the executor must keep rows in input order.
	Ordered bool
	// Type is the type rule (Polars' rules): it checks the input types and
	// parameters, sets the result type and the casts the inputs need.
	Type func(b *AggBinding) error
	// State makes the per-group state of a call the rule typed (see
	// AggState; the family files agg_*.go hold the states).
	State func(c *AggCall) (AggState, error)
}

// SQLAggregate is a SQL name of an aggregate and the parameter it passes.
type SQLAggregate struct {
	Name  string
	Param float64
}

// AggNulls is what an aggregate gives for a group.
type AggNulls uint8

const (
	// AggNullsAny: the result may be null (std of one row, the mean of
	// values that are all null, corr of fewer than two rows).
	AggNullsAny AggNulls = iota
	// AggNullsNever: never null (sum, count, len, n_unique: 0 for a group
	// without values).
	AggNullsNever
	// AggNullsIfNoValue: null only for a group without a non-null value,
	// so over an input without nulls a group (never empty) has a value.
	AggNullsIfNoValue
)

// The aggregates' names in plans.
const (
	AggSum      = "sum"
	AggMean     = "mean"
	AggMin      = "min"
	AggMax      = "max"
	AggCount    = "count" // non-null values
	AggLen      = "len"   // rows, nulls included
	AggNUnique  = "n_unique"
	AggStd      = "std"
	AggVar      = "var"
	AggMedian   = "median"
	AggQuantile = "quantile"
	AggFirst    = "first"
	AggLast     = "last"
	AggAny      = "any"
	AggAll      = "all"
	AggCorr     = "corr"     // Pearson correlation of X and Y
	AggCov      = "cov"      // covariance of X and Y (ddof in Param)
	AggTopK     = "top_k"    // the Param largest values, as a list
	AggBottomK  = "bottom_k" // the Param smallest values, as a list
)

// AggBinding is one aggregate call being typed. The rule reads X (nil for
// len without input), Y (corr and cov), Param and Interp; it sets Out and,
// when the state needs them in another type, CastX and CastY. Wrap, when
// set, is a type the result is cast to afterwards (min of a Categorical is
// computed over its strings and cast back).
type AggBinding struct {
	Name   string
	X, Y   arrow.DataType
	Param  float64
	Interp string
	// Expr is the call's text and XExpr, YExpr its inputs', for error
	// messages.
	Expr, XExpr, YExpr string

	Out          arrow.DataType
	CastX, CastY arrow.DataType
	Wrap         arrow.DataType
}

// Bind types a call: it checks the number of inputs, then runs the rule.
func (a *Aggregate) Bind(b *AggBinding) error {
	n := 0
	if b.X != nil {
		n++
		if b.Y != nil {
			n++
		}
	}
	switch {
	case n < a.MinArgs && a.MaxArgs == 2:
		return core.Errorf(core.KindInvalidInput, "%s needs two inputs: ax.%s(a, b)", a.Name, a.Name)
	case n < a.MinArgs:
		return core.Errorf(core.KindInvalidInput, "aggregate %s needs an input expression", a.Name)
	case n > a.MaxArgs:
		return core.Errorf(core.KindInvalidInput, "aggregate %s takes %d input(s), got %d (in %s)", a.Name, a.MaxArgs, n, b.Expr).
			With("expression", b.Expr)
	}
	return a.Type(b)
}

// NeverNull reports whether the aggregate of a group is never null, given
// whether its input is never null and whether the group is never empty (a
// group of group_by always has a row; the whole input may have none).
func (a *Aggregate) NeverNull(inputNeverNull, nonEmpty bool) bool {
	switch a.Nulls {
	case AggNullsNever:
		return true
	case AggNullsIfNoValue:
		return inputNeverNull && nonEmpty
	}
	return false
}

// SQLParam returns the parameter a SQL name passes to the aggregate.
func (a *Aggregate) SQLParam(name string) float64 {
	for _, s := range a.SQL {
		if s.Name == name {
			return s.Param
		}
	}
	return 0
}

// LookupAggregate returns the aggregate named name in plans.
func LookupAggregate(name string) (*Aggregate, bool) {
	a, ok := byAggregate[name]
	return a, ok
}

// LookupSQLAggregate returns the aggregate a SQL aggregate name (lower
// case) calls directly, and the parameter it passes.
func LookupSQLAggregate(name string) (*Aggregate, float64, bool) {
	a, ok := bySQLAggregate[name]
	if !ok {
		return nil, 0, false
	}
	return a, a.SQLParam(name), true
}

// MustAggregate returns the aggregate named name; for the planner's and
// SQL's own calls by the names above, which are entries.
func MustAggregate(name string) *Aggregate {
	a, ok := byAggregate[name]
	if !ok {
		panic("alopex: no aggregate " + name)
	}
	return a
}

// AllAggregates returns every aggregate, by name.
func AllAggregates() []*Aggregate {
	out := make([]*Aggregate, 0, len(byAggregate))
	for _, a := range byAggregate {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var (
	byAggregate    = map[string]*Aggregate{}
	bySQLAggregate = map[string]*Aggregate{}
	_              = indexAggregates(aggregateFunctions)
)

func indexAggregates(as []*Aggregate) bool {
	for _, a := range as {
		if _, dup := byAggregate[a.Name]; dup {
			panic("alopex: aggregate defined twice: " + a.Name)
		}
		byAggregate[a.Name] = a
		for _, s := range a.SQL {
			if _, dup := bySQLAggregate[s.Name]; dup {
				panic("alopex: SQL aggregate name defined twice: " + s.Name)
			}
			bySQLAggregate[s.Name] = a
		}
	}
	return true
}

// pythonNames lists an aggregate's Expr method, package function and GroupBy
// shortcut, the ones that exist.
func pythonNames(name string, pkg, groupBy bool) []string {
	out := []string{"Expr." + name}
	if pkg {
		out = append(out, "ax."+name)
	}
	if groupBy {
		out = append(out, "GroupBy."+name)
	}
	return out
}

var aggregateFunctions = []*Aggregate{
	{Name: AggSum, Python: pythonNames(AggSum, true, true), SQL: []SQLAggregate{{Name: "sum"}},
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsNever, Type: sumType,
		State: func(c *AggCall) (AggState, error) { return newSumState(c.In, c.Out, c.Checked) }},
	{Name: AggMean, Python: pythonNames(AggMean, true, true), SQL: []SQLAggregate{{Name: "avg"}},
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsIfNoValue, Type: floatStatType,
		State: func(c *AggCall) (AggState, error) { return newMeanState(c.In, c.Out), nil }},
	{Name: AggMin, Python: pythonNames(AggMin, true, true), SQL: []SQLAggregate{{Name: "min"}},
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsIfNoValue, Type: sameType(catAsString),
		State: func(c *AggCall) (AggState, error) { return newMinMax(c.In, false) }},
	{Name: AggMax, Python: pythonNames(AggMax, true, true), SQL: []SQLAggregate{{Name: "max"}},
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsIfNoValue, Type: sameType(catAsString),
		State: func(c *AggCall) (AggState, error) { return newMinMax(c.In, true) }},
	{Name: AggCount, Python: pythonNames(AggCount, true, true), SQL: []SQLAggregate{{Name: "count"}},
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsNever, Type: countType,
		State: func(*AggCall) (AggState, error) { return &countState{}, nil }},
	// len counts rows, nulls included; ax.len() has no input.
	{Name: AggLen, Python: []string{"Expr.len", "ax.len", "GroupBy.len"},
		MinArgs: 0, MaxArgs: 1, Nulls: AggNullsNever, Type: countType,
		State: func(*AggCall) (AggState, error) { return &countState{all: true}, nil }},
	{Name: AggNUnique, Python: pythonNames(AggNUnique, true, true),
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsNever, Type: nUniqueType,
		State: func(c *AggCall) (AggState, error) { return &nUniqueState{env: c.Env}, nil }},
	{Name: AggStd, Python: pythonNames(AggStd, true, false), Param: "ddof",
		SQL:     []SQLAggregate{{Name: "std"}, {Name: "stddev"}, {Name: "stddev_pop"}, {Name: "stddev_samp", Param: 1}},
		MinArgs: 1, MaxArgs: 1, Type: floatStatType,
		State: func(c *AggCall) (AggState, error) { return &varState{out: c.Out, ddof: c.Param, std: true}, nil }},
	{Name: AggVar, Python: pythonNames(AggVar, true, false), Param: "ddof",
		SQL:     []SQLAggregate{{Name: "variance"}, {Name: "var_pop"}, {Name: "var_samp", Param: 1}},
		MinArgs: 1, MaxArgs: 1, Type: floatStatType,
		State: func(c *AggCall) (AggState, error) { return &varState{out: c.Out, ddof: c.Param}, nil }},
	{Name: AggMedian, Python: pythonNames(AggMedian, true, true),
		MinArgs: 1, MaxArgs: 1, Type: floatStatType,
		State: func(c *AggCall) (AggState, error) { return &quantileState{out: c.Out, q: 0.5, interp: "linear"}, nil }},
	{Name: AggQuantile, Python: pythonNames(AggQuantile, false, false), Param: "quantile", Interp: true,
		MinArgs: 1, MaxArgs: 1, Type: quantileType,
		State: func(c *AggCall) (AggState, error) {
			return &quantileState{out: c.Out, q: c.Param, interp: c.Interp}, nil
		}},
	{Name: AggFirst, Python: pythonNames(AggFirst, true, true), Ordered: true,
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsIfNoValue, Type: sameType(catAsString),
		State: func(c *AggCall) (AggState, error) { return &firstLastState{vals: newStore(c.In)}, nil }},
	{Name: AggLast, Python: pythonNames(AggLast, true, true), Ordered: true,
		MinArgs: 1, MaxArgs: 1, Nulls: AggNullsIfNoValue, Type: sameType(catAsString),
		State: func(c *AggCall) (AggState, error) { return &firstLastState{last: true, vals: newStore(c.In)}, nil }},
	{Name: AggAny, Python: pythonNames(AggAny, false, false),
		MinArgs: 1, MaxArgs: 1, Type: boolType,
		State: func(*AggCall) (AggState, error) { return &anyAllState{}, nil }},
	{Name: AggAll, Python: pythonNames(AggAll, false, false),
		MinArgs: 1, MaxArgs: 1, Type: boolType,
		State: func(*AggCall) (AggState, error) { return &anyAllState{all: true}, nil }},
	// corr and cov are SQL's CORR, COVAR_SAMP and COVAR_POP over Float64
	// inputs; sqlexec adds SQL's NULL for no rows with both values.
	{Name: AggCorr, Python: []string{"ax.corr"}, SQL: []SQLAggregate{{Name: "corr"}},
		MinArgs: 2, MaxArgs: 2, Type: pairType,
		State: func(c *AggCall) (AggState, error) { return &corrCovState{corr: true, ddof: c.Param}, nil }},
	{Name: AggCov, Python: []string{"ax.cov"}, Param: "ddof",
		SQL:     []SQLAggregate{{Name: "covar_samp", Param: 1}, {Name: "covar_pop"}},
		MinArgs: 2, MaxArgs: 2, Type: pairType,
		State: func(c *AggCall) (AggState, error) { return &corrCovState{ddof: c.Param}, nil }},
	{Name: AggTopK, Python: []string{"Expr.top_k"}, Param: "k", MinArgs: 1, MaxArgs: 1, Type: topKType,
		State: newTopKState},
	{Name: AggBottomK, Python: []string{"Expr.bottom_k"}, Param: "k", MinArgs: 1, MaxArgs: 1, Type: topKType,
		State: newTopKState},
}

// What an aggregate does with a Categorical input.
type catRule uint8

const (
	catNone     catRule = iota // not supported
	catAsIs                    // over the codes' values as they are (len, count, n_unique)
	catAsString                // over the values as String, cast back (min, max, first, last)
)

// checkInput applies the rules every aggregate of one input shares: a
// Categorical as cat says, nested values only for len and count. It
// reports whether the rule is settled (a Categorical's min).
func checkInput(b *AggBinding, cat catRule, nested bool) (bool, error) {
	t := b.X
	if core.IsCategorical(t) {
		switch cat {
		case catAsIs:
			return false, nil
		case catAsString:
			s := arrow.BinaryTypes.String
			b.CastX, b.Out, b.Wrap = s, s, core.Categorical
			return true, nil
		}
		return false, core.Errorf(core.KindNotSupported,
			"%s of Categorical values is not supported (in %s); cast the column first: .cast(ax.String), or .cast(ax.String).cast(ax.Float64) for numbers stored as categories",
			b.Name, b.Expr).With("expression", b.Expr)
	}
	if _, isNested := t.(arrow.NestedType); isNested && !nested {
		return false, core.Errorf(core.KindNotSupported, "%s of %s values is not supported yet (in %s)",
			b.Name, core.DTypeName(t), b.Expr).With("expression", b.Expr)
	}
	return false, nil
}

func cannotCompute(b *AggBinding, t arrow.DataType) error {
	return core.Errorf(core.KindCompute, "cannot compute %s of %s values in expression %s",
		b.Name, core.DTypeName(t), b.Expr).With("expression", b.Expr)
}

// sumType: exact Decimal(38, s) for decimals (as Polars), Int64 for small
// integers, UInt32 for Booleans, the input's type for other numbers.
func sumType(b *AggBinding) error {
	if t, ok := b.X.(*arrow.Decimal128Type); ok {
		b.Out = &arrow.Decimal128Type{Precision: MaxDecimalPrecision, Scale: t.Scale}
		return nil
	}
	if _, err := checkInput(b, catNone, false); err != nil {
		return err
	}
	if b.Out = SumType(b.X); b.Out == nil {
		return cannotCompute(b, b.X)
	}
	return nil
}

// countType: len and count are UInt32 of any input.
func countType(b *AggBinding) error {
	if b.X != nil {
		if _, err := checkInput(b, catAsIs, true); err != nil {
			return err
		}
	}
	b.Out = arrow.PrimitiveTypes.Uint32
	return nil
}

// nUniqueType: UInt32 of any flat input (a Categorical's values hash).
func nUniqueType(b *AggBinding) error {
	if _, err := checkInput(b, catAsIs, false); err != nil {
		return err
	}
	b.Out = arrow.PrimitiveTypes.Uint32
	return nil
}

// sameType: min, max, first and last are of the input's type.
func sameType(cat catRule) func(b *AggBinding) error {
	return func(b *AggBinding) error {
		if done, err := checkInput(b, cat, false); done || err != nil {
			return err
		}
		b.Out = b.X
		return nil
	}
}

// boolType: any and all of Booleans.
func boolType(b *AggBinding) error {
	if _, err := checkInput(b, catNone, false); err != nil {
		return err
	}
	b.Out = arrow.FixedWidthTypes.Boolean
	if t := b.X.ID(); t != arrow.BOOL && t != arrow.NULL {
		return cannotCompute(b, b.X)
	}
	return nil
}

// floatStatType: mean, median, std, var and quantile are Float32 of
// Float32, Float64 of other numbers and Booleans; decimals are read as
// Float64.
func floatStatType(b *AggBinding) error {
	if t := b.X.ID(); t == arrow.DECIMAL128 || t == arrow.DECIMAL256 {
		b.CastX = arrow.PrimitiveTypes.Float64
		b.X = b.CastX
	}
	if _, err := checkInput(b, catNone, false); err != nil {
		return err
	}
	t := b.X
	if t.ID() == arrow.FLOAT32 {
		b.Out = t
		return nil
	}
	b.Out = arrow.PrimitiveTypes.Float64
	if !(core.IsNumeric(t) || t.ID() == arrow.BOOL || t.ID() == arrow.NULL) {
		return cannotCompute(b, t)
	}
	return nil
}

// quantileType is floatStatType with a quantile in [0, 1] and a known
// interpolation (nearest when none is given).
func quantileType(b *AggBinding) error {
	if err := floatStatType(b); err != nil {
		return err
	}
	if b.Param < 0 || b.Param > 1 {
		return core.Errorf(core.KindInvalidInput, "quantile must be between 0 and 1, got %v", b.Param)
	}
	switch b.Interp {
	case "":
		b.Interp = "nearest"
	case "nearest", "lower", "higher", "midpoint", "linear":
	default:
		return core.Errorf(core.KindInvalidInput,
			"unknown quantile interpolation %q; use nearest, lower, higher, midpoint or linear", b.Interp)
	}
	return nil
}

// pairType: corr and cov of two numeric (or Boolean) inputs are Float64,
// decimals read as Float64, as in Polars.
func pairType(b *AggBinding) error {
	for i, t := range []arrow.DataType{b.X, b.Y} {
		if id := t.ID(); id == arrow.DECIMAL128 || id == arrow.DECIMAL256 {
			t = arrow.PrimitiveTypes.Float64
			if i == 0 {
				b.CastX = t
			} else {
				b.CastY = t
			}
		}
		if !(core.IsNumeric(t) || t.ID() == arrow.BOOL || t.ID() == arrow.NULL) {
			arg := b.XExpr
			if i == 1 {
				arg = b.YExpr
			}
			return core.Errorf(core.KindCompute, "cannot compute %s of %s values (%s) in expression %s; cast it to a number first",
				b.Name, core.DTypeName(t), arg, b.Expr).With("expression", b.Expr)
		}
	}
	if b.Name == AggCov && (b.Param < 0 || b.Param != float64(int(b.Param))) {
		return core.Errorf(core.KindInvalidInput, "ddof of cov must be a non-negative integer, got %v", b.Param)
	}
	b.Out = arrow.PrimitiveTypes.Float64
	return nil
}

// topKType: top_k and bottom_k give a list of the input's type per group,
// over numbers, strings, Booleans and temporal values.
func topKType(b *AggBinding) error {
	if b.Param < 0 || b.Param != float64(int32(b.Param)) {
		return core.Errorf(core.KindInvalidInput, "k of %s must be a non-negative integer below 2^31, got %v", b.Name, b.Param)
	}
	t := b.X
	switch {
	case t.ID() == arrow.DECIMAL128 || t.ID() == arrow.DECIMAL256 || core.IsCategorical(t):
		return core.Errorf(core.KindNotSupported, "%s of %s values is not supported yet (in %s); cast them first, e.g. .cast(ax.Float64)",
			b.Name, core.DTypeName(t), b.Expr).With("expression", b.Expr)
	case core.IsNumeric(t), core.IsString(t), t.ID() == arrow.BOOL, IntKeyable(t):
	default:
		return cannotCompute(b, t)
	}
	b.Out = arrow.ListOf(t)
	return nil
}

// IntKeyable reports whether t is a date, time, timestamp or duration
// (values that order as their int64 representation).
func IntKeyable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION, arrow.TIME32, arrow.TIME64:
		return true
	}
	return false
}
