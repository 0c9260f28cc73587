package exec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func init() {
	registerEval("is_in", evalIsIn)
}

func scalarFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// fewStrings returns the strings of an is_in list when there are at most
// kernels.MaxFewStrings of them (compared row by row instead of hashed),
// else nil.
func fewStrings(vals []any) []string {
	if len(vals) > kernels.MaxFewStrings {
		return nil
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func evalIsIn(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
	x, err := materialize(mem, args[0], n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	vals, _ := c.Opts["values"].([]any)
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	t := x.DataType()
	switch {
	case core.IsString(t):
		if few := fewStrings(vals); few != nil {
			if out, ok := kernels.StringsIn(mem, x, few); ok {
				return out, nil
			}
		}
		set := isInSet(c, func() map[string]bool {
			set := make(map[string]bool, len(vals))
			for _, v := range vals {
				if s, ok := v.(string); ok {
					set[s] = true
				}
			}
			return set
		})
		at := kernels.StringAt(x)
		for i := range n {
			if x.IsNull(i) {
				b.AppendNull()
			} else {
				b.UnsafeAppend(set[at(i)])
			}
		}
	case core.IsNumeric(t) || t.ID() == arrow.BOOL || intKeyable(t):
		if err := isInNumeric(b, c, x, vals); err != nil {
			return nil, err
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "is_in on %s values", core.DTypeName(t))
	}
	return b.NewArray(), nil
}
