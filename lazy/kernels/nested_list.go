package kernels

import (
	"strings"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The List kernels behind str.split and the list namespace. A list column
// is an arrow List (int32 offsets) or LargeList; its rows are ranges of one
// child array.

// listOffsets returns the offsets of a List or LargeList array, starting at
// its first row, widened to int64, and its child.
func listOffsets(a arrow.Array) ([]int64, arrow.Array, error) {
	switch l := a.(type) {
	case *array.List:
		offs := l.Offsets()[l.Data().Offset() : l.Data().Offset()+l.Len()+1]
		out := make([]int64, len(offs))
		for i, o := range offs {
			out[i] = int64(o)
		}
		return out, l.ListValues(), nil
	case *array.LargeList:
		return l.Offsets()[l.Data().Offset() : l.Data().Offset()+l.Len()+1], l.ListValues(), nil
	}
	return nil, nil, typeErr("list functions", a.DataType())
}

// StrSplit splits each string on the separator by (a scalar or a column),
// as Polars' str.split: the separator is literal text; an empty separator
// splits into characters; a null string or separator gives null. With
// inclusive the separator stays at the end of each part (and the empty
// string splits into no parts).
func StrSplit(mem memory.Allocator, a arrow.Array, by Value, inclusive bool) (arrow.Array, error) {
	n := a.Len()
	col := newStrCol(a)
	sep := newArgAt(by)
	lb := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer lb.Release()
	vb := lb.ValueBuilder().(*array.StringBuilder)
	lb.Reserve(n)
	vb.ReserveData(col.dataLen() + n)
	for i := range n {
		s := col.at(i)
		p, ok := sep.at(i)
		if a.IsNull(i) || !ok {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		switch {
		case p == "":
			for len(s) > 0 {
				_, w := utf8.DecodeRuneInString(s)
				vb.Append(s[:w])
				s = s[w:]
			}
		case inclusive:
			for len(s) > 0 {
				j := strings.Index(s, p)
				if j < 0 {
					vb.Append(s)
					break
				}
				vb.Append(s[:j+len(p)])
				s = s[j+len(p):]
			}
		default:
			for {
				j := strings.Index(s, p)
				if j < 0 {
					vb.Append(s)
					break
				}
				vb.Append(s[:j])
				s = s[j+len(p):]
			}
		}
	}
	return lb.NewArray(), nil
}

// ListLen returns the number of elements of each list (UInt32; null stays null).
func ListLen(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	offs, _, err := listOffsets(a)
	if err != nil {
		return nil, err
	}
	n := a.Len()
	buf, out := allocValues[uint32](mem, n)
	for i := range n {
		out[i] = uint32(offs[i+1] - offs[i])
	}
	return makeArray(arrow.PrimitiveTypes.Uint32, n, validityOf(mem, a), buf), nil
}

// ListGet returns element index of each list (negative counts from the
// end), as an array of the element type. index is an Int64 scalar or
// column. Out of range gives null when nullOnOOB, else an error.
func ListGet(mem memory.Allocator, a arrow.Array, index Value, nullOnOOB bool) (arrow.Array, error) {
	offs, child, err := listOffsets(a)
	if err != nil {
		return nil, err
	}
	n := a.Len()
	ix := newIntArg(index)
	pos := make([]int32, n)
	for i := range n {
		k, ok := ix.at(i)
		if !ok || a.IsNull(i) {
			pos[i] = -1
			continue
		}
		ln := offs[i+1] - offs[i]
		if k < 0 {
			k += ln
		}
		if k < 0 || k >= ln {
			if !nullOnOOB {
				return nil, core.Errorf(core.KindCompute, "list.get index is out of bounds (row %d has %d elements); pass null_on_oob=True to get null", i, ln)
			}
			pos[i] = -1
			continue
		}
		pos[i] = int32(offs[i] + k)
	}
	return Gather(mem, child, pos)
}

// ListJoin joins the String elements of each list with sep (a scalar or a
// column). Null elements are skipped when ignoreNulls, else they make the
// row null; a null list or separator gives null.
func ListJoin(mem memory.Allocator, a arrow.Array, sep Value, ignoreNulls bool) (arrow.Array, error) {
	offs, child, err := listOffsets(a)
	if err != nil {
		return nil, err
	}
	if !core.IsString(child.DataType()) && child.DataType().ID() != arrow.NULL {
		return nil, core.Errorf(core.KindCompute, "list.join needs a List(String) input, got %s", core.DTypeName(a.DataType()))
	}
	n := a.Len()
	cc := newStrCol(child)
	sp := newArgAt(sep)
	w := newStrOut(mem, n, cc.dataLen()+n)
	var b []byte
	for i := range n {
		s, ok := sp.at(i)
		if a.IsNull(i) || !ok {
			w.null()
			continue
		}
		b = b[:0]
		first, null := true, false
		for j := offs[i]; j < offs[i+1]; j++ {
			if child.IsNull(int(j)) {
				if ignoreNulls {
					continue
				}
				null = true
				break
			}
			if !first {
				b = append(b, s...)
			}
			first = false
			b = append(b, cc.at(int(j))...)
		}
		if null {
			w.null()
		} else {
			w.bytes(b)
		}
	}
	return w.finish()
}

// ListCount returns, for each row, how many rows explode makes of it: the
// list's length, and 1 for a null or empty list (which becomes one null).
func explodeCounts(offs []int64, n int) []int32 {
	out := make([]int32, n)
	for i := range n {
		out[i] = int32(max(offs[i+1]-offs[i], 1))
	}
	return out
}

// Explode returns, for a list column a, the positions of the rows each
// element comes from (to gather the other columns with) and the elements
// as one array: a null or empty list gives one null element, as in Polars.
func Explode(mem memory.Allocator, a arrow.Array) (rows []int32, elems arrow.Array, err error) {
	offs, child, err := listOffsets(a)
	if err != nil {
		return nil, nil, err
	}
	n := a.Len()
	counts := explodeCounts(offs, n)
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	rows = make([]int32, 0, total)
	pos := make([]int32, 0, total)
	for i := range n {
		if a.IsNull(i) || offs[i+1] == offs[i] {
			rows = append(rows, int32(i))
			pos = append(pos, -1)
			continue
		}
		for j := offs[i]; j < offs[i+1]; j++ {
			rows = append(rows, int32(i))
			pos = append(pos, int32(j))
		}
	}
	elems, err = Gather(mem, child, pos)
	return rows, elems, err
}
