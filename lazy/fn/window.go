package fn

import (
	"math/bits"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Window is one order-dependent function: it runs along each partition of
// its window in the window's order (the whole input in input order without
// over()), never row by row. The planner types a call with the rule, as for
// a Scalar; the window operator finds the partitions and calls Eval.
type Window struct {
	// Name, Python, MinArgs, MaxArgs and Type are as in Scalar. SQL's
	// window functions are translated in sqlexec (LAG is shift, ROW_NUMBER
	// a cumulative count), so no entry has a SQL name of its own.
	Name             string
	Python           []string
	Internal         bool
	MinArgs, MaxArgs int
	Type             func(b *Binding) error
	Eval             WindowEval
}

// WindowEval computes a window function over the rows of a batch: args are
// the evaluated arguments (full columns, in the types the rule asked for;
// the evaluator does not release them), the result has one value per row
// of the batch, in row order, and is owned by the caller.
type WindowEval func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error)

// Partitions are a batch's rows grouped by window partition.
type Partitions struct {
	// Order holds the rows, partition by partition, each partition in the
	// window's order; Order[Starts[p]:Starts[p+1]] is partition p.
	Order  []int32
	Starts []int
	// Compare returns the executor's comparison of two rows of x by value,
	// as a sort orders them (nulls last), descending when asked.
	Compare func(x arrow.Array, descending bool) (func(a, b int32) int, error)
}

// Len is the number of partitions.
func (p *Partitions) Len() int { return max(len(p.Starts)-1, 0) }

// Part is the rows of partition g, in order.
func (p *Partitions) Part(g int) []int32 { return p.Order[p.Starts[g]:p.Starts[g+1]] }

// Bind types a call (see Scalar.Bind).
func (w *Window) Bind(b *Binding) error {
	if err := b.Count(w.MinArgs, w.MaxArgs); err != nil {
		return err
	}
	return w.Type(b)
}

var windowFunctions = []*Window{
	cumulativeFn("cum_sum", func(b *Binding, t arrow.DataType) error {
		b.Out = SumType(t)
		b.Cast(0, b.Out)
		return nil
	}),
	cumulativeFn("cum_prod", func(b *Binding, t arrow.DataType) error {
		b.Out = arrow.PrimitiveTypes.Int64
		if core.IsFloat(t) {
			b.Out = t
		}
		b.Cast(0, b.Out)
		return nil
	}),
	cumulativeFn("cum_min", minMaxType("cum_min")),
	cumulativeFn("cum_max", minMaxType("cum_max")),
	{Name: "cum_count", Python: []string{"Expr.cum_count"}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error { b.Out = arrow.PrimitiveTypes.Uint32; return nil },
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return cumulative(mem, "cum_count", c.Type, args[0], parts, false)
		}},
	// shift(x, fill) with option n (rows; negative shifts up): the value n
	// rows before in the partition, fill where there is none.
	{Name: "shift", Python: []string{"Expr.shift"}, MinArgs: 2, MaxArgs: 2,
		Type: func(b *Binding) error {
			b.Out = b.Args[0].DataType()
			b.Cast(1, b.Out)
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return shift(mem, c.Type, args[0], args[1], int(c.Opts.Float("n", 1)), parts)
		}},
	// diff(x) with option n: x minus the value n rows before (null where
	// there is none).
	{Name: "diff", Python: []string{"Expr.diff"}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t, err := numericInput(b)
			if err != nil {
				return err
			}
			if core.IsUnsigned(t) || t.ID() == arrow.BOOL {
				t = arrow.PrimitiveTypes.Int64
			}
			b.Out = t
			b.Cast(0, t)
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			n := args[0].Len()
			nulls, err := kernels.Broadcast(mem, nil, c.Type, n)
			if err != nil {
				return nil, err
			}
			defer nulls.Release()
			prev, err := shift(mem, c.Type, args[0], nulls, int(c.Opts.Float("n", 1)), parts)
			if err != nil {
				return nil, err
			}
			defer prev.Release()
			return kernels.Arith(mem, kernels.Sub, kernels.ArrayValue(args[0]), kernels.ArrayValue(prev), n)
		}},
	// rank(x) with options method (average, min, max, dense, ordinal) and
	// descending; nulls get null ranks.
	{Name: "rank", Python: []string{"Expr.rank"}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !core.Sortable(t) {
				return core.Errorf(core.KindCompute, "cannot rank %s values", core.DTypeName(t))
			}
			switch b.Opts.String("method", "average") {
			case "average":
				b.Out = arrow.PrimitiveTypes.Float64
			case "min", "max", "dense", "ordinal":
				b.Out = arrow.PrimitiveTypes.Uint32
			default:
				return core.Errorf(core.KindInvalidInput, "rank method must be average, min, max, dense or ordinal")
			}
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return rank(mem, c, args[0], parts)
		}},
	frameAggFn,
}

