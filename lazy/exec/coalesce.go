package exec

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// bufferSet holds the base addresses of the buffers of a plan's source
// tables: memory that may be handed out again without a copy.
type bufferSet map[uintptr]bool

func sourceBuffers(p lazy.Plan) bufferSet {
	set := bufferSet{}
	var add func(d arrow.ArrayData)
	add = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil && b.Len() > 0 {
				set[uintptr(unsafe.Pointer(&b.Bytes()[0]))] = true
			}
		}
		for _, c := range d.Children() {
			add(c)
		}
		if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
			add(dict)
		}
	}
	for _, s := range lazy.Sources(p) {
		if gh, ok := s.(interface{ GoHeap() bool }); ok && gh.GoHeap() {
			continue // Go memory never goes to C: its columns are copied out
		}
		if ms, ok := s.(lazy.MemorySource); ok {
			for _, rb := range ms.Batches() {
				for _, c := range rb.Columns() {
					add(c.Data())
				}
			}
		}
	}
	return set
}

func (s bufferSet) owns(d arrow.ArrayData) bool {
	for _, b := range d.Buffers() {
		if b != nil && b.Len() > 0 && !s[uintptr(unsafe.Pointer(&b.Bytes()[0]))] {
			return false
		}
	}
	for _, c := range d.Children() {
		if !s.owns(c) {
			return false
		}
	}
	if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
		return s.owns(dict)
	}
	return true
}

// finalize assembles a query's result batches (whose references the caller
// keeps) into one batch whose memory all comes from out or from the sources.
// Columns passed through from a source untouched are handed out without a
// copy; computed columns are copied into out, in parallel, so that every
// column of the result is contiguous and lives outside the Go heap.
func finalize(out memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, src bufferSet) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var rows int64
	for _, rb := range batches {
		rows += rb.NumRows()
	}
	// One parts slice serves every column, and fields are read one by one
	// (Schema.Fields copies them): per-column garbage adds up in a wide frame.
	parts := make([]arrow.Array, 0, len(batches))
	for i := range cols {
		parts = parts[:0]
		for _, rb := range batches {
			parts = append(parts, rb.Column(i))
		}
		var err error
		if cols[i], err = assemble(out, schema.Field(i).Type, parts, src); err != nil {
			return nil, err
		}
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

func assemble(out memory.Allocator, t arrow.DataType, parts []arrow.Array, src bufferSet) (arrow.Array, error) {
	if len(parts) == 0 {
		b := kernels.NewBuilder(out, t)
		defer b.Release()
		return b.NewArray(), nil
	}
	if whole := rejoinSlices(parts); whole != nil {
		if src.owns(whole.Data()) {
			return whole, nil
		}
		whole.Release()
	}
	if t.ID() == arrow.DICTIONARY {
		// Its parts may carry different dictionaries: array.Concatenate
		// unifies them (and copies the codes into out).
		whole, err := array.Concatenate(parts, out)
		if err != nil {
			return nil, err
		}
		return ownDictionary(out, whole, src)
	}
	if fw, ok := t.(arrow.FixedWidthDataType); ok && fw.BitWidth()%8 == 0 && len(parts[0].Data().Children()) == 0 {
		return concatFixed(out, t, fw.BitWidth()/8, parts), nil
	}
	return array.Concatenate(parts, out)
}

// ownDictionary gives a dictionary array (taking over the caller's
// reference) a dictionary in out unless the sources own it: kernels keep
// their input's dictionary, which may be an intermediate in Go memory, and
// a result handed to C must not point into the Go heap.
func ownDictionary(out memory.Allocator, a arrow.Array, src bufferSet) (arrow.Array, error) {
	d := a.(*array.Dictionary)
	if src.owns(d.Dictionary().Data()) {
		return a, nil
	}
	defer a.Release()
	dict, err := array.Concatenate([]arrow.Array{d.Dictionary()}, out)
	if err != nil {
		return nil, err
	}
	defer dict.Release()
	return array.NewDictionaryArray(a.DataType(), d.Indices(), dict), nil
}

// concatFixed concatenates fixed-width arrays, copying the values of the
// parts in parallel.
func concatFixed(out memory.Allocator, t arrow.DataType, width int, parts []arrow.Array) arrow.Array {
	total := 0
	starts := make([]int, len(parts))
	nulls := 0
	for i, p := range parts {
		starts[i] = total
		total += p.Len()
		nulls += p.NullN()
	}
	data := core.AllocateUninit(out, total*width)
	dst := data.Bytes()
	copyPart := func(i int) {
		p := parts[i]
		if p.Len() == 0 {
			return
		}
		d := p.Data()
		srcBytes := d.Buffers()[1].Bytes()[d.Offset()*width : (d.Offset()+d.Len())*width]
		copy(dst[starts[i]*width:], srcBytes)
	}
	var wg sync.WaitGroup
	if total*width < 1<<20 || len(parts) == 1 {
		// Small columns are copied here: a channel and a goroutine per
		// column cost a wide frame more than the copy itself.
		for i := range parts {
			copyPart(i)
		}
	} else {
		next := make(chan int, len(parts))
		for i := range parts {
			next <- i
		}
		close(next)
		for range min(runtime.GOMAXPROCS(0), len(parts)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					copyPart(i)
				}
			}()
		}
	}
	var validity *memory.Buffer
	if nulls > 0 {
		validity = memory.NewResizableBuffer(out)
		validity.Resize(int(bitutil.BytesForBits(int64(total))))
		vb := validity.Bytes()
		for i, p := range parts {
			if p.NullN() == 0 {
				bitutil.SetBitsTo(vb, int64(starts[i]), int64(p.Len()), true)
				continue
			}
			bitutil.CopyBitmap(p.NullBitmapBytes(), p.Data().Offset(), p.Len(), vb, starts[i])
		}
	}
	wg.Wait()
	arrData := array.NewData(t, total, []*memory.Buffer{validity, data}, nil, nulls, 0)
	data.Release()
	if validity != nil {
		validity.Release()
	}
	defer arrData.Release()
	return array.MakeFromData(arrData)
}

