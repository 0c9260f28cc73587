package exec

import (
	"context"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// String filters at dictionary speed. A scan predicate's conjuncts that read
// one string column and constants (l_shipmode IN ('MAIL', 'SHIP'),
// p_brand <> 'Brand#45', starts_with, LIKE, comparisons, and any mix of them)
// are evaluated once per dictionary value of the column's chunk instead of
// once per row: the source hands the column as a dictionary array (codes
// into the chunk's distinct values, parquet.Source.ReadPieceDict),
// the test gives a keep flag per code, and rows are selected by their code.
// Only the rows kept are then decoded to strings (late materialization);
// the rest of the predicate runs on them as usual. Dictionary arrays never
// leave the scan: its output has the plain String columns its schema says.

// dictPieceReader is a partitioned source that can read string columns as
// dictionary arrays (parquet.Source). A chunk that is not
// dictionary-encoded throughout comes back as a plain String array.
type dictPieceReader interface {
	ReadPieceDict(ctx context.Context, mem memory.Allocator, i int, columns, dict []string) (arrow.RecordBatch, error)
}

// dictFilter is a scan predicate split for dictionary evaluation.
type dictFilter struct {
	cols   []string      // string columns tested alone, read as dictionaries
	tests  []lazy.Expr   // tests[i]: the conjunction of the conjuncts over cols[i] alone
	rest   lazy.Expr     // the other conjuncts (nil: none), run on the rows the tests keep
	restIn *arrow.Schema // the columns rest reads (dictionary ones decoded)
	out    *arrow.Schema // the scan's output
}

// planDictFilter splits pred (over the columns of read) for a scan whose
// output is out; nil when no conjunct tests one string column alone.
func planDictFilter(pred lazy.Expr, read, out *arrow.Schema) *dictFilter {
	df := &dictFilter{}
	var rest []lazy.Expr
	for _, c := range lazy.Conjuncts(pred) {
		used := lazy.ColumnsUsed(c)
		if len(used) != 1 || c.DataType().ID() != arrow.BOOL || !dictTestable(c) {
			rest = append(rest, c)
			continue
		}
		idx := read.FieldIndices(used[0])
		if len(idx) != 1 || read.Field(idx[0]).Type.ID() != arrow.STRING {
			rest = append(rest, c)
			continue
		}
		found := false
		for i, name := range df.cols {
			if name == used[0] {
				df.tests[i] = &lazy.Binary{Op: lazy.OpAnd, Left: df.tests[i], Right: c, Type: arrow.FixedWidthTypes.Boolean}
				found = true
			}
		}
		if !found {
			df.cols = append(df.cols, used[0])
			df.tests = append(df.tests, c)
		}
	}
	if len(df.cols) == 0 {
		return nil
	}
	for _, c := range rest {
		if df.rest == nil {
			df.rest = c
		} else {
			df.rest = &lazy.Binary{Op: lazy.OpAnd, Left: df.rest, Right: c, Type: arrow.FixedWidthTypes.Boolean}
		}
	}
	if df.rest != nil {
		df.restIn = lazy.SchemaOf(read, lazy.ColumnsUsed(df.rest))
	}
	df.out = out
	return df
}

// dictTestable reports whether e gives each row a value from that row
// alone, so that its value over a dictionary value holds for every row
// with that value: no aggregate, window or order-dependent function.
func dictTestable(e lazy.Expr) bool {
	ok := true
	lazy.Walk(e, func(x lazy.Expr) bool {
		switch x := x.(type) {
		case *lazy.Column, *lazy.Literal, *lazy.Alias, *lazy.Cast, *lazy.Unary, *lazy.Binary:
		case *lazy.Call:
			if _, scalar := fn.Lookup(x.Name); !scalar { // window functions are not
				ok = false
			}
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// dictScan makes p read the tested columns as dictionaries and filter with
// df, handing on out's columns.
func (b *builder) dictScan(p *pipeline, src dictPieceReader, pieces []int, cols []string, df *dictFilter, out *arrow.Schema, skip func(int) bool, mem memory.Allocator) {
	work := b.mem
	if lf := df.lateStages(src, cols); lf != nil {
		ps, rr := src.(lazy.PartitionedSource), src.(rowPieceReader)
		p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
			if skip != nil && skip(pieces[i]) {
				return nil, nil
			}
			return df.lateLoad(ctx, ps, src, rr, lf, mem, work, pieces[i])
		}
		p.schema = out
		return
	}
	p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
		if skip != nil && skip(pieces[i]) {
			return nil, nil
		}
		return src.ReadPieceDict(ctx, mem, pieces[i], cols, df.cols)
	}
	p.then(func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		defer rb.Release()
		return df.filter(work, rb)
	}, out)
}

// filter returns the rows of rb that pass the dictionary tests and then
// rest, with the output's columns, decoded (nil when no row passes). rest
// runs on the rows the tests keep, gathered from the columns it reads; only
// the rows that pass it are gathered from the output's columns.
func (df *dictFilter) filter(mem memory.Allocator, rb arrow.RecordBatch) (arrow.RecordBatch, error) {
	rows, err := df.testRows(mem, rb)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	if df.rest != nil {
		if rows, err = df.restRows(mem, rb, rows); err != nil || len(rows) == 0 {
			return nil, err
		}
	}
	cols, err := gatherColumns(mem, rb, df.out, rows)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(cols)
	return array.NewRecordBatch(df.out, cols, int64(len(rows))), nil
}

// testRows returns the rows of rb that pass the dictionary tests (none:
// nil).
func (df *dictFilter) testRows(mem memory.Allocator, rb arrow.RecordBatch) ([]int32, error) {
	n := int(rb.NumRows())
	var mask *memory.Buffer
	defer func() {
		if mask != nil {
			mask.Release()
		}
	}()
	for i, name := range df.cols {
		m, err := testMask(mem, df.tests[i], name, columnOf(rb, name), n)
		if err != nil {
			return nil, err
		}
		if mask == nil {
			mask = m
		} else {
			bitutil.BitmapAnd(mask.Bytes(), m.Bytes(), 0, 0, mask.Bytes(), 0, int64(n))
			m.Release()
		}
		if bitutil.CountSetBits(mask.Bytes(), 0, n) == 0 {
			return nil, nil
		}
	}
	sel := kernels.NewSelection(mask.Bytes(), n)
	defer sel.Release()
	return slices.Clone(sel.Idx), nil
}

// lateStages plans the late reads after the dictionary tests (nil when
// src cannot read chosen rows or rest is not row-wise).
func (df *dictFilter) lateStages(src dictPieceReader, cols []string) *lateFilter {
	ps, ok := src.(lazy.PartitionedSource)
	if _, rows := src.(rowPieceReader); !ok || !rows {
		return nil
	}
	var rest []lazy.Expr
	if df.rest != nil {
		rest = lazy.Conjuncts(df.rest)
	}
	return planStages(rest, lazy.SchemaOf(ps.Schema(), cols), df.out, df.cols)
}

// lateLoad reads piece with late materialization (scan_late.go): the
// tested columns alone first, as dictionaries; then lf's stages (rest's
// conjuncts) and the output's other columns at the rows the tests keep.
func (df *dictFilter) lateLoad(ctx context.Context, src lazy.PartitionedSource, dr dictPieceReader, rr rowPieceReader, lf *lateFilter,
	mem, work memory.Allocator, piece int) (arrow.RecordBatch, error) {
	rb, err := dr.ReadPieceDict(ctx, mem, piece, df.cols, df.cols)
	if err != nil {
		return nil, err
	}
	defer rb.Release()
	rows, err := df.testRows(work, rb)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	held := map[string]arrow.Array{}
	for _, name := range lf.keepFirst {
		// A column only the output needs stays a dictionary (its codes
		// narrowed with the rows) until the last rows are known.
		gatherAt := gatherDecoded
		if !lf.stagesRead(name) {
			gatherAt = kernels.Gather
		}
		a, err := gatherAt(work, columnOf(rb, name), rows)
		if err != nil {
			for _, h := range held {
				h.Release()
			}
			return nil, err
		}
		held[name] = a
	}
	return lf.run(ctx, src, rr, mem, work, piece, rows, len(rows), held)
}

// restRows returns the rows among rows (positions in rb) where rest holds.
func (df *dictFilter) restRows(mem memory.Allocator, rb arrow.RecordBatch, rows []int32) ([]int32, error) {
	cols, err := gatherColumns(mem, rb, df.restIn, rows)
	if err != nil {
		return nil, err
	}
	in := array.NewRecordBatch(df.restIn, cols, int64(len(rows)))
	releaseArrays(cols)
	defer in.Release()
	v, err := evalExpr(mem, df.rest, in)
	if err != nil {
		return nil, err
	}
	mask, kept := kernels.SelectionMask(mem, v, len(rows))
	v.Release()
	defer mask.Release()
	if kept == len(rows) {
		return rows, nil
	}
	out := make([]int32, 0, kept)
	bits := mask.Bytes()
	for j, r := range rows {
		if bits[j>>3]>>(j&7)&1 != 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// gatherColumns gathers rows of the columns of schema from rb, decoding
// dictionary arrays (only those rows are decoded).
func gatherColumns(mem memory.Allocator, rb arrow.RecordBatch, schema *arrow.Schema, rows []int32) ([]arrow.Array, error) {
	cols := make([]arrow.Array, 0, schema.NumFields())
	for _, f := range schema.Fields() {
		a, err := gatherDecoded(mem, columnOf(rb, f.Name), rows)
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
		cols = append(cols, a)
	}
	return cols, nil
}

func columnOf(rb arrow.RecordBatch, name string) arrow.Array {
	return rb.Column(rb.Schema().FieldIndices(name)[0])
}

// testMask evaluates test (over column name alone) for the n rows of a and
// returns the bitmap of the rows where it is true.
func testMask(mem memory.Allocator, test lazy.Expr, name string, a arrow.Array, n int) (*memory.Buffer, error) {
	if d, ok := a.(*array.Dictionary); ok {
		keep, err := dictKeep(mem, test, name, d.Dictionary())
		if err == nil {
			return maskByCodes(mem, d, keep), nil
		}
		// A value no row holds can fail the test (a strict cast): test the
		// rows themselves, which report only their own values' errors.
		plain, derr := kernels.DictDecode(mem, d)
		if derr != nil {
			return nil, derr
		}
		defer plain.Release()
		a = plain
	}
	one := arrow.NewSchema([]arrow.Field{{Name: name, Type: a.DataType(), Nullable: true}}, nil)
	rb := array.NewRecordBatch(one, []arrow.Array{a}, int64(n))
	defer rb.Release()
	v, err := evalExpr(mem, test, rb)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	m, _ := kernels.SelectionMask(mem, v, n)
	return m, nil
}

// dictKeep evaluates test over the values of dict and over a null, and
// returns a flag per code (1: true), the null's last.
func dictKeep(mem memory.Allocator, test lazy.Expr, name string, dict arrow.Array) ([]byte, error) {
	s, ok := dict.(*array.String)
	if !ok {
		return nil, typeErrDict(dict.DataType())
	}
	vals := withNullSlot(s)
	defer vals.Release()
	m := vals.Len()
	rb := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: name, Type: vals.DataType(), Nullable: true}}, nil),
		[]arrow.Array{vals}, int64(m))
	defer rb.Release()
	v, err := evalExpr(mem, test, rb)
	if err != nil {
		return nil, err
	}
	bits, _ := kernels.SelectionMask(mem, v, m)
	v.Release()
	defer bits.Release()
	keep := make([]byte, m)
	for i := range keep {
		if bitutil.BitIsSet(bits.Bytes(), i) {
			keep[i] = 1
		}
	}
	return keep, nil
}

