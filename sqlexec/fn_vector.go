package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// vectorFunctions maps the SQL vector functions to the lazy vec.* calls
// (lazy/fn/vectors.go): TiDB's VEC_* names, with TiDB's meanings
// (VEC_L2_DISTANCE is the Euclidean distance, not its square;
// VEC_NEGATIVE_INNER_PRODUCT is -(a·b); VEC_COSINE_DISTANCE is 1 - cos),
// and pgvector-style cosine_similarity, l2_distance and inner_product.
// Distances and norms are Float32, as in TiDB.
var vectorFunctions = map[string]string{
	ast.VecCosineDistance:       "vec.cosine_distance",
	ast.VecL2Distance:           "vec.l2_distance",
	ast.VecNegativeInnerProduct: "vec.negative_inner_product",
	ast.VecL1Distance:           "vec.l1_distance",
	ast.VecDims:                 "vec.dims",
	ast.VecL2Norm:               "vec.norm",
	ast.VecAsText:               "vec.as_text",
	ast.VecFromText:             "vec.from_text",
	"cosine_similarity":         "vec.cosine_similarity",
	"l2_distance":               "vec.l2_distance",
	"inner_product":             "vec.inner_product",
}

// vectorCall translates a vector function. Where a vector is expected, a
// string constant is vector text ('[1.0, 2.0]', as TiDB reads it), parsed
// here so a malformed one is reported with its text; a `?` bound to a
// NumPy array arrives as a vector constant already.
func (t *translator) vectorCall(x *ast.FuncCallExpr, callName string) (lazy.Expr, error) {
	n := 1
	if _, isDist := fn.VectorDistances[callName]; isDist {
		n = 2
	}
	a, err := t.args(x, n, n)
	if err != nil {
		return nil, err
	}
	if callName == "vec.from_text" {
		if _, ok := strLit(a[0]); !ok {
			// A VECTOR type has a dimension here; a column's rows
			// could have any.
			return nil, notSupported("VEC_FROM_TEXT of a column: its vectors' dimension is unknown; write CAST(%s AS VECTOR(d)) (in %s)",
				restore(x.Args[0]), restore(x))
		}
		return vectorText(a[0])
	}
	dims := make([]int, len(a))
	for i := range a {
		if a[i], err = vectorText(a[i]); err != nil {
			return nil, err
		}
		if typ := t.typeOf(a[i]); typ != nil && typ.ID() != arrow.NULL {
			if !core.IsVector(typ) {
				return nil, core.Errorf(core.KindCompute, "%s takes vectors (VECTOR columns or text like '[1, 2]'), got %s (in %s)",
					strings.ToUpper(x.FnName.O), core.DTypeName(typ), restore(x))
			}
			dims[i] = core.VectorDim(typ)
		}
	}
	if len(a) == 2 && dims[0] > 0 && dims[1] > 0 && dims[0] != dims[1] {
		return nil, core.Errorf(core.KindCompute, "%s between vectors of different dimensions: %d and %d (in %s)",
			strings.ToUpper(x.FnName.O), dims[0], dims[1], restore(x))
	}
	return call(callName, nil, a...), nil
}

// vectorText turns a string constant into a vector constant; other
// expressions are returned as they are.
func vectorText(e lazy.Expr) (lazy.Expr, error) {
	s, ok := strLit(e)
	if !ok {
		return e, nil
	}
	v, err := vector.ParseText(s)
	if err != nil {
		return nil, err
	}
	return lazy.VectorLiteral(v)
}

// castVector is CAST(x AS VECTOR) and CAST(x AS VECTOR(d)): vector text
// becomes a vector constant, a vector stays as it is; with d, the
// dimension must be d.
func (t *translator) castVector(v lazy.Expr, x *ast.FuncCastExpr) (lazy.Expr, error) {
	v, err := vectorText(v)
	if err != nil {
		return nil, err
	}
	typ := t.typeOf(v)
	want := x.Tp.GetFlen()
	if typ != nil && core.IsString(typ) {
		if want <= 0 {
			return nil, notSupported("CAST of a text column to VECTOR needs the dimension: CAST(%s AS VECTOR(d)) (in %s)",
				restore(x.Expr), restore(x))
		}
		return call("vec.from_text", map[string]any{"dim": float64(want)}, v), nil
	}
	if typ != nil && !core.IsVector(typ) {
		return nil, notSupported("CAST of %s values to VECTOR (in %s); cast text like '[1, 2]'",
			core.DTypeName(typ), restore(x))
	}
	if want > 0 && typ != nil && core.VectorDim(typ) != want {
		return nil, core.Errorf(core.KindInvalidInput, "cannot cast a vector of dimension %d to VECTOR(%d) (in %s)",
			core.VectorDim(typ), want, restore(x))
	}
	return v, nil
}
