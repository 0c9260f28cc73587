package kernels

import (
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The vector functions' kernels (lazy/fn/vectors.go). A vector column is a
// FixedSizeList<Float32>[d] whose child is one contiguous n×d buffer:
// distances to a constant query are one call of vector.Distances per batch
// over that buffer, with no per-row work.

// VectorDistance is the distance function name ("vec.l2_distance", …)
// between the vectors of x and q, either of which may be a constant
// (distances are symmetric).
func VectorDistance(mem memory.Allocator, name string, x, q Value, n int) (arrow.Array, error) {
	if x.IsScalar() && !q.IsScalar() {
		x, q = q, x
	}
	xa, err := materializeVector(mem, x, n)
	if err != nil {
		return nil, err
	}
	defer xa.Release()
	return vectorDistance(mem, name, xa, q, n)
}

// VectorNorm is the Euclidean norm of each vector (Float32).
func VectorNorm(mem memory.Allocator, v Value, n int) (arrow.Array, error) {
	return overVectors(mem, v, n, func(xa arrow.Array, base []float32, d int) (arrow.Array, error) {
		buf, out := newFloat32s(mem, n)
		if n > 0 {
			if err := vector.Norms(base, d, out); err != nil {
				buf.Release()
				return nil, err
			}
		}
		return float32Result(mem, n, buf, xa), nil
	})
}

// VectorDims is d for each vector of v (of dimension d), null for a null
// vector.
func VectorDims(mem memory.Allocator, v Value, d, n int) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		if !v.IsScalar() && v.Array.IsNull(i) {
			b.AppendNull()
		} else {
			b.UnsafeAppend(int64(d))
		}
	}
	return b.NewArray()
}

// VectorAsText writes each vector as TiDB's VEC_AS_TEXT does.
func VectorAsText(mem memory.Allocator, v Value, n int) (arrow.Array, error) {
	return overVectors(mem, v, n, func(xa arrow.Array, base []float32, d int) (arrow.Array, error) {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for i := range n {
			if xa.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(vector.FormatText(base[i*d : (i+1)*d]))
			}
		}
		return b.NewArray(), nil
	})
}

// VectorsFromText parses vector text into vectors of dimension d: a
// constant vector (already parsed by the planner) is repeated.
func VectorsFromText(mem memory.Allocator, v Value, d, n int) (arrow.Array, error) {
	if v.IsScalar() {
		return materializeVector(mem, v, n)
	}
	return vectorsFromText(mem, v.Array, d)
}

// vectorRows returns the n×d floats of a vector array's rows (aliasing its
// memory) and d. Null rows hold whatever their slots hold; the caller
// masks them with the array's validity.
func vectorRows(a arrow.Array) ([]float32, int, error) {
	fsl, ok := a.(*array.FixedSizeList)
	if !ok {
		return nil, 0, core.Errorf(core.KindInternal, "vector function over %s", core.DTypeName(a.DataType()))
	}
	d := core.VectorDim(a.DataType())
	child := fsl.ListValues()
	off := fsl.Data().Offset()
	if child.NullN() > 0 {
		// Null elements under a null vector are its undefined slots (the
		// store and pyarrow write them as nulls); only a valid vector must
		// have none.
		for i := range a.Len() {
			if a.IsNull(i) {
				continue
			}
			for j := (off + i) * d; j < (off+i+1)*d; j++ {
				if child.IsNull(j) {
					return nil, 0, core.Errorf(core.KindNotSupported, "vectors with null elements are not supported (a whole vector may be null): row %d", i)
				}
			}
		}
	}
	vals := Values[float32](child)
	return vals[off*d : (off+a.Len())*d], d, nil
}

// newFloat32s allocates an n-row Float32 result.
func newFloat32s(mem memory.Allocator, n int) (*memory.Buffer, []float32) {
	buf := core.AllocateUninit(mem, n*4)
	if n == 0 {
		return buf, nil
	}
	return buf, unsafe.Slice((*float32)(unsafe.Pointer(&buf.Bytes()[0])), n)
}

// float32Result wraps values with the validity of srcs (null vectors give
// null distances).
func float32Result(mem memory.Allocator, n int, buf *memory.Buffer, srcs ...arrow.Array) arrow.Array {
	validity, nulls := validityOfAll(mem, n, srcs...)
	data := array.NewData(arrow.PrimitiveTypes.Float32, n, []*memory.Buffer{validity, buf}, nil, nulls, 0)
	buf.Release()
	if validity != nil {
		validity.Release()
	}
	defer data.Release()
	return array.MakeFromData(data)
}

// validityOfAll is the validity bitmap of n rows that are valid where every
// src is (nil when no src has nulls) and its count of nulls.
func validityOfAll(mem memory.Allocator, n int, srcs ...arrow.Array) (*memory.Buffer, int) {
	var validity *memory.Buffer
	for _, s := range srcs {
		if s == nil || s.NullN() == 0 {
			continue
		}
		if validity == nil {
			validity = memory.NewResizableBuffer(mem)
			validity.Resize(int(bitutil.BytesForBits(int64(n))))
			bitutil.SetBitsTo(validity.Bytes(), 0, int64(n), true)
		}
		vb := validity.Bytes()
		for i := range n {
			if s.IsNull(i) {
				bitutil.ClearBit(vb, i)
			}
		}
	}
	if validity == nil {
		return nil, 0
	}
	return validity, n - bitutil.CountSetBits(validity.Bytes(), 0, n)
}