// cumulativeFn is the entry of a running aggregate (cum_sum, cum_prod,
// cum_min, cum_max) over numbers; typed sets the result type.
func cumulativeFn(name string, typed func(b *Binding, t arrow.DataType) error) *Window {
	return &Window{Name: name, Python: []string{"Expr." + name}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t, err := numericInput(b)
			if err != nil {
				return err
			}
			return typed(b, t)
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return cumulative(mem, name, c.Type, args[0], parts, c.Opts.Bool("checked", false))
		}}
}

func minMaxType(name string) func(b *Binding, t arrow.DataType) error {
	return func(b *Binding, t arrow.DataType) error {
		if t.ID() == arrow.BOOL {
			return core.Errorf(core.KindNotSupported, "%s of Boolean values is not supported yet", name)
		}
		b.Out = t
		return nil
	}
}

// numericInput checks that the input is numbers (or booleans) and returns
// its type.
func numericInput(b *Binding) (arrow.DataType, error) {
	t := b.Args[0].DataType()
	if !core.IsNumeric(t) && t.ID() != arrow.BOOL {
		return nil, core.Errorf(core.KindCompute, "%s needs numbers, got %s", b.Name, core.DTypeName(t))
	}
	return t, nil
}

// SumType is the type of a sum of values of type t, as in Polars: small
// integers sum as Int64, booleans as UInt32 (a count), other numbers in
// their own type; nil when t's values cannot be summed.
func SumType(t arrow.DataType) arrow.DataType {
	switch t.ID() {
	case arrow.BOOL:
		return arrow.PrimitiveTypes.Uint32
	case arrow.INT8, arrow.INT16, arrow.UINT8, arrow.UINT16, arrow.NULL:
		return arrow.PrimitiveTypes.Int64
	}
	if core.IsNumeric(t) {
		return t
	}
	return nil
}

// shift gives each row the value k rows before it in its partition (after
// it for a negative k), fill where there is none.
func shift(mem memory.Allocator, t arrow.DataType, x, fill arrow.Array, k int, parts *Partitions) (arrow.Array, error) {
	n := x.Len()
	src := make([]int32, n)
	filled := make([]byte, bitutil.BytesForBits(int64(n)))
	for g := range parts.Len() {
		part := parts.Part(g)
		for i, row := range part {
			j := i - k
			if j < 0 || j >= len(part) {
				src[row] = -1
				bitutil.SetBit(filled, int(row))
			} else {
				src[row] = part[j]
			}
		}
	}
	shifted, err := kernels.Gather(mem, x, src)
	if err != nil {
		return nil, err
	}
	defer shifted.Release()
	if fill.NullN() == fill.Len() {
		shifted.Retain()
		return shifted, nil
	}
	return kernels.IfElse(mem, filled, kernels.ArrayValue(fill), kernels.ArrayValue(shifted), t, n)
}

