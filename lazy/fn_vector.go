package lazy

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// The vector functions, "vec.<name>", over vector columns: Arrow
// FixedSizeList<Float32>[d] (dtype Array(Float32, shape=d); VECTOR(d) in
// SQL). The first argument is the vector column; the second, for the
// distances, is a vector literal (a []float32 Literal; a String literal
// '[1, 2]' is parsed as one, which is how SQL vector literals arrive) or
// another vector column of the same dimension. Distances are Float32, as
// in TiDB and pgvector: the vectors are Float32, and the kernels
// (vector.Distances) accumulate in Float32. Evaluated in
// lazy/exec/fn_vector.go.

// VectorDistance names a distance function and the order that ranks it:
// smaller is closer for every distance except the inner product.
type VectorDistance struct {
	Name string
	// Metric is the index metric ("l2", "cosine", "ip") that orders rows
	// the same way (ascending, or descending for inner_product); "" when
	// no index metric does (l1).
	Metric string
	// LargerIsCloser is true for inner_product (a·b).
	LargerIsCloser bool
}

// VectorDistances lists the distance functions by call name.
var VectorDistances = map[string]VectorDistance{
	"vec.l2_distance":            {Name: "l2_distance", Metric: "l2"},
	"vec.cosine_distance":        {Name: "cosine_distance", Metric: "cosine"},
	"vec.inner_product":          {Name: "inner_product", Metric: "ip", LargerIsCloser: true},
	"vec.negative_inner_product": {Name: "negative_inner_product", Metric: "ip"},
	"vec.l1_distance":            {Name: "l1_distance"},
	"vec.cosine_similarity":      {Name: "cosine_similarity", Metric: "cosine", LargerIsCloser: true},
	"vec.squared_l2_distance":    {Name: "squared_l2_distance", Metric: "l2"},
}

// IsVector reports whether t is a vector type: a FixedSizeList of Float32.
func IsVector(t arrow.DataType) bool {
	f, ok := t.(*arrow.FixedSizeListType)
	return ok && f.Elem().ID() == arrow.FLOAT32
}

// VectorDim returns the dimension of a vector type (0 for other types).
func VectorDim(t arrow.DataType) int {
	if f, ok := t.(*arrow.FixedSizeListType); ok {
		return int(f.Len())
	}
	return 0
}

// VectorType is the vector type of dimension d.
func VectorType(d int) arrow.DataType {
	return arrow.FixedSizeListOf(int32(d), arrow.PrimitiveTypes.Float32)
}

// VectorLiteral makes a vector constant; it rejects NaN and infinities,
// which have no distance.
func VectorLiteral(v []float32) (*Literal, error) {
	if len(v) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "a vector needs at least one dimension")
	}
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, core.Errorf(core.KindInvalidInput, "vector element %d is %v; vectors must hold finite numbers", i, x)
		}
	}
	return &Literal{Value: v, Type: VectorType(len(v))}, nil
}

// ParseVectorText reads a vector written as text: "[1, 2.5, -3]" (TiDB's
// and pgvector's form).
func ParseVectorText(s string) ([]float32, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
		return nil, core.Errorf(core.KindInvalidInput, "invalid vector text %q: write it as '[1.0, 2.0, ...]'", ShortText(s))
	}
	body := strings.TrimSpace(t[1 : len(t)-1])
	if body == "" {
		return nil, core.Errorf(core.KindInvalidInput, "invalid vector text %q: a vector needs at least one dimension", ShortText(s))
	}
	out := make([]float32, 0, strings.Count(body, ",")+1)
	for i := 0; body != ""; i++ {
		p, rest, _ := strings.Cut(body, ",")
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 32)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "invalid vector text %q: element %d (%q) is not a number", ShortText(s), i, ShortText(strings.TrimSpace(p)))
		}
		out = append(out, float32(f))
		body = rest
	}
	return out, nil
}

// ShortText is s, or its first 40 characters and "…" when it is longer:
// for quoting values in error messages.
func ShortText(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// FormatVector writes a vector as TiDB's VEC_AS_TEXT does: "[1,2.5,-3]".
func FormatVector(v []float32) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
	}
	b.WriteByte(']')
	return b.String()
}

// vectorLiteralString is how explain shows a vector constant: all of a
// short one, the head and the dimension of a long one.
func vectorLiteralString(v []float32) string {
	if len(v) <= 8 {
		return FormatVector(v)
	}
	return FormatVector(v[:3])[:len(FormatVector(v[:3]))-1] + ",…](d=" + strconv.Itoa(len(v)) + ")"
}

