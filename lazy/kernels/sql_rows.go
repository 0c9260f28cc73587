package kernels

// Row-wise kernels of MySQL's scalar functions (lazy/fn/sqlfuncs_*.go): the
// arguments are read straight from their Arrow buffers (a column, or a
// scalar broadcast without materializing it) and the result is written
// into allocator buffers, one row after the other; the function body is
// called once per row with typed values, never through interfaces.

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// RowArgs reads a call's arguments row by row. Each is a String, an Int64
// (or Timestamp), a Date32 or a Float64 value, column or scalar.
type RowArgs struct {
	strs []argAt
	ints []intArg
	dats []dateArg
	flts []floatArg
}

type dateArg struct {
	scalar bool
	v      int32
	null   bool
	vals   []int32
	arr    arrow.Array
}

type floatArg struct {
	scalar bool
	v      float64
	null   bool
	vals   []float64
	arr    arrow.Array
}

// NewRowArgs prepares the arguments for reading; the Values stay owned by
// the caller.
func NewRowArgs(args []Value) (*RowArgs, error) {
	r := &RowArgs{strs: make([]argAt, len(args)), ints: make([]intArg, len(args)),
		dats: make([]dateArg, len(args)), flts: make([]floatArg, len(args))}
	for k, v := range args {
		switch id := v.Type.ID(); {
		case core.IsString(v.Type):
			r.strs[k] = newArgAt(v)
		case id == arrow.INT64 || id == arrow.TIMESTAMP:
			if v.IsScalar() {
				x, ok := v.Scalar.(int64)
				r.ints[k] = intArg{scalar: true, v: x, null: !ok}
			} else {
				r.ints[k] = intArg{vals: values[int64](v.Array), arr: v.Array}
			}
		case id == arrow.DATE32:
			if v.IsScalar() {
				x, ok := v.Scalar.(int64)
				r.dats[k] = dateArg{scalar: true, v: int32(x), null: !ok}
			} else {
				r.dats[k] = dateArg{vals: values[int32](v.Array), arr: v.Array}
			}
		case id == arrow.FLOAT64:
			if v.IsScalar() {
				x, ok := v.Scalar.(float64)
				r.flts[k] = floatArg{scalar: true, v: x, null: !ok}
			} else {
				r.flts[k] = floatArg{vals: values[float64](v.Array), arr: v.Array}
			}
		default:
			return nil, core.Errorf(core.KindInternal, "row kernel argument %d has type %s", k, core.DTypeName(v.Type))
		}
	}
	return r, nil
}

// Len is the number of arguments.
func (r *RowArgs) Len() int { return len(r.strs) }

// Str is string argument k at row i (aliasing the array: do not keep it).
func (r *RowArgs) Str(k, i int) (string, bool) { return r.strs[k].at(i) }

// Int is Int64 (or Timestamp) argument k at row i.
func (r *RowArgs) Int(k, i int) (int64, bool) { return r.ints[k].at(i) }

// Date is Date32 argument k at row i, in days since 1970-01-01.
func (r *RowArgs) Date(k, i int) (int32, bool) {
	g := &r.dats[k]
	if g.scalar {
		return g.v, !g.null
	}
	if g.arr.IsNull(i) {
		return 0, false
	}
	return g.vals[i], true
}

// Float is Float64 argument k at row i.
func (r *RowArgs) Float(k, i int) (float64, bool) {
	g := &r.flts[k]
	if g.scalar {
		return g.v, !g.null
	}
	if g.arr.IsNull(i) {
		return 0, false
	}
	return g.vals[i], true
}

// MapRowsString builds a utf8 array of n rows: f appends row i's value to
// dst (an empty buffer it may keep using) and returns it, or returns
// ok false for a null row.
func MapRowsString(mem memory.Allocator, n, dataHint int, f func(i int, dst []byte) (out []byte, ok bool, err error)) (arrow.Array, error) {
	w := newStrOut(mem, n, dataHint)
	for i := range n {
		out, ok, err := f(i, w.scratch[:0])
		if err != nil {
			w.release()
			return nil, err
		}
		if !ok {
			w.null()
			continue
		}
		w.bytes(out)
		w.scratch = out
		if w.err != nil {
			break
		}
	}
	return w.finish()
}

// MapRowsInt64 builds an Int64 array of n rows: f returns row i's value,
// or ok false for a null row.
func MapRowsInt64(mem memory.Allocator, n int, f func(i int) (v int64, ok bool, err error)) (arrow.Array, error) {
	return mapRows(mem, arrow.PrimitiveTypes.Int64, n, f)
}

// MapRowsFloat64 is MapRowsInt64 for a Float64 array.
func MapRowsFloat64(mem memory.Allocator, n int, f func(i int) (v float64, ok bool, err error)) (arrow.Array, error) {
	return mapRows(mem, arrow.PrimitiveTypes.Float64, n, f)
}

func mapRows[A Num](mem memory.Allocator, typ arrow.DataType, n int, f func(i int) (v A, ok bool, err error)) (arrow.Array, error) {
	vals := make([]A, n)
	valid := make([]bool, n)
	for i := range n {
		v, ok, err := f(i)
		if err != nil {
			return nil, err
		}
		vals[i], valid[i] = v, ok
	}
	return NumArray(mem, typ, vals, valid)
}

// FindFrom returns the byte bounds of the leftmost match of p in s that
// starts at or after byte from (-1, -1 when none), with the same row checks
// as the Polars kernels.
func (p *Pattern) FindFrom(s string, from int) (int, int, error) {
	if err := p.check(s); err != nil {
		return -1, -1, err
	}
	if p.re == nil {
		k := strings.Index(s[from:], p.lit)
		if k < 0 {
			return -1, -1, nil
		}
		return from + k, from + k + len(p.lit), nil
	}
	loc := p.re.FindStringIndex(s[from:])
	if loc == nil {
		return -1, -1, nil
	}
	return from + loc[0], from + loc[1], nil
}