// cumulative runs cum_sum, cum_prod, cum_min, cum_max and cum_count along
// each partition; nulls stay null and the running value goes on past them
// (cum_count counts the non-null values so far). An integer cum_sum wraps as
// Polars' does unless checked (SQL's running SUM, option "checked"), which
// makes a running sum beyond 64 bits an error, as the plain SUM's.
func cumulative(mem memory.Allocator, name string, out arrow.DataType, x arrow.Array, parts *Partitions, checked bool) (arrow.Array, error) {
	n := x.Len()
	outF := make([]float64, n)
	outI := make([]int64, n)
	valid := make([]bool, n)
	isFloat := core.IsFloat(x.DataType()) && name != "cum_count"
	isNull := x.DataType().ID() == arrow.NULL
	unsigned64 := x.DataType().ID() == arrow.UINT64
	minMax := name == "cum_min" || name == "cum_max"
	var getF func(int) float64
	var getI []int64
	switch {
	case name == "cum_count":
	case isFloat:
		getF = kernels.NumericAsFloat(x)
	case unsigned64:
		getI = make([]int64, n)
		for i, v := range kernels.Values[uint64](x) {
			getI[i] = int64(v)
		}
	default:
		getI = kernels.Int64Keys(x, nil)
	}
	for g := range parts.Len() {
		var accF float64
		var accI int64
		seen := false
		count := int64(0)
		for _, row := range parts.Part(g) {
			r := int(row)
			if name == "cum_count" {
				if !isNull && x.IsValid(r) {
					count++
				}
				outI[r], valid[r] = count, true
				continue
			}
			if x.IsNull(r) {
				continue
			}
			valid[r] = true
			if isFloat {
				v := getF(r)
				switch {
				case !seen || (accF != accF && minMax):
					accF = v
				case v != v && minMax:
					// NaN never wins a running min or max (as in Polars).
				case name == "cum_sum":
					accF += v
				case name == "cum_prod":
					accF *= v
				case name == "cum_min":
					accF = min(accF, v)
				case name == "cum_max":
					accF = max(accF, v)
				}
				outF[r] = accF
			} else {
				v := getI[r]
				switch {
				case !seen:
					accI = v
				case name == "cum_sum" && checked:
					var ok bool
					if accI, ok = checkedAdd(accI, v, unsigned64); !ok {
						return nil, core.Errorf(core.KindCompute,
							"a running SUM is out of range of %s; CAST its argument AS DECIMAL(38, 0) or AS DOUBLE to sum beyond 64 bits",
							sqlIntName(unsigned64))
					}
				case name == "cum_sum":
					accI += v
				case name == "cum_prod":
					accI *= v
				case name == "cum_min" && unsigned64:
					accI = int64(min(uint64(accI), uint64(v)))
				case name == "cum_max" && unsigned64:
					accI = int64(max(uint64(accI), uint64(v)))
				case name == "cum_min":
					accI = min(accI, v)
				case name == "cum_max":
					accI = max(accI, v)
				}
				outI[r] = accI
			}
			seen = true
		}
	}
	return numbers(mem, out, isFloat, outF, outI, valid)
}

// numbers builds a result of type t from float or integer values (integers
// holding UInt64 bits for a UInt64 result).
func numbers(mem memory.Allocator, t arrow.DataType, isFloat bool, f []float64, i []int64, valid []bool) (arrow.Array, error) {
	switch {
	case isFloat:
		return kernels.NumArray(mem, t, f, valid)
	case t.ID() == arrow.UINT64:
		u := make([]uint64, len(i))
		for k, v := range i {
			u[k] = uint64(v)
		}
		return kernels.NumArray(mem, t, u, valid)
	}
	return kernels.NumArray(mem, t, i, valid)
}

// rank ranks the values of each partition (nulls get null ranks).
func rank(mem memory.Allocator, c *Invocation, x arrow.Array, parts *Partitions) (arrow.Array, error) {
	method := c.Opts.String("method", "average")
	cmpFn, err := parts.Compare(x, c.Opts.Bool("descending", false))
	if err != nil {
		return nil, err
	}
	n := x.Len()
	ranks := make([]float64, n)
	valid := make([]bool, n)
	var rows []int32
	for g := range parts.Len() {
		rows = rows[:0]
		for _, r := range parts.Part(g) {
			if x.IsValid(int(r)) {
				rows = append(rows, r)
			}
		}
		slices.SortStableFunc(rows, cmpFn)
		dense := 0
		for i := 0; i < len(rows); {
			j := i + 1
			for j < len(rows) && cmpFn(rows[i], rows[j]) == 0 {
				j++
			}
			dense++
			for k := i; k < j; k++ {
				var r float64
				switch method {
				case "average":
					r = float64(i+j+1) / 2
				case "min":
					r = float64(i + 1)
				case "max":
					r = float64(j)
				case "dense":
					r = float64(dense)
				case "ordinal":
					r = float64(k + 1)
				}
				ranks[rows[k]], valid[rows[k]] = r, true
			}
			i = j
		}
	}
	if method == "average" {
		return kernels.NumArray(mem, c.Type, ranks, valid)
	}
	u := make([]int64, n)
	for i, r := range ranks {
		u[i] = int64(r)
	}
	return kernels.NumArray(mem, c.Type, u, valid)
}

// checkedAdd is a + b in 64 bits (as uint64 bits when unsigned), ok false
// when the sum does not fit.
func checkedAdd(a, b int64, unsigned bool) (int64, bool) {
	if unsigned {
		s, carry := bits.Add64(uint64(a), uint64(b), 0)
		return int64(s), carry == 0
	}
	s := a + b
	return s, (a >= 0) != (b >= 0) || (s >= 0) == (a >= 0)
}

// sqlIntName is MySQL's name of the 64-bit integer type.
func sqlIntName(unsigned bool) string {
	if unsigned {
		return "BIGINT UNSIGNED"
	}
	return "BIGINT"
}