// withNullSlot is a String dictionary with one more value, a null, last.
func withNullSlot(s *array.String) arrow.Array {
	n := s.Len()
	offs := s.ValueOffsets()
	data := s.ValueBytes()
	newOffs := make([]int32, n+2)
	base := int32(0)
	if n > 0 {
		base = offs[0]
	}
	for i := range n + 1 {
		if n > 0 {
			newOffs[i] = offs[i] - base
		}
	}
	newOffs[n+1] = newOffs[n]
	valid := make([]byte, bitutil.BytesForBits(int64(n+1)))
	bitutil.SetBitsTo(valid, 0, int64(n), true)
	for i := range n {
		if s.IsNull(i) {
			bitutil.ClearBit(valid, i)
		}
	}
	buffers := []*memory.Buffer{
		memory.NewBufferBytes(valid),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(newOffs)),
		memory.NewBufferBytes(data),
	}
	d := array.NewData(arrow.BinaryTypes.String, n+1, buffers, nil, array.UnknownNullCount, 0)
	defer d.Release()
	return array.NewStringData(d)
}

// typeErrDict reports a dictionary of other values than String (which the
// caller then decodes and tests row by row).
func typeErrDict(t arrow.DataType) error {
	return core.Errorf(core.KindNotSupported, "dictionary of %s values: tested row by row", t)
}