// rejoinSlices returns the array that parts were cut from when they are
// consecutive slices of the same buffers (as a pass-through pipeline over one
// input batch produces), so that no data is copied; nil otherwise.
func rejoinSlices(parts []arrow.Array) arrow.Array {
	first := parts[0].Data()
	if first.DataType().ID() == arrow.NULL { // no buffers at all: only a length
		n := 0
		for _, p := range parts {
			n += p.Len()
		}
		return array.NewNull(n)
	}
	if len(first.Children()) > 0 && first.DataType().ID() != arrow.FIXED_SIZE_LIST {
		return nil // a vector column's slices share its child; other nested types may not
	}
	end := first.Offset() + first.Len()
	total := first.Len()
	for _, p := range parts[1:] {
		d := p.Data()
		if d.Offset() != end || len(d.Buffers()) != len(first.Buffers()) {
			return nil
		}
		// The same Buffer objects, not merely the same addresses: separately
		// imported chunks of one allocation each cover only their own rows.
		for k, b := range d.Buffers() {
			if b != first.Buffers()[k] {
				return nil
			}
		}
		for k, c := range d.Children() {
			if c != first.Children()[k] {
				return nil
			}
		}
		if d.Dictionary() != first.Dictionary() {
			return nil
		}
		end += d.Len()
		total += d.Len()
	}
	nulls := array.UnknownNullCount
	if first.Buffers()[0] == nil {
		nulls = 0
	}
	data := array.NewData(first.DataType(), total, first.Buffers(), first.Children(), nulls, first.Offset())
	if dict, ok := first.Dictionary().(*array.Data); ok && dict != nil {
		data.Release()
		data = array.NewDataWithDictionary(first.DataType(), total, first.Buffers(), nulls, first.Offset(), dict)
	}
	defer data.Release()
	return array.MakeFromData(data)
}