// decodeVectorLiteral reads the value of a literal of an Array type.
func decodeVectorLiteral(raw json.RawMessage, t arrow.DataType) (Expr, error) {
	if !IsVector(t) {
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
	if len(v) != VectorDim(t) {
		return nil, core.Errorf(core.KindInvalidInput, "vector literal has %d elements, its type %s wants %d", len(v), dtypeName(t), VectorDim(t))
	}
	return VectorLiteral(v)
}

func jsonNumberOf(x any) any {
	if f, ok := x.(float64); ok {
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return x
}

// vectorArg resolves the query argument of a distance: a vector literal,
// a String literal holding vector text, or a vector column.
func vectorArg(name string, e Expr) (Expr, error) {
	if l, ok := e.(*Literal); ok {
		switch v := l.Value.(type) {
		case string:
			vec, err := ParseVectorText(v)
			if err != nil {
				return nil, err
			}
			return VectorLiteral(vec)
		case []float32:
			return VectorLiteral(v)
		case nil:
			return nil, core.Errorf(core.KindInvalidInput, "%s needs a query vector, got null", name)
		}
	}
	if !IsVector(e.DataType()) {
		return nil, core.Errorf(core.KindCompute, "%s needs a vector (Array(Float32, d)) argument, got %s", name, dtypeName(e.DataType()))
	}
	return e, nil
}

func checkVectorInput(name string, x Expr) error {
	if t := x.DataType(); !IsVector(t) {
		hint := ""
		if f, ok := t.(*arrow.FixedSizeListType); ok && core.IsNumeric(f.Elem()) {
			hint = "; cast it to Array(Float32, d) first"
		}
		return core.Errorf(core.KindCompute, "%s needs a vector (Array(Float32, d)) input, got %s%s", name, dtypeName(t), hint)
	}
	return nil
}

func init() {
	f32 := arrow.PrimitiveTypes.Float32
	for call := range VectorDistances {
		name := call
		RegisterFunction(&Function{Name: name, Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
			if err := ArgCount(name, args, 2, 2); err != nil {
				return nil, nil, err
			}
			x := args[0]
			if l, ok := x.(*Literal); ok {
				// SQL may put the literal first: VEC_L2_DISTANCE('[1,2]', emb).
				if _, isCol := args[1].(*Literal); !isCol {
					lit, err := vectorArg(name, l)
					if err != nil {
						return nil, nil, err
					}
					x, args = args[1], []Expr{args[1], lit}
				}
			}
			if err := checkVectorInput(name, x); err != nil {
				return nil, nil, err
			}
			q, err := vectorArg(name, args[1])
			if err != nil {
				return nil, nil, err
			}
			if a, b := VectorDim(x.DataType()), VectorDim(q.DataType()); a != b {
				return nil, nil, core.Errorf(core.KindCompute,
					"%s between vectors of different dimensions: %d (%s) and %d (%s)", name, a, x, b, q)
			}
			return f32, []Expr{x, q}, nil
		}})
	}
	RegisterFunction(&Function{Name: "vec.norm", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("vec.norm", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if err := checkVectorInput("vec.norm", args[0]); err != nil {
			return nil, nil, err
		}
		return f32, args, nil
	}})
	RegisterFunction(&Function{Name: "vec.dims", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("vec.dims", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if _, ok := args[0].DataType().(*arrow.FixedSizeListType); !ok {
			return nil, nil, core.Errorf(core.KindCompute, "vec.dims needs a vector (Array) input, got %s", dtypeName(args[0].DataType()))
		}
		return arrow.PrimitiveTypes.Int64, args, nil
	}})
	RegisterFunction(&Function{Name: "vec.as_text", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("vec.as_text", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if err := checkVectorInput("vec.as_text", args[0]); err != nil {
			return nil, nil, err
		}
		return arrow.BinaryTypes.String, args, nil
	}})
	RegisterFunction(&Function{Name: "vec.from_text", Resolve: resolveFromText})
}

// resolveFromText types vec.from_text: vector text ('[1, 2.5]') to a
// vector. A string constant becomes a vector constant here (its dimension
// is its length); a string column needs the option dim, the dimension of
// its vectors (SQL: CAST(col AS VECTOR(d))), and is parsed row by row.
func resolveFromText(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
	if err := ArgCount("vec.from_text", args, 1, 1); err != nil {
		return nil, nil, err
	}
	dim := int(OptFloat(opts, "dim", 0))
	if dim < 0 {
		return nil, nil, core.Errorf(core.KindInvalidInput, "vec.from_text: the dimension must be positive, got %d", dim)
	}
	if l, ok := args[0].(*Literal); ok {
		s, isStr := l.Value.(string)
		if !isStr {
			return nil, nil, core.Errorf(core.KindCompute, "vec.from_text takes vector text like '[1, 2]', got %s", l)
		}
		v, err := ParseVectorText(s)
		if err != nil {
			return nil, nil, err
		}
		if dim > 0 && len(v) != dim {
			return nil, nil, core.Errorf(core.KindInvalidInput, "vector text %q has %d elements, not %d", s, len(v), dim)
		}
		lit, err := VectorLiteral(v)
		if err != nil {
			return nil, nil, err
		}
		return lit.Type, []Expr{lit}, nil
	}
	if t := args[0].DataType(); !core.IsString(t) {
		return nil, nil, core.Errorf(core.KindCompute, "vec.from_text takes text like '[1, 2]', got a %s column (%s)", dtypeName(t), args[0])
	}
	if dim == 0 {
		return nil, nil, core.Errorf(core.KindNotSupported,
			"vec.from_text of a column needs the dimension of its vectors: vec.from_text(dim) (SQL: CAST(col AS VECTOR(d)))")
	}
	return VectorType(dim), args, nil
}