// vectorDistance computes one distance function over the rows of x and a
// query: a constant vector or a second vector column.
func vectorDistance(mem memory.Allocator, name string, x arrow.Array, q Value, n int) (arrow.Array, error) {
	base, d, err := vectorRows(x)
	if err != nil {
		return nil, err
	}
	buf, out := newFloat32s(mem, n)
	fail := func(err error) (arrow.Array, error) {
		buf.Release()
		return nil, err
	}
	if q.IsScalar() {
		qv, _ := q.Scalar.([]float32)
		if len(qv) != d {
			return fail(core.Errorf(core.KindCompute, "%s between vectors of dimension %d and %d", name, d, len(qv)))
		}
		if n > 0 {
			if err := distancesTo(name, qv, base, d, out); err != nil {
				return fail(err)
			}
		}
		return float32Result(mem, n, buf, x), nil
	}
	other, d2, err := vectorRows(q.Array)
	if err != nil {
		return fail(err)
	}
	if d2 != d {
		return fail(core.Errorf(core.KindCompute, "%s between vectors of dimension %d and %d", name, d, d2))
	}
	for i := range n {
		if err := distancesTo(name, other[i*d:(i+1)*d], base[i*d:(i+1)*d], d, out[i:i+1]); err != nil {
			return fail(err)
		}
	}
	return float32Result(mem, n, buf, x, q.Array), nil
}

// distancesTo writes the distance from q to each of the len(out) vectors of
// base, with the vector package's kernels.
func distancesTo(name string, q, base []float32, d int, out []float32) error {
	switch name {
	case "vec.l2_distance":
		return vector.Distances(vector.KernelL2, q, base, nil, out)
	case "vec.squared_l2_distance":
		return vector.Distances(vector.KernelSquaredL2, q, base, nil, out)
	case "vec.l1_distance":
		return vector.Distances(vector.KernelL1, q, base, nil, out)
	case "vec.inner_product", "vec.negative_inner_product":
		if err := vector.Distances(vector.KernelDot, q, base, nil, out); err != nil {
			return err
		}
		if name == "vec.negative_inner_product" {
			for i := range out {
				out[i] = -out[i]
			}
		}
		return nil
	case "vec.cosine_distance", "vec.cosine_similarity":
		norms := make([]float32, len(out))
		if err := vector.Norms(base, d, norms); err != nil {
			return err
		}
		if err := vector.Distances(vector.KernelCosine, q, base, norms, out); err != nil {
			return err
		}
		if name == "vec.cosine_similarity" {
			for i := range out {
				out[i] = 1 - out[i]
			}
		}
		return nil
	}
	return core.Errorf(core.KindInternal, "unknown vector distance %s", name)
}

// overVectors calls fn with the n vectors of v (a constant repeated) as an
// array and as their rows of d floats.
func overVectors(mem memory.Allocator, v Value, n int, fn func(xa arrow.Array, base []float32, d int) (arrow.Array, error)) (arrow.Array, error) {
	xa, err := materializeVector(mem, v, n)
	if err != nil {
		return nil, err
	}
	defer xa.Release()
	base, d, err := vectorRows(xa)
	if err != nil {
		return nil, err
	}
	return fn(xa, base, d)
}

// vectorsFromText parses a string column of vector text into vectors of
// dimension d; a null string is a null vector. A row that is not vector
// text, has another dimension or holds NaN or infinity is an error naming
// the row.
func vectorsFromText(mem memory.Allocator, a arrow.Array, d int) (arrow.Array, error) {
	n := a.Len()
	at := StringAt(a)
	buf, out := newFloat32s(mem, n*d)
	clear(out)
	fail := func(i int, err error) (arrow.Array, error) {
		buf.Release()
		if e, ok := err.(*core.Error); ok {
			return nil, core.Errorf(e.Kind, "row %d: %s", i, e.Message).With("row", i)
		}
		return nil, err
	}
	for i := range n {
		if a.IsNull(i) {
			continue
		}
		v, err := vector.ParseText(at(i))
		if err != nil {
			return fail(i, err)
		}
		if len(v) != d {
			return fail(i, core.Errorf(core.KindInvalidInput, "vector text %q has %d elements, not %d", core.ShortText(at(i)), len(v), d))
		}
		if err := vector.CheckValue(v); err != nil {
			return fail(i, err)
		}
		copy(out[i*d:], v)
	}
	child := array.NewData(arrow.PrimitiveTypes.Float32, n*d, []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	defer child.Release()
	validity, nulls := validityOfAll(mem, n, a)
	if validity != nil {
		defer validity.Release()
	}
	data := array.NewData(core.VectorType(d), n, []*memory.Buffer{validity}, []arrow.ArrayData{child}, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}

// materializeVector returns a vector Value as an array of n rows: a
// constant vector is repeated.
func materializeVector(mem memory.Allocator, v Value, n int) (arrow.Array, error) {
	if !v.IsScalar() {
		v.Array.Retain()
		return v.Array, nil
	}
	q, ok := v.Scalar.([]float32)
	if !ok {
		return nil, core.Errorf(core.KindCompute, "a null vector constant is not supported here")
	}
	d := len(q)
	buf, out := newFloat32s(mem, n*d)
	for i := range n {
		copy(out[i*d:(i+1)*d], q)
	}
	child := array.NewData(arrow.PrimitiveTypes.Float32, n*d, []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	defer child.Release()
	data := array.NewData(core.VectorType(d), n, []*memory.Buffer{nil}, []arrow.ArrayData{child}, 0, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}
