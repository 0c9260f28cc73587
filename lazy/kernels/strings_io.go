package kernels

// The string functions of Polars' Expr.str namespace (strings_*.go). Every
// kernel reads a string array of any layout (utf8, large_utf8, string_view),
// maps a null row to a null row and writes utf8 (or a fixed-width) result
// allocated from mem. Hot paths work on the values buffer as a whole where
// they can (an all-ASCII buffer is case-mapped in one pass, a literal
// substring is searched across rows with one strings.Index scan) and
// otherwise reuse one scratch buffer per call, so no kernel allocates per row
// except around regular expressions, whose Go API returns fresh slices (and
// in rare cases: a replacement of the empty string, a new pattern in a
// pattern column). This file: reading and writing string columns, UTF-8
// helpers.

import (
	"math"
	"math/bits"
	"unicode/utf8"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// --- reading and writing strings ------------------------------------------------

// strCol reads the rows of a string array without copying. For the offset
// layouts data is the whole values buffer and the offsets index into it.
type strCol struct {
	n     int
	off32 []int32
	off64 []int64
	data  string
	view  *array.StringView
}

func newStrCol(a arrow.Array) strCol {
	c := strCol{n: a.Len()}
	if c.n == 0 {
		return c
	}
	switch s := a.(type) {
	case *array.String:
		c.off32 = s.ValueOffsets()
		c.data = bufString(a.Data().Buffers()[2])
	case *array.LargeString:
		c.off64 = s.ValueOffsets()
		c.data = bufString(a.Data().Buffers()[2])
	case *array.StringView:
		c.view = s
	}
	return c
}

func bufString(b *memory.Buffer) string {
	if b == nil || b.Len() == 0 {
		return ""
	}
	return unsafe.String(&b.Bytes()[0], b.Len())
}

// at returns row i (aliasing the array's memory: do not keep it past the call).
func (c *strCol) at(i int) string {
	switch {
	case c.off32 != nil:
		return c.data[c.off32[i]:c.off32[i+1]]
	case c.off64 != nil:
		return c.data[c.off64[i]:c.off64[i+1]]
	case c.view != nil:
		return c.view.Value(i)
	}
	return ""
}

// span returns the bytes of every row, back to back, for the offset layouts.
func (c *strCol) span() (string, bool) {
	switch {
	case c.off32 != nil:
		return c.data[c.off32[0]:c.off32[c.n]], true
	case c.off64 != nil:
		return c.data[c.off64[0]:c.off64[c.n]], true
	}
	return "", false
}

// allASCII reports whether every row is ASCII, checking the buffer once.
func (c *strCol) allASCII() bool {
	s, ok := c.span()
	return ok && isASCII(s)
}

// dataLen is the total byte length of the rows (a hint for output buffers).
func (c *strCol) dataLen() int {
	if s, ok := c.span(); ok {
		return len(s)
	}
	total := 0
	for i := range c.n {
		total += c.view.ValueLen(i)
	}
	return total
}

// strOut writes a utf8 array straight into allocator buffers: offsets,
// data grown by doubling, and a validity bitmap made at the first null. (An
// array.StringBuilder's per-row bookkeeping costs more than the simple
// kernels' own work.) Rows are appended in order, exactly n of them.
type strOut struct {
	mem     memory.Allocator
	n, i    int
	offBuf  *memory.Buffer
	offs    []int32
	dataBuf *memory.Buffer
	data    []byte // all of dataBuf's capacity; size bytes are used
	size    int
	valid   *memory.Buffer
	vbits   []byte
	err     error
	scratch []byte // for kernels that build a row before appending it
}

func newStrOut(mem memory.Allocator, n, dataHint int) *strOut {
	w := &strOut{mem: mem, n: n}
	w.offBuf, w.offs = allocValues[int32](mem, n+1)
	w.offs[0] = 0
	w.dataBuf = core.AllocateUninit(mem, max(dataHint, 64))
	w.data = w.dataBuf.Buf()
	return w
}

func (w *strOut) room(end int) bool {
	if end <= len(w.data) {
		return true
	}
	if end > math.MaxInt32 {
		if w.err == nil {
			w.err = core.Errorf(core.KindCompute, "a string result exceeds 2 GiB in one batch")
		}
		return false
	}
	w.dataBuf.Reserve(min(max(end, 2*len(w.data)), math.MaxInt32))
	w.data = w.dataBuf.Buf()
	return true
}

// str appends a row (copying s).
func (w *strOut) str(s string) {
	end := w.size + len(s)
	if !w.room(end) {
		return
	}
	copy(w.data[w.size:end], s)
	w.size = end
	w.i++
	w.offs[w.i] = int32(end)
}

// bytes appends a row (copying p).
func (w *strOut) bytes(p []byte) { w.str(unsafe.String(unsafe.SliceData(p), len(p))) }

// null appends a null row.
func (w *strOut) null() {
	if w.vbits == nil {
		w.valid = allocBitmap(w.mem, w.n)
		w.vbits = w.valid.Bytes()
		bitutil.SetBitsTo(w.vbits, 0, int64(w.n), true)
	}
	bitutil.ClearBit(w.vbits, w.i)
	w.i++
	w.offs[w.i] = int32(w.size)
}

func (w *strOut) release() {
	w.offBuf.Release()
	w.dataBuf.Release()
	if w.valid != nil {
		w.valid.Release()
	}
}

// finish returns the array, or the first error.
func (w *strOut) finish() (arrow.Array, error) {
	if w.err == nil && w.i != w.n {
		w.err = core.Errorf(core.KindInternal, "string kernel wrote %d of %d rows", w.i, w.n)
	}
	if w.err != nil {
		w.release()
		return nil, w.err
	}
	w.dataBuf.ResizeNoShrink(w.size)
	return makeArray(arrow.BinaryTypes.String, w.n, w.valid, w.offBuf, w.dataBuf), nil
}

// mapStrings calls f on every valid row of a, which appends exactly one row
// to w (w.scratch is free for it to build the row in) or returns an error;
// null rows stay null. dataHint sizes the first data buffer.
func mapStrings(mem memory.Allocator, a arrow.Array, dataHint int, f func(i int, s string, w *strOut) error) (arrow.Array, error) {
	c := newStrCol(a)
	w := newStrOut(mem, c.n, dataHint)
	for i := range c.n {
		if a.IsNull(i) {
			w.null()
			continue
		}
		if err := f(i, c.at(i), w); err != nil {
			w.release()
			return nil, err
		}
		if w.err != nil {
			break
		}
	}
	return w.finish()
}

// validBits returns a bitmap of n bits holding a's validity (all set when a
// has no nulls); the caller owns it.
func validBits(mem memory.Allocator, a arrow.Array, n int) *memory.Buffer {
	if v := validityOf(mem, a); v != nil {
		return v
	}
	buf := allocBitmap(mem, n)
	bitutil.SetBitsTo(buf.Bytes(), 0, int64(n), true)
	return buf
}

// allNull returns n nulls of type t.
func allNull(mem memory.Allocator, t arrow.DataType, n int) arrow.Array {
	a, _ := Broadcast(mem, nil, t, n)
	return a
}

// argAt reads a string argument (a broadcast scalar or a column) row by row.
type argAt struct {
	scalar bool
	s      string
	null   bool
	col    strCol
	arr    arrow.Array
}

func newArgAt(v Value) argAt {
	if v.IsScalar() {
		s, ok := v.Scalar.(string)
		return argAt{scalar: true, s: s, null: !ok}
	}
	return argAt{col: newStrCol(v.Array), arr: v.Array}
}

func (g *argAt) at(i int) (string, bool) {
	if g.scalar {
		return g.s, !g.null
	}
	if g.arr.IsNull(i) {
		return "", false
	}
	return g.col.at(i), true
}

// intArg reads an Int64 argument (a broadcast scalar or a column) row by row.
type intArg struct {
	scalar bool
	v      int64
	null   bool
	vals   []int64
	arr    arrow.Array
}

func newIntArg(v Value) intArg {
	if v.IsScalar() {
		x, ok := v.Scalar.(int64)
		return intArg{scalar: true, v: x, null: !ok}
	}
	return intArg{vals: values[int64](v.Array), arr: v.Array}
}

func (g *intArg) at(i int) (int64, bool) {
	if g.scalar {
		return g.v, !g.null
	}
	if g.arr.IsNull(i) {
		return 0, false
	}
	return g.vals[i], true
}

// --- UTF-8 helpers ----------------------------------------------------------------

const hiBits = 0x8080808080808080

// isASCII reports whether s holds only ASCII bytes, eight at a time (and
// stops at the first block of 64 holding another byte).
func isASCII(s string) bool {
	i := 0
	if len(s) >= 8 {
		p := unsafe.Pointer(unsafe.StringData(s))
		for i+64 <= len(s) {
			var acc uint64
			for k := 0; k < 64; k += 8 {
				acc |= *(*uint64)(unsafe.Add(p, i+k))
			}
			if acc&hiBits != 0 {
				return false
			}
			i += 64
		}
		var acc uint64
		for ; i+8 <= len(s); i += 8 {
			acc |= *(*uint64)(unsafe.Add(p, i))
		}
		if acc&hiBits != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeCount counts the characters of valid UTF-8 text: the bytes that are
// not continuation bytes (10xxxxxx), eight at a time.
func runeCount(s string) int {
	n := len(s)
	i := 0
	if len(s) >= 8 {
		p := unsafe.Pointer(unsafe.StringData(s))
		for ; i+8 <= len(s); i += 8 {
			w := *(*uint64)(unsafe.Add(p, i))
			n -= bits.OnesCount64(w & ^(w << 1) & hiBits)
		}
	}
	for ; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

// charStart returns the byte index where character k of s starts (len(s)
// when s has k characters or fewer).
func charStart(s string, k int64) int {
	if k <= 0 {
		return 0
	}
	if k >= int64(len(s)) {
		return len(s)
	}
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return len(s)
}

// lastChars returns the byte index where the last k characters of s start.
func lastChars(s string, k int64) int {
	i := len(s)
	for ; k > 0 && i > 0; k-- {
		i--
		for i > 0 && s[i]&0xC0 == 0x80 {
			i--
		}
	}
	return i
}