// maskByCodes returns the bitmap of the rows of d whose code (the null slot
// for a null row) keep flags.
func maskByCodes(mem memory.Allocator, d *array.Dictionary, keep []byte) *memory.Buffer {
	n := d.Len()
	nullSlot := int32(len(keep) - 1)
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := buf.Bytes()
	idx := d.Indices()
	var codes []int32
	if c, ok := idx.(*array.Int32); ok && idx.NullN() == 0 {
		codes = c.Int32Values()
	} else {
		codes = kernels.DictCodes(d, nil)
		for i, c := range codes {
			if c < 0 {
				codes[i] = nullSlot
			}
		}
	}
	full := n &^ 7
	if full < n {
		bits[full>>3] = 0
	}
	for i := 0; i < full; i += 8 {
		c := codes[i : i+8 : i+8]
		bits[i>>3] = keep[c[0]] | keep[c[1]]<<1 | keep[c[2]]<<2 | keep[c[3]]<<3 |
			keep[c[4]]<<4 | keep[c[5]]<<5 | keep[c[6]]<<6 | keep[c[7]]<<7
	}
	for i := full; i < n; i++ {
		bits[i>>3] |= keep[codes[i]] << (i & 7)
	}
	return buf
}

// gatherDecoded returns the rows of a at the positions rows (increasing),
// decoding a dictionary array to its values.
func gatherDecoded(mem memory.Allocator, a arrow.Array, rows []int32) (arrow.Array, error) {
	d, ok := a.(*array.Dictionary)
	if !ok {
		if len(rows) == a.Len() {
			a.Retain()
			return a, nil
		}
		return kernels.Gather(mem, a, rows)
	}
	picked := make([]int32, len(rows))
	if c, ok := d.Indices().(*array.Int32); ok && c.NullN() == 0 {
		// The reader's codes: pick the rows' without widening all.
		codes := c.Int32Values()
		for j, i := range rows {
			picked[j] = codes[i]
		}
	} else {
		codes := kernels.DictCodes(d, nil)
		for j, i := range rows {
			picked[j] = codes[i]
		}
	}
	dict := d.Dictionary()
	if err := kernels.CheckDictCodes(picked, dict.Len()); err != nil {
		return nil, err
	}
	if dict.Len() == 0 { // only null rows point into an empty dictionary
		return kernels.Broadcast(mem, nil, dict.DataType(), len(picked))
	}
	return kernels.Gather(mem, dict, picked)
}
