package fn

import (
	"maps"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The vector functions, "vec.<name>", over vector columns: Arrow
// FixedSizeList<Float32>[d] (dtype Array(Float32, shape=d); VECTOR(d) in
// SQL). The first argument is the vector column; the second, for the
// distances, is a vector constant (a String constant '[1, 2]' is read as
// one, which is how SQL vector literals arrive) or another vector column of
// the same dimension. Distances are Float32, as in TiDB and pgvector: the
// vectors are Float32, and the kernels (vector.Distances) accumulate in
// Float32. SQL's VEC_* names are translated in sqlexec/fn_vector.go, which
// reports errors in SQL's words.

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

var f32 = arrow.PrimitiveTypes.Float32

var vectorFunctions = slices.Concat(distanceFunctions(), []*Scalar{
	{Name: "vec.norm", Python: []string{"Expr.vec.norm"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			b.Out = f32
			return checkVectorInput(b.Name, b.Args[0].DataType())
		},
		Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.VectorNorm(mem, args[0], n)
		}},
	{Name: "vec.dims", Python: []string{"Expr.vec.dims"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			if _, ok := b.Args[0].DataType().(*arrow.FixedSizeListType); !ok {
				return core.Errorf(core.KindCompute, "vec.dims needs a vector (Array) input, got %s", core.DTypeName(b.Args[0].DataType()))
			}
			b.Out = i64
			return nil
		},
		Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.VectorDims(mem, args[0], core.VectorDim(args[0].Type), n), nil
		}},
	{Name: "vec.as_text", Python: []string{"Expr.vec.as_text"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			b.Out = str
			return checkVectorInput(b.Name, b.Args[0].DataType())
		},
		Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.VectorAsText(mem, args[0], n)
		}},
	// vec.from_text: vector text ('[1, 2.5]') to a vector. A string
	// constant becomes a vector constant here (its dimension is its
	// length); a string column needs the option dim, the dimension of its
	// vectors (SQL: CAST(col AS VECTOR(d))), and is parsed row by row.
	{Name: "vec.from_text", Python: []string{"Expr.vec.from_text"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: fromTextRule,
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.VectorsFromText(mem, args[0], core.VectorDim(c.Type), n)
		}},
})

// distanceFunctions are the entries of VectorDistances.
func distanceFunctions() []*Scalar {
	var out []*Scalar
	for _, name := range slices.Sorted(maps.Keys(VectorDistances)) {
		out = append(out, &Scalar{
			Name: name, Python: []string{"Expr.vec." + VectorDistances[name].Name}, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs,
			Type: distanceRule,
			Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
				return kernels.VectorDistance(mem, name, args[0], args[1], n)
			},
		})
	}
	return out
}

// distanceRule types a distance between a vector column and a query.
func distanceRule(b *Binding) error {
	x, q := 0, 1
	if _, lit := b.Args[0].Constant(); lit {
		// SQL may put the constant first: VEC_L2_DISTANCE('[1,2]', emb).
		if _, lit2 := b.Args[1].Constant(); !lit2 {
			if _, err := queryVector(b, 0); err != nil {
				return err
			}
			x, q = 1, 0
			b.Order = []int{1, 0}
		}
	}
	if err := checkVectorInput(b.Name, b.Args[x].DataType()); err != nil {
		return err
	}
	qt, err := queryVector(b, q)
	if err != nil {
		return err
	}
	if dx, dq := core.VectorDim(b.Args[x].DataType()), core.VectorDim(qt); dx != dq {
		return core.Errorf(core.KindCompute, "%s between vectors of different dimensions: %d (%s) and %d (%s)",
			b.Name, dx, b.Args[x], dq, b.Args[q])
	}
	b.Out = f32
	return nil
}

// queryVector types the query argument i of a distance: a vector
// constant, a String constant holding vector text (replaced by the vector
// it reads), or a vector column. It returns the query's vector type.
func queryVector(b *Binding, i int) (arrow.DataType, error) {
	if v, lit := b.Args[i].Constant(); lit {
		var vec []float32
		switch x := v.(type) {
		case string:
			var err error
			if vec, err = vector.ParseText(x); err != nil {
				return nil, err
			}
		case []float32:
			vec = x
		case nil:
			return nil, core.Errorf(core.KindInvalidInput, "%s needs a query vector, got null", b.Name)
		}
		if vec != nil {
			if err := vector.CheckValue(vec); err != nil {
				return nil, err
			}
			t := core.VectorType(len(vec))
			b.Replace(i, vec, t)
			return t, nil
		}
	}
	if t := b.Args[i].DataType(); !core.IsVector(t) {
		return nil, core.Errorf(core.KindCompute, "%s needs a vector (Array(Float32, d)) argument, got %s", b.Name, core.DTypeName(t))
	}
	return b.Args[i].DataType(), nil
}

func checkVectorInput(name string, t arrow.DataType) error {
	if !core.IsVector(t) {
		hint := ""
		if f, ok := t.(*arrow.FixedSizeListType); ok && core.IsNumeric(f.Elem()) {
			hint = "; cast it to Array(Float32, d) first"
		}
		return core.Errorf(core.KindCompute, "%s needs a vector (Array(Float32, d)) input, got %s%s", name, core.DTypeName(t), hint)
	}
	return nil
}

func fromTextRule(b *Binding) error {
	dim := int(b.Opts.Float("dim", 0))
	if dim < 0 {
		return core.Errorf(core.KindInvalidInput, "vec.from_text: the dimension must be positive, got %d", dim)
	}
	if v, lit := b.Args[0].Constant(); lit {
		s, isStr := v.(string)
		if !isStr {
			return core.Errorf(core.KindCompute, "vec.from_text takes vector text like '[1, 2]', got %s", b.Args[0])
		}
		vec, err := vector.ParseText(s)
		if err != nil {
			return err
		}
		if dim > 0 && len(vec) != dim {
			return core.Errorf(core.KindInvalidInput, "vector text %q has %d elements, not %d", s, len(vec), dim)
		}
		if err := vector.CheckValue(vec); err != nil {
			return err
		}
		b.Out = core.VectorType(len(vec))
		b.Replace(0, vec, b.Out)
		return nil
	}
	if t := b.Args[0].DataType(); !core.IsString(t) {
		return core.Errorf(core.KindCompute, "vec.from_text takes text like '[1, 2]', got a %s column (%s)", core.DTypeName(t), b.Args[0])
	}
	if dim == 0 {
		return core.Errorf(core.KindNotSupported,
			"vec.from_text of a column needs the dimension of its vectors: vec.from_text(dim) (SQL: CAST(col AS VECTOR(d)))")
	}
	b.Out = core.VectorType(dim)
	return nil
}
