package lazy

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/alopexdb/alopex/core"
)

// arrayOpt decodes an option given as {"kind": "array", "source": i}: the
// values of the one column of source i (a frame in memory), as the values
// JSON would give (int64, uint64 past int64's range, float64, string,
// bool, nil for a null). A long is_in list travels this way, beside the
// plan as an Arrow array: building and parsing 100k JSON numbers cost more
// than the query. ok is false when v is not such an option.
func (d *decoder) arrayOpt(v any) (vals []any, ok bool, err error) {
	m, isMap := v.(map[string]any)
	if !isMap || m["kind"] != "array" {
		return nil, false, nil
	}
	num, _ := m["source"].(json.Number)
	i, perr := strconv.Atoi(string(num))
	if perr != nil || i < 0 || i >= len(d.sources) {
		return nil, true, malformed("array option without a valid source")
	}
	src, isMem := d.sources[i].(MemorySource)
	if !isMem || len(src.Schema().Fields()) != 1 {
		return nil, true, malformed("array option source %d is not a one-column frame", i)
	}
	vals = make([]any, 0, src.NumRows())
	for _, b := range src.Batches() {
		if vals, err = appendArrayValues(vals, b.Column(0)); err != nil {
			return nil, true, err
		}
	}
	return vals, true, nil
}

// appendArrayValues appends the values of a to vals as Go values.
func appendArrayValues(vals []any, a arrow.Array) ([]any, error) {
	valid := func(i int) bool { return a.IsValid(i) }
	n := a.Len()
	switch x := a.(type) {
	case *array.Int8:
		return appendInts(vals, n, valid, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Int16:
		return appendInts(vals, n, valid, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Int32:
		return appendInts(vals, n, valid, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Int64:
		return appendInts(vals, n, valid, x.Value), nil
	case *array.Uint8:
		return appendInts(vals, n, valid, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Uint16:
		return appendInts(vals, n, valid, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Uint32:
		return appendInts(vals, n, valid, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Uint64:
		for i := range n {
			switch {
			case !valid(i):
				vals = append(vals, nil)
			case x.Value(i) <= math.MaxInt64:
				vals = append(vals, int64(x.Value(i)))
			default:
				vals = append(vals, x.Value(i))
			}
		}
	case *array.Float32:
		for i := range n {
			vals = appendValue(vals, valid(i), float64(x.Value(i)))
		}
	case *array.Float64:
		for i := range n {
			vals = appendValue(vals, valid(i), x.Value(i))
		}
	case *array.Boolean:
		for i := range n {
			vals = appendValue(vals, valid(i), x.Value(i))
		}
	case *array.String:
		for i := range n {
			vals = appendValue(vals, valid(i), x.Value(i))
		}
	case *array.LargeString:
		for i := range n {
			vals = appendValue(vals, valid(i), x.Value(i))
		}
	case *array.StringView:
		for i := range n {
			vals = appendValue(vals, valid(i), x.Value(i))
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "a list of %s values; pass integers, floats, booleans or strings",
			core.DTypeName(a.DataType()))
	}
	return vals, nil
}

// appendInts appends n integers (nil where not valid).
func appendInts(vals []any, n int, valid func(int) bool, at func(int) int64) []any {
	for i := range n {
		vals = appendValue(vals, valid(i), at(i))
	}
	return vals
}

func appendValue[T any](vals []any, valid bool, v T) []any {
	if !valid {
		return append(vals, nil)
	}
	return append(vals, v)
}
