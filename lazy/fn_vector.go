package lazy

import (
	"encoding/json"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
)

// Vector constants in plans. The vector functions ("vec.<name>") are
// entries of the function registry (lazy/fn/vectors.go); vector types are
// core.IsVector / core.VectorType.

// VectorLiteral makes a vector constant; it rejects NaN and infinities,
// which have no distance.
func VectorLiteral(v []float32) (*Literal, error) {
	if err := vector.CheckValue(v); err != nil {
		return nil, err
	}
	return &Literal{Value: v, Type: core.VectorType(len(v))}, nil
}

// vectorLiteralString is how explain shows a vector constant: all of a
// short one, the head and the dimension of a long one.
func vectorLiteralString(v []float32) string {
	if len(v) <= 8 {
		return vector.FormatText(v)
	}
	return vector.FormatText(v[:3])[:len(vector.FormatText(v[:3]))-1] + ",…](d=" + strconv.Itoa(len(v)) + ")"
}

// decodeVectorLiteral reads the value of a literal of an Array type.
func decodeVectorLiteral(raw json.RawMessage, t arrow.DataType) (Expr, error) {
	if !core.IsVector(t) {
		return nil, core.Errorf(core.KindNotSupported, "literals of type %s are not supported (only Array(Float32, d) vectors)", dtypeName(t))
	}
	var vals []any
	if err := json.Unmarshal(raw, &vals); err != nil {
		return nil, malformed("vector literal: %v", err)
	}
	v := make([]float32, len(vals))
	for i, x := range vals {
		f, err := jsonFloat(jsonNumberOf(x))
		if err != nil {
			return nil, err
		}
		v[i] = float32(f)
	}
	if len(v) != core.VectorDim(t) {
		return nil, core.Errorf(core.KindInvalidInput, "vector literal has %d elements, its type %s wants %d", len(v), dtypeName(t), core.VectorDim(t))
	}
	return VectorLiteral(v)
}

func jsonNumberOf(x any) any {
	if f, ok := x.(float64); ok {
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return x
}
