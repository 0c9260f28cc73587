package kernels

// The string functions of Polars' Expr.str namespace. Every kernel reads a
// string array of any layout (utf8, large_utf8, string_view), maps a null
// row to a null row and writes utf8 (or a fixed-width) result allocated
// from mem. Hot paths work on the values buffer as a whole where they can
// (an all-ASCII buffer is case-mapped in one pass, a literal substring is
// searched across rows with one strings.Index scan) and otherwise reuse one
// scratch buffer per call, so no kernel allocates per row except around
// regular expressions, whose Go API returns fresh slices (and in rare cases:
// a replacement of the empty string, a new pattern in a pattern column).

import (
	"math"
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
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

// --- lengths ------------------------------------------------------------------------

// StrLenBytes returns the byte length of every string as UInt32.
func StrLenBytes(mem memory.Allocator, a arrow.Array) arrow.Array {
	c := newStrCol(a)
	buf, out := allocValues[uint32](mem, c.n)
	switch {
	case c.off32 != nil:
		for i := range out {
			out[i] = uint32(c.off32[i+1] - c.off32[i])
		}
	case c.off64 != nil:
		for i := range out {
			out[i] = uint32(c.off64[i+1] - c.off64[i])
		}
	default:
		for i := range out {
			out[i] = uint32(c.view.ValueLen(i))
		}
	}
	return makeArray(arrow.PrimitiveTypes.Uint32, c.n, validityOf(mem, a), buf)
}

// StrLenChars returns the number of characters (Unicode code points) of every
// string as UInt32.
func StrLenChars(mem memory.Allocator, a arrow.Array) arrow.Array {
	c := newStrCol(a)
	if c.allASCII() {
		return StrLenBytes(mem, a)
	}
	buf, out := allocValues[uint32](mem, c.n)
	for i := range out {
		out[i] = uint32(runeCount(c.at(i)))
	}
	return makeArray(arrow.PrimitiveTypes.Uint32, c.n, validityOf(mem, a), buf)
}

// --- case mapping -----------------------------------------------------------------

// StrToCase maps every string to upper or lower case with the full Unicode
// mappings Rust's str::to_uppercase / to_lowercase use (as Polars): the
// one-to-many mappings of SpecialCasing.txt ("ß" → "SS", "ﬁ" → "FI",
// "İ" → "i̇") and the final-sigma rule ("ΟΔΟΣ" → "οδος").
func StrToCase(mem memory.Allocator, a arrow.Array, upper bool) (arrow.Array, error) {
	c := newStrCol(a)
	if span, ok := c.span(); ok && c.n > 0 && len(span) <= math.MaxInt32 && isASCII(span) {
		return asciiCaseWhole(mem, a, &c, span, upper), nil
	}
	return mapStrings(mem, a, c.dataLen()+c.dataLen()/4, func(_ int, s string, w *strOut) error {
		if upper {
			w.scratch = appendUpper(w.scratch[:0], s)
		} else {
			w.scratch = appendLower(w.scratch[:0], s)
		}
		w.bytes(w.scratch)
		return nil
	})
}

var asciiUpper, asciiLower [256]byte

func init() {
	for i := range 256 {
		asciiUpper[i], asciiLower[i] = byte(i), byte(i)
	}
	for c := 'a'; c <= 'z'; c++ {
		asciiUpper[c] = byte(c - 32)
		asciiLower[c-32] = byte(c)
	}
}

// asciiCaseWhole maps an all-ASCII offset-layout array in one pass: the
// output has the input's offsets (rebased to 0) and mapped bytes.
func asciiCaseWhole(mem memory.Allocator, a arrow.Array, c *strCol, span string, upper bool) arrow.Array {
	offBuf, offs := allocValues[int32](mem, c.n+1)
	if c.off32 != nil {
		base := c.off32[0]
		for i, o := range c.off32 {
			offs[i] = o - base
		}
	} else {
		base := c.off64[0]
		for i, o := range c.off64 {
			offs[i] = int32(o - base)
		}
	}
	dataBuf := core.AllocateUninit(mem, len(span))
	out := dataBuf.Bytes()
	table := &asciiLower
	if upper {
		table = &asciiUpper
	}
	for i := 0; i < len(span); i++ {
		out[i] = table[span[i]]
	}
	return makeArray(arrow.BinaryTypes.String, c.n, validityOf(mem, a), offBuf, dataBuf)
}

// bmpUpper and bmpLower cache the simple case mappings of the Basic
// Multilingual Plane (which stay in it), built on first use: a lookup
// instead of unicode's binary search per character.
var (
	bmpOnce            sync.Once
	bmpUpper, bmpLower *[0x10000]uint16
)

func bmpTables() {
	bmpUpper, bmpLower = new([0x10000]uint16), new([0x10000]uint16)
	for r := range rune(0x10000) {
		bmpUpper[r], bmpLower[r] = uint16(r), uint16(r)
		if u := toUpper(r); u < 0x10000 {
			bmpUpper[r] = uint16(u)
		}
		if l := toLower(r); l < 0x10000 {
			bmpLower[r] = uint16(l)
		}
	}
}

func appendUpper(dst []byte, s string) []byte {
	bmpOnce.Do(bmpTables)
	dst = slices.Grow(dst, len(s))
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i, dst = asciiRun(dst, s, i, &asciiUpper)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0xDF && r <= 0xFB17 && specialUpper[r] != "":
			dst = append(dst, specialUpper[r]...)
		case r < 0x10000:
			dst = utf8.AppendRune(dst, rune(bmpUpper[r]))
		case r >= noCaseAbove:
			dst = append(dst, s[i:i+size]...)
		default:
			dst = utf8.AppendRune(dst, toUpper(r))
		}
		i += size
	}
	return dst
}

func appendLower(dst []byte, s string) []byte {
	bmpOnce.Do(bmpTables)
	dst = slices.Grow(dst, len(s))
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i, dst = asciiRun(dst, s, i, &asciiLower)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 'Σ':
			if finalSigma(s, i) {
				dst = append(dst, "ς"...)
			} else {
				dst = append(dst, "σ"...)
			}
		case r == 'İ':
			dst = append(dst, "i\u0307"...)
		case r < 0x10000:
			dst = utf8.AppendRune(dst, rune(bmpLower[r]))
		case r >= noCaseAbove:
			dst = append(dst, s[i:i+size]...)
		default:
			dst = utf8.AppendRune(dst, toLower(r))
		}
		i += size
	}
	return dst
}

// noCaseAbove: no character from here on (after Adlam) has a case mapping.
const noCaseAbove = 0x1E950

// asciiRun maps the run of ASCII bytes of s starting at i through table.
func asciiRun(dst []byte, s string, i int, table *[256]byte) (int, []byte) {
	j := i
	for j < len(s) && s[j] < utf8.RuneSelf {
		j++
	}
	n := len(dst)
	dst = slices.Grow(dst, j-i)[:n+j-i]
	out := dst[n:]
	for k := range out {
		out[k] = table[s[i+k]]
	}
	return j, dst
}

// toUpper and toLower are the simple case mappings of Go's unicode tables
// (Unicode 15) completed with the case pairs of Unicode 16 and 17, which
// Polars' Rust already has.
func toUpper(r rune) rune {
	if u := unicode.ToUpper(r); u != r {
		return u
	}
	switch {
	case r >= 0x10D70 && r <= 0x10D85: // Garay
		return r - 0x20
	case r >= 0x16EBB && r <= 0x16ED3: // Beria Erfe
		return r - 0x1B
	case r == 0x19B || r == 0x264 || r == 0x1C8A || r >= 0xA7CD && r <= 0xA7DB:
		for up, low := range newerLower {
			if low == r {
				return up
			}
		}
	}
	return r
}

func toLower(r rune) rune {
	if l := unicode.ToLower(r); l != r {
		return l
	}
	switch {
	case r >= 0x10D50 && r <= 0x10D65:
		return r + 0x20
	case r >= 0x16EA0 && r <= 0x16EB8:
		return r + 0x1B
	case r == 0x1C89 || r >= 0xA7CB && r <= 0xA7DC:
		if l, ok := newerLower[r]; ok {
			return l
		}
	}
	return r
}

// newerLower maps the single upper-case letters of Unicode 16 outside the
// Garay and Beria Erfe blocks to their lower case.
var newerLower = map[rune]rune{
	0x1C89: 0x1C8A, 0xA7CB: 0x264, 0xA7CC: 0xA7CD, 0xA7CE: 0xA7CF, 0xA7D2: 0xA7D3, 0xA7D4: 0xA7D5,
	0xA7DA: 0xA7DB, 0xA7DC: 0x19B,
}

// finalSigma applies Unicode's Final_Sigma condition to the Σ at byte i: a
// cased letter comes before it and none after it, skipping case-ignorable
// characters on both sides.
func finalSigma(s string, i int) bool {
	before := false
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
		if !isCaseIgnorable(r) {
			before = isCased(r)
			break
		}
	}
	if !before {
		return false
	}
	for j := i + len("Σ"); j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		j += size
		if !isCaseIgnorable(r) {
			return !isCased(r)
		}
	}
	return true
}

func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// isCaseIgnorable is Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk and the
// Word_Break classes MidLetter, MidNumLet and Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// specialUpper holds the unconditional one-to-many uppercase mappings of
// SpecialCasing.txt (checked against Python's str.upper, which uses the same
// table).
var specialUpper = map[rune]string{
	0xDF: "\u0053\u0053", 0x149: "\u02BC\u004E", 0x1F0: "\u004A\u030C", 0x390: "\u0399\u0308\u0301",
	0x3B0: "\u03A5\u0308\u0301", 0x587: "\u0535\u0552", 0x1E96: "\u0048\u0331", 0x1E97: "\u0054\u0308",
	0x1E98: "\u0057\u030A", 0x1E99: "\u0059\u030A", 0x1E9A: "\u0041\u02BE", 0x1F50: "\u03A5\u0313",
	0x1F52: "\u03A5\u0313\u0300", 0x1F54: "\u03A5\u0313\u0301", 0x1F56: "\u03A5\u0313\u0342",
	0x1F80: "\u1F08\u0399", 0x1F81: "\u1F09\u0399", 0x1F82: "\u1F0A\u0399", 0x1F83: "\u1F0B\u0399",
	0x1F84: "\u1F0C\u0399", 0x1F85: "\u1F0D\u0399", 0x1F86: "\u1F0E\u0399", 0x1F87: "\u1F0F\u0399",
	0x1F88: "\u1F08\u0399", 0x1F89: "\u1F09\u0399", 0x1F8A: "\u1F0A\u0399", 0x1F8B: "\u1F0B\u0399",
	0x1F8C: "\u1F0C\u0399", 0x1F8D: "\u1F0D\u0399", 0x1F8E: "\u1F0E\u0399", 0x1F8F: "\u1F0F\u0399",
	0x1F90: "\u1F28\u0399", 0x1F91: "\u1F29\u0399", 0x1F92: "\u1F2A\u0399", 0x1F93: "\u1F2B\u0399",
	0x1F94: "\u1F2C\u0399", 0x1F95: "\u1F2D\u0399", 0x1F96: "\u1F2E\u0399", 0x1F97: "\u1F2F\u0399",
	0x1F98: "\u1F28\u0399", 0x1F99: "\u1F29\u0399", 0x1F9A: "\u1F2A\u0399", 0x1F9B: "\u1F2B\u0399",
	0x1F9C: "\u1F2C\u0399", 0x1F9D: "\u1F2D\u0399", 0x1F9E: "\u1F2E\u0399", 0x1F9F: "\u1F2F\u0399",
	0x1FA0: "\u1F68\u0399", 0x1FA1: "\u1F69\u0399", 0x1FA2: "\u1F6A\u0399", 0x1FA3: "\u1F6B\u0399",
	0x1FA4: "\u1F6C\u0399", 0x1FA5: "\u1F6D\u0399", 0x1FA6: "\u1F6E\u0399", 0x1FA7: "\u1F6F\u0399",
	0x1FA8: "\u1F68\u0399", 0x1FA9: "\u1F69\u0399", 0x1FAA: "\u1F6A\u0399", 0x1FAB: "\u1F6B\u0399",
	0x1FAC: "\u1F6C\u0399", 0x1FAD: "\u1F6D\u0399", 0x1FAE: "\u1F6E\u0399", 0x1FAF: "\u1F6F\u0399",
	0x1FB2: "\u1FBA\u0399", 0x1FB3: "\u0391\u0399", 0x1FB4: "\u0386\u0399", 0x1FB6: "\u0391\u0342",
	0x1FB7: "\u0391\u0342\u0399", 0x1FBC: "\u0391\u0399", 0x1FC2: "\u1FCA\u0399", 0x1FC3: "\u0397\u0399",
	0x1FC4: "\u0389\u0399", 0x1FC6: "\u0397\u0342", 0x1FC7: "\u0397\u0342\u0399", 0x1FCC: "\u0397\u0399",
	0x1FD2: "\u0399\u0308\u0300", 0x1FD3: "\u0399\u0308\u0301", 0x1FD6: "\u0399\u0342",
	0x1FD7: "\u0399\u0308\u0342", 0x1FE2: "\u03A5\u0308\u0300", 0x1FE3: "\u03A5\u0308\u0301",
	0x1FE4: "\u03A1\u0313", 0x1FE6: "\u03A5\u0342", 0x1FE7: "\u03A5\u0308\u0342", 0x1FF2: "\u1FFA\u0399",
	0x1FF3: "\u03A9\u0399", 0x1FF4: "\u038F\u0399", 0x1FF6: "\u03A9\u0342", 0x1FF7: "\u03A9\u0342\u0399",
	0x1FFC: "\u03A9\u0399", 0xFB00: "\u0046\u0046", 0xFB01: "\u0046\u0049", 0xFB02: "\u0046\u004C",
	0xFB03: "\u0046\u0046\u0049", 0xFB04: "\u0046\u0046\u004C", 0xFB05: "\u0053\u0054", 0xFB06: "\u0053\u0054",
	0xFB13: "\u0544\u0546", 0xFB14: "\u0544\u0535", 0xFB15: "\u0544\u053B", 0xFB16: "\u054E\u0546",
	0xFB17: "\u0544\u053D",
}

// --- reverse ------------------------------------------------------------------------

// StrReverse reverses every string by extended grapheme clusters (as Polars
// does), so combining marks, emoji sequences and flags stay intact.
func StrReverse(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	c := newStrCol(a)
	var bounds []int
	return mapStrings(mem, a, c.dataLen(), func(_ int, s string, w *strOut) error {
		dst := w.scratch[:0]
		defer func() { w.scratch = dst }()
		if isASCII(s) { // every character is a cluster, except CR LF
			for i := len(s) - 1; i >= 0; i-- {
				if s[i] == '\n' && i > 0 && s[i-1] == '\r' {
					dst = append(dst, '\r', '\n')
					i--
					continue
				}
				dst = append(dst, s[i])
			}
			w.bytes(dst)
			return nil
		}
		bounds = graphemeBounds(s, bounds[:0])
		for k := len(bounds) - 1; k > 0; k-- {
			dst = append(dst, s[bounds[k-1]:bounds[k]]...)
		}
		w.bytes(dst)
		return nil
	})
}

// --- slicing ------------------------------------------------------------------------

// StrSlice takes, from every string, length characters (all when length is
// null) starting at character offset (counted from the end when negative),
// as Polars' str.slice: the window is clipped to the string, so an offset
// before the start shortens it. A null offset gives null; length must not
// be negative.
func StrSlice(mem memory.Allocator, a arrow.Array, offset, length Value) (arrow.Array, error) {
	c := newStrCol(a)
	ascii := c.allASCII()
	offs, lens := newIntArg(offset), newIntArg(length)
	return mapStrings(mem, a, c.dataLen(), func(i int, s string, w *strOut) error {
		off, ok := offs.at(i)
		if !ok {
			w.null()
			return nil
		}
		ln, hasLen := lens.at(i)
		if hasLen && ln < 0 {
			return core.Errorf(core.KindInvalidInput, "str.slice length must not be negative, got %d", ln)
		}
		lo, hi := sliceBytes(s, off, ln, hasLen, ascii)
		w.str(s[lo:hi])
		return nil
	})
}

// sliceBytes returns the byte range of characters [off, off+ln) of s.
func sliceBytes(s string, off, ln int64, hasLen, ascii bool) (int, int) {
	if off >= 0 {
		var lo int
		if ascii {
			lo = int(min(off, int64(len(s))))
		} else {
			lo = charStart(s, off)
		}
		if !hasLen {
			return lo, len(s)
		}
		rest := s[lo:]
		if ascii {
			return lo, lo + int(min(ln, int64(len(rest))))
		}
		return lo, lo + charStart(rest, ln)
	}
	nchars := int64(len(s))
	if !ascii {
		nchars = int64(runeCount(s))
	}
	start := nchars + off // may be negative: the window then starts before the string
	end := nchars
	if hasLen {
		if start < 0 {
			end = start + ln // cannot overflow: start < 0 <= ln
		} else {
			end = start + min(ln, nchars)
		}
	}
	start = max(start, 0)
	end = min(max(end, start), nchars)
	if ascii {
		return int(start), int(end)
	}
	lo := charStart(s, start)
	return lo, lo + charStart(s[lo:], end-start)
}

// StrHead keeps the first n characters of every string (all but the last
// -n when n is negative); with tail, the last n (all but the first -n).
func StrHead(mem memory.Allocator, a arrow.Array, n Value, tail bool) (arrow.Array, error) {
	c := newStrCol(a)
	ascii := c.allASCII()
	ns := newIntArg(n)
	return mapStrings(mem, a, c.dataLen(), func(i int, s string, w *strOut) error {
		k, ok := ns.at(i)
		if !ok {
			w.null()
			return nil
		}
		k = max(min(k, int64(len(s))), -int64(len(s))) // no character count exceeds the byte count
		var lo, hi int
		switch {
		case ascii:
			size := int64(len(s))
			switch {
			case !tail && k >= 0:
				lo, hi = 0, int(min(k, size))
			case !tail:
				lo, hi = 0, int(max(size+k, 0))
			case k >= 0:
				lo, hi = int(max(size-k, 0)), len(s)
			default:
				lo, hi = int(min(-k, size)), len(s)
			}
		case !tail && k >= 0:
			lo, hi = 0, charStart(s, k)
		case !tail:
			lo, hi = 0, lastChars(s, -k)
		case k >= 0:
			lo, hi = lastChars(s, k), len(s)
		default:
			lo, hi = charStart(s, -k), len(s)
		}
		w.str(s[lo:hi])
		return nil
	})
}

// --- padding and stripping -----------------------------------------------------------

// maxPad bounds the width a padding function may produce per string.
const maxPad = 1 << 30

// StrPad pads every string with fill to length characters, at the start or
// at the end; longer strings are kept. A null length gives null.
func StrPad(mem memory.Allocator, a arrow.Array, length Value, fill rune, start bool) (arrow.Array, error) {
	return pad(mem, a, length, "str.pad", func(dst []byte, s string, missing int) []byte {
		if !start {
			dst = append(dst, s...)
		}
		for range missing {
			dst = utf8.AppendRune(dst, fill)
		}
		if start {
			dst = append(dst, s...)
		}
		return dst
	})
}

// StrZfill pads every string with zeros at the start to length characters,
// after a leading sign ("-1" → "-001"); longer strings are kept.
func StrZfill(mem memory.Allocator, a arrow.Array, length Value) (arrow.Array, error) {
	return pad(mem, a, length, "str.zfill", func(dst []byte, s string, missing int) []byte {
		if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
			dst = append(dst, s[0])
			s = s[1:]
		}
		for range missing {
			dst = append(dst, '0')
		}
		return append(dst, s...)
	})
}

func pad(mem memory.Allocator, a arrow.Array, length Value, name string,
	write func(dst []byte, s string, missing int) []byte) (arrow.Array, error) {
	c := newStrCol(a)
	ascii := c.allASCII()
	ls := newIntArg(length)
	return mapStrings(mem, a, c.dataLen(), func(i int, s string, w *strOut) error {
		l, ok := ls.at(i)
		if !ok {
			w.null()
			return nil
		}
		if l < 0 || l > maxPad {
			return core.Errorf(core.KindInvalidInput, "%s length must be between 0 and %d, got %d", name, maxPad, l)
		}
		nchars := len(s)
		if !ascii {
			nchars = runeCount(s)
		}
		if int64(nchars) >= l {
			w.str(s)
			return nil
		}
		w.scratch = write(w.scratch[:0], s, int(l)-nchars)
		w.bytes(w.scratch)
		return nil
	})
}

// StrStrip removes the characters of chars (whitespace when chars is null)
// from the start and/or the end of every string.
func StrStrip(mem memory.Allocator, a arrow.Array, chars Value, start, end bool) (arrow.Array, error) {
	c := newStrCol(a)
	cs := newArgAt(chars)
	return mapStrings(mem, a, c.dataLen(), func(i int, s string, w *strOut) error {
		set, ok := cs.at(i)
		switch {
		case !ok && start && end:
			s = strings.TrimSpace(s)
		case !ok && start:
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
		case !ok:
			s = strings.TrimRightFunc(s, unicode.IsSpace)
		case start && end:
			s = strings.Trim(s, set)
		case start:
			s = strings.TrimLeft(s, set)
		default:
			s = strings.TrimRight(s, set)
		}
		w.str(s)
		return nil
	})
}

// --- prefix and suffix ---------------------------------------------------------------

// StrStartsWith tests every string for a prefix (a suffix with end); null
// when the string or the affix is null.
func StrStartsWith(mem memory.Allocator, a arrow.Array, affix Value, end bool) arrow.Array {
	n := a.Len()
	if affix.IsScalar() && affix.Scalar == nil {
		return allNull(mem, arrow.FixedWidthTypes.Boolean, n)
	}
	c := newStrCol(a)
	g := newArgAt(affix)
	buf := allocBitmap(mem, n)
	out := buf.Bytes()
	for i := range n {
		p, ok := g.at(i)
		s := c.at(i)
		if ok && (!end && strings.HasPrefix(s, p) || end && strings.HasSuffix(s, p)) {
			bitutil.SetBit(out, i)
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, andValidity(mem, ArrayValue(a), affix, n), buf)
}

// --- patterns -------------------------------------------------------------------------

// Pattern is a compiled search pattern: a literal substring, or a regular
// expression in Polars' (Rust regex crate) syntax run by Go's RE2 engine.
// Both engines guarantee linear time and leftmost-first matches; where the
// syntaxes differ, translateRegex makes \d, \w and \s Unicode-aware as in
// Rust and rejects what RE2 would read differently. A regular expression
// that is a plain literal is searched as one.
type Pattern struct {
	src   string
	lit   string
	isLit bool
	re    *regexp.Regexp // nil for a literal pattern
	// wordBoundary marks a \b or \B, which RE2 evaluates with ASCII word
	// characters where Rust uses Unicode ones: rows with other word
	// characters are refused (see check) rather than answered differently.
	wordBoundary bool
}

// check refuses a row that the pattern would match differently from Polars.
func (p *Pattern) check(s string) error {
	if !p.wordBoundary || isASCII(s) {
		return nil
	}
	for _, r := range s {
		if r >= utf8.RuneSelf && (unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Nl, unicode.Pc) || r == 0x200C || r == 0x200D) {
			return core.Errorf(core.KindNotSupported,
				"regular expression %q uses \\b or \\B, whose word characters are ASCII-only in alopex "+
					"(Unicode in Polars), and the value %q has other word characters; "+
					"write the boundary out, e.g. (?:^|[^\\w])word(?:[^\\w]|$)", p.src, s).With("pattern", p.src)
		}
	}
	return nil
}

const maxCachedPatterns = 4096

// patternCache holds compiled regular expressions by source text, so that a
// pattern is compiled once per plan rather than once per batch.
var patternCache struct {
	sync.Mutex
	m map[string]*Pattern
}

// CompilePattern compiles a pattern: a literal substring when literal is
// set (never an error), otherwise a regular expression; an invalid one is a
// ComputeError naming the pattern.
func CompilePattern(src string, literal bool) (*Pattern, error) {
	if literal {
		return &Pattern{lit: src, isLit: true}, nil
	}
	patternCache.Lock()
	p, ok := patternCache.m[src]
	patternCache.Unlock()
	if ok {
		return p, nil
	}
	expr, boundary, err := translateRegex(src)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		msg := err.Error()
		if se, ok := err.(*syntax.Error); ok {
			msg = se.Code.String() + ": `" + se.Expr + "`"
		}
		return nil, core.Errorf(core.KindCompute, "invalid regular expression %q: %s", src, msg).With("pattern", src)
	}
	p = &Pattern{src: strings.Clone(src), re: re, wordBoundary: boundary}
	if parsed, err := syntax.Parse(expr, syntax.Perl); err == nil {
		switch {
		case parsed.Op == syntax.OpLiteral && parsed.Flags&syntax.FoldCase == 0:
			p.lit, p.isLit = string(parsed.Rune), true
		case parsed.Op == syntax.OpEmptyMatch:
			p.lit, p.isLit = "", true
		}
	}
	patternCache.Lock()
	if patternCache.m == nil || len(patternCache.m) >= maxCachedPatterns {
		patternCache.m = map[string]*Pattern{}
	}
	patternCache.m[strings.Clone(src)] = p
	patternCache.Unlock()
	return p, nil
}

func (p *Pattern) contains(s string) bool {
	if p.isLit {
		return strings.Contains(s, p.lit)
	}
	return p.re.MatchString(s)
}

// index returns the byte offset of the first match, or -1.
func (p *Pattern) index(s string) int {
	if p.isLit {
		return strings.Index(s, p.lit)
	}
	loc := p.re.FindStringIndex(s)
	if loc == nil {
		return -1
	}
	return loc[0]
}

// count returns the number of non-overlapping matches (an empty pattern
// matches before every character and at the end).
func (p *Pattern) count(s string) int {
	if p.isLit {
		return strings.Count(s, p.lit)
	}
	return len(p.re.FindAllStringIndex(s, -1))
}

// Unicode versions of the Perl classes, as the Rust regex crate defines
// them; the "In" forms go inside a bracketed class.
const (
	wordClassIn  = `\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\x{200C}\x{200D}\x{24B6}-\x{24E9}\x{1F130}-\x{1F149}\x{1F150}-\x{1F169}\x{1F170}-\x{1F189}`
	spaceClassIn = `\t\n\v\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`
)

// translateRegex rewrites a Rust-regex pattern for Go's regexp: \d, \w and
// \s (and their negations) become their Unicode classes. Nested classes and class set operations ([a[b]], &&, --, ~~),
// which RE2 would read as literal characters, and \W or \S inside a class
// are rejected as not supported rather than matched differently, and a '{'
// that starts no repetition is an error as in Rust (RE2 takes it literally).
func translateRegex(src string) (expr string, wordBoundary bool, err error) {
	unsupported := func(what string) error {
		return core.Errorf(core.KindNotSupported,
			"regular expression %q uses %s, which alopex's regex engine does not support", src, what).With("pattern", src)
	}
	var b strings.Builder
	b.Grow(len(src) + 16)
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			d := src[i+1]
			i++
			switch {
			case d == 'd':
				b.WriteString(`\p{Nd}`)
			case d == 'D':
				b.WriteString(`\P{Nd}`)
			case d == 'w' && inClass:
				b.WriteString(wordClassIn)
			case d == 'w':
				b.WriteString(`[` + wordClassIn + `]`)
			case d == 'W' && !inClass:
				b.WriteString(`[^` + wordClassIn + `]`)
			case d == 's' && inClass:
				b.WriteString(spaceClassIn)
			case d == 's':
				b.WriteString(`[` + spaceClassIn + `]`)
			case d == 'S' && !inClass:
				b.WriteString(`[^` + spaceClassIn + `]`)
			case (d == 'b' || d == 'B') && !inClass:
				wordBoundary = true
				b.WriteByte(c)
				b.WriteByte(d)
			case d == 'W' || d == 'S':
				return "", false, unsupported(`\` + string(d) + " inside a character class")
			case (d == 'p' || d == 'P' || d == 'x') && i+1 < len(src) && src[i+1] == '{':
				end := strings.IndexByte(src[i:], '}')
				if end < 0 {
					end = len(src) - i - 1
				}
				b.WriteByte(c)
				b.WriteString(src[i : i+end+1]) // \p{Greek}, \x{1F600}: the braces are no repetition
				i += end
			default:
				b.WriteByte(c)
				b.WriteByte(d)
			}
		case inClass && c == '[':
			if end := strings.Index(src[i:], ":]"); i+1 < len(src) && src[i+1] == ':' && end > 0 {
				b.WriteString(src[i : i+end+2]) // [:alpha:]
				i += end + 1
				continue
			}
			return "", false, unsupported("a nested character class")
		case inClass && (c == '&' || c == '-' || c == '~') && i+1 < len(src) && src[i+1] == c:
			return "", false, unsupported("a character class set operation (" + src[i:i+2] + ")")
		case inClass && c == ']':
			inClass = false
			b.WriteByte(c)
		case !inClass && c == '[':
			inClass = true
			b.WriteByte(c)
			if i+1 < len(src) && src[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(src) && src[i+1] == ']' { // a leading ] is literal
				b.WriteByte(']')
				i++
			}
		case !inClass && c == '{':
			// RE2 reads a '{' that starts no repetition as a literal; Rust rejects it.
			if !isRepetition(src[i:]) {
				return "", false, core.Errorf(core.KindCompute,
					`invalid regular expression %q: '{' must start a repetition {n}, {n,} or {n,m} (write \{ for the character)`,
					src).With("pattern", src)
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), wordBoundary, nil
}

// isRepetition reports whether s starts with {n}, {n,} or {n,m}.
func isRepetition(s string) bool {
	_, rest, ok := scanDigits(s[1:], 10)
	if !ok {
		return false
	}
	if rest != "" && rest[0] == ',' {
		_, rest, _ = scanDigits(rest[1:], 10)
	}
	return rest != "" && rest[0] == '}'
}

// patternArg supplies the pattern of each row: one compiled pattern for a
// scalar, or the row's own for a column (compiled once per distinct value).
type patternArg struct {
	scalar          bool
	one             *Pattern // nil: null (or invalid and not strict)
	g               argAt
	literal, strict bool
	lit             Pattern // reused for literal column patterns
	cache           map[string]*Pattern
}

func newPatternArg(v Value, literal, strict bool) (*patternArg, error) {
	p := &patternArg{literal: literal, strict: strict}
	if v.IsScalar() {
		p.scalar = true
		s, ok := v.Scalar.(string)
		if !ok {
			return p, nil
		}
		pat, err := CompilePattern(s, literal)
		if err != nil && strict {
			return nil, err
		}
		p.one = pat
		return p, nil
	}
	p.g = newArgAt(v)
	p.cache = map[string]*Pattern{}
	return p, nil
}

// at returns the pattern of row i; nil (without error) when it is null or,
// not strict, invalid. A literal column pattern is valid until the next call.
func (p *patternArg) at(i int) (*Pattern, error) {
	if p.scalar {
		return p.one, nil
	}
	s, ok := p.g.at(i)
	if !ok {
		return nil, nil
	}
	if p.literal {
		p.lit = Pattern{lit: s, isLit: true}
		return &p.lit, nil
	}
	if pat, ok := p.cache[s]; ok {
		return pat, nil
	}
	pat, err := CompilePattern(s, false)
	if err != nil {
		if p.strict {
			return nil, err
		}
		pat = nil
	}
	p.cache[strings.Clone(s)] = pat
	return pat, nil
}

// StrContains tests every string for a match of pat (a literal substring
// with literal, else a regular expression). An invalid regular expression
// is an error when strict, otherwise it gives null.
func StrContains(mem memory.Allocator, a arrow.Array, pat Value, literal, strict bool) (arrow.Array, error) {
	n := a.Len()
	pa, err := newPatternArg(pat, literal, strict)
	if err != nil {
		return nil, err
	}
	if pa.scalar && pa.one == nil {
		return allNull(mem, arrow.FixedWidthTypes.Boolean, n), nil
	}
	c := newStrCol(a)
	buf := allocBitmap(mem, n)
	out := buf.Bytes()
	valid := validBits(mem, a, n)
	vb := valid.Bytes()
	if p := pa.one; p != nil && p.isLit {
		switch {
		case p.lit == "":
			bitutil.SetBitsTo(out, 0, int64(n), true)
		case c.off32 != nil:
			containsAcross(c.off32, c.data, p.lit, out)
		case c.off64 != nil:
			containsAcross(c.off64, c.data, p.lit, out)
		default:
			for i := range n {
				if strings.Contains(c.at(i), p.lit) {
					bitutil.SetBit(out, i)
				}
			}
		}
		return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, buf), nil
	}
	for i := range n {
		if !bitutil.BitIsSet(vb, i) {
			continue
		}
		p, err := pa.at(i)
		if err != nil {
			buf.Release()
			valid.Release()
			return nil, err
		}
		if p == nil {
			bitutil.ClearBit(vb, i)
			continue
		}
		s := c.at(i)
		if err := p.check(s); err != nil {
			buf.Release()
			valid.Release()
			return nil, err
		}
		if p.contains(s) {
			bitutil.SetBit(out, i)
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, buf), nil
}

// containsAcross sets bit i of out when row i contains lit (non-empty),
// searching the values buffer as a whole: one strings.Index call finds the
// next match in any row, and a match that crosses into the next row only
// moves the search to that row's start.
func containsAcross[O int32 | int64](offs []O, data, lit string, out []byte) {
	n := len(offs) - 1
	end := int(offs[n])
	row, pos := 0, int(offs[0])
	for pos < end {
		k := strings.Index(data[pos:end], lit)
		if k < 0 {
			return
		}
		m := pos + k
		for int(offs[row+1]) <= m {
			row++
		}
		if m+len(lit) <= int(offs[row+1]) {
			bitutil.SetBit(out, row)
		}
		row++
		if row >= n {
			return
		}
		pos = int(offs[row])
	}
}

// StrFind returns the byte offset of the first match of pat in every
// string as UInt32 (as Polars' str.find), null when there is none.
func StrFind(mem memory.Allocator, a arrow.Array, pat Value, literal, strict bool) (arrow.Array, error) {
	return matchCount(mem, a, pat, literal, strict, func(p *Pattern, s string) (uint32, bool) {
		k := p.index(s)
		return uint32(k), k >= 0
	})
}

// StrCountMatches returns the number of non-overlapping matches of pat in
// every string as UInt32.
func StrCountMatches(mem memory.Allocator, a arrow.Array, pat Value, literal bool) (arrow.Array, error) {
	return matchCount(mem, a, pat, literal, true, func(p *Pattern, s string) (uint32, bool) {
		return uint32(p.count(s)), true
	})
}

func matchCount(mem memory.Allocator, a arrow.Array, pat Value, literal, strict bool,
	f func(p *Pattern, s string) (uint32, bool)) (arrow.Array, error) {
	n := a.Len()
	pa, err := newPatternArg(pat, literal, strict)
	if err != nil {
		return nil, err
	}
	t := arrow.PrimitiveTypes.Uint32
	if pa.scalar && pa.one == nil {
		return allNull(mem, t, n), nil
	}
	c := newStrCol(a)
	buf, out := allocValues[uint32](mem, n)
	valid := validBits(mem, a, n)
	vb := valid.Bytes()
	for i := range n {
		out[i] = 0
		if !bitutil.BitIsSet(vb, i) {
			continue
		}
		p, err := pa.at(i)
		if err != nil {
			buf.Release()
			valid.Release()
			return nil, err
		}
		if p == nil {
			bitutil.ClearBit(vb, i)
			continue
		}
		s := c.at(i)
		if err := p.check(s); err != nil {
			buf.Release()
			valid.Release()
			return nil, err
		}
		v, ok := f(p, s)
		if !ok {
			bitutil.ClearBit(vb, i)
			continue
		}
		out[i] = v
	}
	return makeArray(t, n, valid, buf), nil
}

// StrReplace replaces the first n matches of pat (every match when n < 0)
// in every string by val. With a regular expression val may refer to
// groups as $1, ${name} ($$ for a dollar); with literal it is inserted as
// it is. pat must be a scalar; val may be a column; where val is null the
// string is kept as it is (as Polars).
func StrReplace(mem memory.Allocator, a arrow.Array, pat, val Value, literal bool, n int) (arrow.Array, error) {
	if !pat.IsScalar() {
		return nil, core.Errorf(core.KindNotSupported, "str.replace with a pattern that differs per row is not supported")
	}
	src, ok := pat.Scalar.(string)
	if !ok {
		return allNull(mem, arrow.BinaryTypes.String, a.Len()), nil
	}
	p, err := CompilePattern(src, literal)
	if err != nil {
		return nil, err
	}
	c := newStrCol(a)
	vals := newArgAt(val)
	return mapStrings(mem, a, c.dataLen(), func(i int, s string, w *strOut) error {
		v, ok := vals.at(i)
		if !ok || n == 0 { // as Polars: a null replacement leaves the string as it is
			w.str(s)
			return nil
		}
		if err := p.check(s); err != nil {
			return err
		}
		expand := !literal && strings.IndexByte(v, '$') >= 0
		dst := w.scratch[:0]
		switch {
		case p.isLit && !expand && p.lit == "":
			dst = append(dst, strings.Replace(s, "", v, n)...)
		case p.isLit && !expand:
			k := strings.Index(s, p.lit)
			if k < 0 {
				w.str(s)
				return nil
			}
			for done := 0; k >= 0 && (n < 0 || done < n); done++ {
				dst = append(dst, s[:k]...)
				dst = append(dst, v...)
				s = s[k+len(p.lit):]
				k = strings.Index(s, p.lit)
			}
			dst = append(dst, s...)
		case !expand: // no group references: plain match positions are cheaper
			ms := p.re.FindAllStringIndex(s, n)
			if len(ms) == 0 {
				w.str(s)
				return nil
			}
			last := 0
			for _, m := range ms {
				dst = append(dst, s[last:m[0]]...)
				dst = append(dst, v...)
				last = m[1]
			}
			dst = append(dst, s[last:]...)
		default:
			ms := p.re.FindAllStringSubmatchIndex(s, n)
			if len(ms) == 0 {
				w.str(s)
				return nil
			}
			last := 0
			for _, m := range ms {
				dst = append(dst, s[last:m[0]]...)
				dst = p.re.ExpandString(dst, v, s, m)
				last = m[1]
			}
			dst = append(dst, s[last:]...)
		}
		w.scratch = dst
		w.bytes(dst)
		return nil
	})
}

// --- parsing numbers -------------------------------------------------------------------

// StrToInteger parses every string as an integer of type to in base (2 to
// 36), as Rust's from_str_radix: an optional sign ('+' only for unsigned
// types), then digits, nothing else. A string that does not parse or does
// not fit is an error when strict, otherwise null.
func StrToInteger(mem memory.Allocator, a arrow.Array, base int, to arrow.DataType, strict bool) (arrow.Array, error) {
	switch to.ID() {
	case arrow.INT8:
		return parseInts[int8](mem, a, base, to, strict)
	case arrow.INT16:
		return parseInts[int16](mem, a, base, to, strict)
	case arrow.INT32:
		return parseInts[int32](mem, a, base, to, strict)
	case arrow.INT64:
		return parseInts[int64](mem, a, base, to, strict)
	case arrow.UINT8:
		return parseInts[uint8](mem, a, base, to, strict)
	case arrow.UINT16:
		return parseInts[uint16](mem, a, base, to, strict)
	case arrow.UINT32:
		return parseInts[uint32](mem, a, base, to, strict)
	case arrow.UINT64:
		return parseInts[uint64](mem, a, base, to, strict)
	}
	return nil, core.Errorf(core.KindInvalidInput, "str.to_integer needs an integer data type, got %s", core.DTypeName(to))
}

func parseInts[T Int](mem memory.Allocator, a arrow.Array, base int, to arrow.DataType, strict bool) (arrow.Array, error) {
	if base < 2 || base > 36 {
		return nil, core.Errorf(core.KindCompute, "str.to_integer base must be between 2 and 36, got %d", base)
	}
	n := a.Len()
	c := newStrCol(a)
	size := int(unsafe.Sizeof(T(0))) * 8
	signed := core.IsSigned(to)
	buf, out := allocValues[T](mem, n)
	valid := validBits(mem, a, n)
	vb := valid.Bytes()
	failed, first := 0, ""
	for i := range n {
		out[i] = 0
		if !bitutil.BitIsSet(vb, i) {
			continue
		}
		s := c.at(i)
		var err error
		if signed {
			var v int64
			v, err = strconv.ParseInt(s, base, size)
			out[i] = T(v)
		} else {
			var v uint64
			scanDigits := s
			if len(scanDigits) > 1 && scanDigits[0] == '+' {
				scanDigits = scanDigits[1:]
			}
			v, err = strconv.ParseUint(scanDigits, base, size)
			out[i] = T(v)
		}
		if err != nil {
			out[i] = 0
			bitutil.ClearBit(vb, i)
			if failed == 0 {
				first = strings.Clone(s)
			}
			failed++
		}
	}
	if failed > 0 && strict {
		buf.Release()
		valid.Release()
		return nil, core.Errorf(core.KindCompute,
			"strict integer parsing failed for %d value(s), the first is %q (base %d, %s); use strict=False to get nulls instead",
			failed, first, base, core.DTypeName(to))
	}
	return makeArray(to, n, valid, buf), nil
}

// --- grapheme clusters ------------------------------------------------------------------

// graphemeClass is a character's Grapheme_Cluster_Break property (UAX #29).
type graphemeClass uint8

const (
	gcOther graphemeClass = iota
	gcCR
	gcLF
	gcControl
	gcExtend
	gcZWJ
	gcRegional
	gcPrepend
	gcSpacingMark
	gcL
	gcV
	gcT
	gcLV
	gcLVT
)

// graphemeProps packs, for one character, its graphemeClass (low four
// bits) and whether it is Extended_Pictographic, an Indic conjunct consonant
// or linker (the flags below).
type graphemeProps uint8

const (
	gpClass     graphemeProps = 0x0F
	gpPict      graphemeProps = 0x10
	gpConsonant graphemeProps = 0x20
	gpLinker    graphemeProps = 0x40
)

var (
	bmpGraphemeOnce sync.Once
	bmpGrapheme     *[0x10000]graphemeProps
)

// graphemePropsOf looks r up: the Basic Multilingual Plane in a table built
// on first use (the unicode range tables cost a binary search each), the
// rest directly.
func graphemePropsOf(r rune) graphemeProps {
	if r < 0x10000 {
		bmpGraphemeOnce.Do(func() {
			t := new([0x10000]graphemeProps)
			for c := range rune(0x10000) {
				t[c] = computeGraphemeProps(c)
			}
			bmpGrapheme = t
		})
		return bmpGrapheme[r]
	}
	return computeGraphemeProps(r)
}

func computeGraphemeProps(r rune) graphemeProps {
	p := graphemeProps(graphemeOf(r))
	if isExtPict(r) {
		p |= gpPict
	}
	if incbConsonant(r) {
		p |= gpConsonant
	}
	if incbLinker(r) {
		p |= gpLinker
	}
	return p
}

// graphemeOf classifies r. The Go standard library has no
// Grapheme_Cluster_Break table, so it is derived from general categories
// and Other_Grapheme_Extend with the short exception lists of
// GraphemeBreakProperty.txt.
func graphemeOf(r rune) graphemeClass {
	switch {
	case r == '\r':
		return gcCR
	case r == '\n':
		return gcLF
	case r == 0x200D:
		return gcZWJ
	case r >= 0x1F1E6 && r <= 0x1F1FF:
		return gcRegional
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji modifiers
		return gcExtend
	case r >= 0x1100 && r <= 0x115F, r >= 0xA960 && r <= 0xA97C:
		return gcL
	case r >= 0x1160 && r <= 0x11A7, r >= 0xD7B0 && r <= 0xD7C6:
		return gcV
	case r >= 0x11A8 && r <= 0x11FF, r >= 0xD7CB && r <= 0xD7FB:
		return gcT
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 == 0 {
			return gcLV
		}
		return gcLVT
	case isPrepend(r):
		return gcPrepend
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Other_Grapheme_Extend):
		return gcExtend
	case r == 0x0E33 || r == 0x0EB3:
		return gcSpacingMark
	case unicode.Is(unicode.Mc, r):
		if notSpacingMark(r) {
			return gcOther
		}
		return gcSpacingMark
	case unicode.In(r, unicode.Cc, unicode.Zl, unicode.Zp, unicode.Cf):
		return gcControl
	}
	return gcOther
}

func isPrepend(r rune) bool {
	switch {
	case r >= 0x0600 && r <= 0x0605, r == 0x06DD, r == 0x070F, r == 0x0890, r == 0x0891, r == 0x08E2,
		r == 0x0D4E, r == 0x110BD, r == 0x110CD, r == 0x111C2, r == 0x111C3, r == 0x1193F, r == 0x11941,
		r == 0x11A3A, r >= 0x11A84 && r <= 0x11A89, r == 0x11D46, r == 0x11F02:
		return true
	}
	return false
}

// notSpacingMark lists the Mc characters that GraphemeBreakProperty.txt
// leaves out of SpacingMark.
func notSpacingMark(r rune) bool {
	switch {
	case r == 0x102B, r == 0x102C, r == 0x1038, r >= 0x1062 && r <= 0x1064, r >= 0x1067 && r <= 0x106D,
		r == 0x1083, r >= 0x1087 && r <= 0x108C, r == 0x108F, r >= 0x109A && r <= 0x109C, r == 0x1A61,
		r == 0x1A63, r == 0x1A64, r == 0xAA7B, r == 0xAA7D, r == 0x11720, r == 0x11721:
		return true
	}
	return false
}

// isExtPict approximates Extended_Pictographic (emoji-data.txt) by its ranges.
func isExtPict(r rune) bool {
	if r < 0xA9 {
		return false
	}
	if r >= 0x1F000 {
		switch {
		case r >= 0x1F1E6 && r <= 0x1F1FF, r >= 0x1F3FB && r <= 0x1F3FF:
			return false
		case r <= 0x1F0FF, r >= 0x1F10D && r <= 0x1F10F, r == 0x1F12F, r >= 0x1F16C && r <= 0x1F171,
			r == 0x1F17E, r == 0x1F17F, r == 0x1F18E, r >= 0x1F191 && r <= 0x1F19A, r >= 0x1F1AD && r <= 0x1F1FF,
			r >= 0x1F201 && r <= 0x1F20F, r == 0x1F21A, r == 0x1F22F, r >= 0x1F232 && r <= 0x1F23A,
			r >= 0x1F23C && r <= 0x1F23F, r >= 0x1F249 && r <= 0x1F53D, r >= 0x1F546 && r <= 0x1F64F,
			r >= 0x1F680 && r <= 0x1F6FF, r >= 0x1F774 && r <= 0x1F77F, r >= 0x1F7D5 && r <= 0x1F7FF,
			r >= 0x1F80C && r <= 0x1F80F, r >= 0x1F848 && r <= 0x1F84F, r >= 0x1F85A && r <= 0x1F85F,
			r >= 0x1F888 && r <= 0x1F88F, r >= 0x1F8AE && r <= 0x1F8FF, r >= 0x1F90C && r <= 0x1F93A,
			r >= 0x1F93C && r <= 0x1F945, r >= 0x1F947 && r <= 0x1FAFF, r >= 0x1FC00 && r <= 0x1FFFD:
			return true
		}
		return false
	}
	switch {
	case r == 0xA9, r == 0xAE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139, r >= 0x2194 && r <= 0x2199,
		r == 0x21A9, r == 0x21AA, r == 0x231A, r == 0x231B, r == 0x2328, r == 0x2388, r == 0x23CF,
		r >= 0x23E9 && r <= 0x23F3, r >= 0x23F8 && r <= 0x23FA, r == 0x24C2, r == 0x25AA, r == 0x25AB,
		r == 0x25B6, r == 0x25C0, r >= 0x25FB && r <= 0x25FE, r >= 0x2600 && r <= 0x2605,
		r >= 0x2607 && r <= 0x2612, r >= 0x2614 && r <= 0x2685, r >= 0x2690 && r <= 0x2705,
		r >= 0x2708 && r <= 0x2712, r == 0x2714, r == 0x2716, r == 0x271D, r == 0x2721, r == 0x2728,
		r == 0x2733, r == 0x2734, r == 0x2744, r == 0x2747, r == 0x274C, r == 0x274E, r >= 0x2753 && r <= 0x2755,
		r == 0x2757, r >= 0x2763 && r <= 0x2767, r >= 0x2795 && r <= 0x2797, r == 0x27A1, r == 0x27B0,
		r == 0x27BF, r == 0x2934, r == 0x2935, r >= 0x2B05 && r <= 0x2B07, r == 0x2B1B, r == 0x2B1C,
		r == 0x2B50, r == 0x2B55, r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}

// incbLinker and incbConsonant are the Indic_Conjunct_Break values Linker
// and Consonant (rule GB9c: a consonant, a virama, a consonant stay one
// cluster in Devanagari, Bengali, Gujarati, Oriya, Telugu and Malayalam).
func incbLinker(r rune) bool {
	switch r {
	case 0x094D, 0x09CD, 0x0ACD, 0x0B4D, 0x0C4D, 0x0D4D:
		return true
	}
	return false
}

func incbConsonant(r rune) bool {
	if r < 0x0915 || r > 0x0D7F {
		return false
	}
	switch {
	case r >= 0x0915 && r <= 0x0939, r >= 0x0958 && r <= 0x095F, r >= 0x0978 && r <= 0x097F,
		r >= 0x0995 && r <= 0x09A8, r >= 0x09AA && r <= 0x09B0, r == 0x09B2, r >= 0x09B6 && r <= 0x09B9,
		r == 0x09DC, r == 0x09DD, r == 0x09DF, r == 0x09F0, r == 0x09F1,
		r >= 0x0A95 && r <= 0x0AA8, r >= 0x0AAA && r <= 0x0AB0, r == 0x0AB2, r == 0x0AB3,
		r >= 0x0AB5 && r <= 0x0AB9, r == 0x0AF9,
		r >= 0x0B15 && r <= 0x0B28, r >= 0x0B2A && r <= 0x0B30, r == 0x0B32, r == 0x0B33,
		r >= 0x0B35 && r <= 0x0B39, r == 0x0B5C, r == 0x0B5D, r == 0x0B5F, r == 0x0B71,
		r >= 0x0C15 && r <= 0x0C28, r >= 0x0C2A && r <= 0x0C39, r >= 0x0C58 && r <= 0x0C5A,
		r >= 0x0D15 && r <= 0x0D3A:
		return true
	}
	return false
}

// graphemeBounds appends to bounds the byte offsets where the extended
// grapheme clusters of s start, followed by len(s) (rules GB3 to GB999 of
// UAX #29).
func graphemeBounds(s string, bounds []int) []int {
	bounds = append(bounds, 0)
	var prev graphemeClass
	riRun := 0    // regional indicators in a row before the current character
	pict := 0     // 1: after ExtPict Extend*, 2: after ExtPict Extend* ZWJ
	conjunct := 0 // 1: after an Indic consonant [Extend|Linker]*, 2: with a linker among them
	for i, r := range s {
		p := graphemePropsOf(r)
		c := graphemeClass(p & gpClass)
		if i > 0 && graphemeBreak(prev, c, p, riRun, pict, conjunct) {
			bounds = append(bounds, i)
		}
		switch {
		case p&gpPict != 0:
			pict = 1
		case c == gcExtend && pict == 1:
		case c == gcZWJ && pict == 1:
			pict = 2
		default:
			pict = 0
		}
		if c == gcRegional {
			riRun++
		} else {
			riRun = 0
		}
		switch {
		case p&gpConsonant != 0:
			conjunct = 1
		case p&gpLinker != 0 && conjunct > 0:
			conjunct = 2
		case (c == gcExtend || c == gcZWJ) && conjunct > 0:
		default:
			conjunct = 0
		}
		prev = c
	}
	return append(bounds, len(s))
}

func graphemeBreak(prev, c graphemeClass, p graphemeProps, riRun, pict, conjunct int) bool {
	switch {
	case prev == gcCR && c == gcLF:
		return false
	case prev == gcCR || prev == gcLF || prev == gcControl, c == gcCR || c == gcLF || c == gcControl:
		return true
	case prev == gcL && (c == gcL || c == gcV || c == gcLV || c == gcLVT),
		(prev == gcLV || prev == gcV) && (c == gcV || c == gcT),
		(prev == gcLVT || prev == gcT) && c == gcT:
		return false
	case c == gcExtend || c == gcZWJ || c == gcSpacingMark || prev == gcPrepend:
		return false
	case conjunct == 2 && p&gpConsonant != 0:
		return false
	case prev == gcZWJ && pict == 2 && p&gpPict != 0:
		return false
	case prev == gcRegional && c == gcRegional:
		return riRun%2 == 0
	}
	return true
}

// --- dates and times --------------------------------------------------------------------

// A TimeFormat is a compiled strftime-style format in the dialect of Rust's
// chrono, which Polars uses: numeric fields skip leading whitespace and take
// 1 up to their width in digits ("%m" reads "1" and "01"), a space matches
// any run of whitespace (or none), other characters match exactly, and the
// whole string must be consumed.
type TimeFormat struct {
	items                         []fmtItem
	hasHour, hasMinute, hasOffset bool
}

type fmtKind uint8

const (
	fmtLiteral fmtKind = iota
	fmtSpace
	fmtNum       // a numeric field of up to width digits
	fmtFrac      // %.f: an optional '.' and fraction digits
	fmtFracDot   // %.3f, %.6f, %.9f: an optional '.' and exactly width digits
	fmtFracFixed // %3f, %6f, %9f: exactly width digits
	fmtMonthName // %b, %h: a short month name; %B (long): a short or a long one
	fmtWeekday   // %a: a short weekday name; %A (long): a short or a long one
	fmtAmPm      // %p, %P
	fmtUTCOffset // %z, %:z (long: %#z, which also takes "Z" and no minutes)
)

type timeField uint8

const (
	tfYear timeField = iota
	tfYearMod100
	tfMonth
	tfDay
	tfOrdinal
	tfHour
	tfHour12
	tfMinute
	tfSecond
	tfNano
	tfTimestamp
	numTimeFields
)

type fmtItem struct {
	kind  fmtKind
	lit   string
	field timeField
	width int
	long  bool
}

var fmtAliases = map[byte]string{
	'F': "%Y-%m-%d", 'T': "%H:%M:%S", 'D': "%m/%d/%y", 'x': "%m/%d/%y", 'R': "%H:%M", 'X': "%H:%M:%S",
	'r': "%I:%M:%S %p", 'c': "%a %b %e %H:%M:%S %Y", 'v': "%e-%b-%Y",
}

var fmtNumbers = map[byte]fmtItem{
	'Y': {field: tfYear, width: 4}, 'y': {field: tfYearMod100, width: 2}, 'm': {field: tfMonth, width: 2},
	'd': {field: tfDay, width: 2}, 'e': {field: tfDay, width: 2}, 'j': {field: tfOrdinal, width: 3},
	'H': {field: tfHour, width: 2}, 'k': {field: tfHour, width: 2}, 'I': {field: tfHour12, width: 2},
	'l': {field: tfHour12, width: 2}, 'M': {field: tfMinute, width: 2}, 'S': {field: tfSecond, width: 2},
	'f': {field: tfNano, width: 9}, 's': {field: tfTimestamp, width: 19},
}

var timeFormats struct {
	sync.Mutex
	m map[string]*TimeFormat
}

// CompileTimeFormat compiles a strftime-style format. Directives alopex
// does not parse (time zone names, week numbers) are NotSupportedError,
// unknown ones ComputeError.
func CompileTimeFormat(src string) (*TimeFormat, error) {
	timeFormats.Lock()
	f, ok := timeFormats.m[src]
	timeFormats.Unlock()
	if ok {
		return f, nil
	}
	f = &TimeFormat{}
	if err := f.compile(src, src); err != nil {
		return nil, err
	}
	timeFormats.Lock()
	if timeFormats.m == nil || len(timeFormats.m) >= maxCachedPatterns {
		timeFormats.m = map[string]*TimeFormat{}
	}
	timeFormats.m[strings.Clone(src)] = f
	timeFormats.Unlock()
	return f, nil
}

// CheckTimeFormat checks a format at plan time; datetime formats must give
// the hour and the minute together or neither (as Polars). It reports
// whether the format reads a UTC offset (%z), which makes a UTC result.
func CheckTimeFormat(src string, datetime bool) (hasOffset bool, err error) {
	f, err := CompileTimeFormat(src)
	if err != nil {
		return false, err
	}
	if datetime && f.hasHour != f.hasMinute {
		return false, core.Errorf(core.KindCompute,
			"invalid format %q: give both the hour and the minute, or neither", src).With("format", src)
	}
	return f.hasOffset, nil
}

func (f *TimeFormat) compile(src, whole string) error {
	bad := func(kind core.Kind, what string) error {
		return core.Errorf(kind, "invalid format %q: %s", whole, what).With("format", whole)
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '%' {
			r, size := utf8.DecodeRuneInString(src[i:])
			if unicode.IsSpace(r) {
				f.space()
			} else {
				f.literal(src[i : i+size])
			}
			i += size - 1
			continue
		}
		i++
		if i >= len(src) {
			return bad(core.KindCompute, "it ends with a lone %")
		}
		if src[i] == '-' || src[i] == '_' || src[i] == '0' { // padding flags: irrelevant when parsing
			i++
		}
		long := false
		if i < len(src) && (src[i] == ':' || src[i] == '#') {
			long = src[i] == '#'
			i++
			if i >= len(src) || src[i] != 'z' {
				return bad(core.KindCompute, "':' and '#' only go with %z")
			}
		}
		if i >= len(src) {
			return bad(core.KindCompute, "it ends with an unfinished directive")
		}
		d := src[i]
		switch {
		case d == '%':
			f.literal("%")
		case d == 'n' || d == 't':
			f.space()
		case fmtAliases[d] != "":
			if err := f.compile(fmtAliases[d], whole); err != nil {
				return err
			}
		case fmtNumbers[d] != fmtItem{}:
			it := fmtNumbers[d]
			it.kind = fmtNum
			f.items = append(f.items, it)
			f.hasHour = f.hasHour || it.field == tfHour || it.field == tfHour12
			f.hasMinute = f.hasMinute || it.field == tfMinute
		case d == '.' && i+1 < len(src) && src[i+1] == 'f':
			f.items = append(f.items, fmtItem{kind: fmtFrac})
			i++
		case d == '.' && i+2 < len(src) && strings.IndexByte("369", src[i+1]) >= 0 && src[i+2] == 'f':
			f.items = append(f.items, fmtItem{kind: fmtFracDot, width: int(src[i+1] - '0')})
			i += 2
		case strings.IndexByte("369", d) >= 0 && i+1 < len(src) && src[i+1] == 'f':
			f.items = append(f.items, fmtItem{kind: fmtFracFixed, width: int(d - '0')})
			i++
		case d == 'b' || d == 'h' || d == 'B':
			f.items = append(f.items, fmtItem{kind: fmtMonthName, long: d == 'B'})
		case d == 'a' || d == 'A':
			f.items = append(f.items, fmtItem{kind: fmtWeekday, long: d == 'A'})
		case d == 'p' || d == 'P':
			f.items = append(f.items, fmtItem{kind: fmtAmPm})
		case d == 'z':
			f.items = append(f.items, fmtItem{kind: fmtUTCOffset, long: long})
			f.hasOffset = true
		case strings.IndexByte("ZCuwUWVGg", d) >= 0:
			return bad(core.KindNotSupported, "alopex does not parse %"+string(d)+
				" (time zone names, centuries, week numbers and weekday numbers)")
		default:
			return bad(core.KindCompute, "unknown directive %"+string(d))
		}
	}
	return nil
}

func (f *TimeFormat) space() {
	if n := len(f.items); n == 0 || f.items[n-1].kind != fmtSpace {
		f.items = append(f.items, fmtItem{kind: fmtSpace})
	}
}

func (f *TimeFormat) literal(s string) {
	if n := len(f.items); n > 0 && f.items[n-1].kind == fmtLiteral {
		f.items[n-1].lit += s
		return
	}
	f.items = append(f.items, fmtItem{kind: fmtLiteral, lit: s})
}

// parsedTime holds the fields read from one string.
type parsedTime struct {
	v       [numTimeFields]int64
	has     [numTimeFields]bool
	pm      int8 // 0 unknown, 1 am, 2 pm
	weekday int8 // 0 unknown, 1 Monday .. 7 Sunday
	offset  int64
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}
var weekdayNames = [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// matchName matches a month or weekday name, case-insensitively: its first
// three letters and, with long, the rest of the full name when it follows
// (as chrono).
func matchName(s string, names []string, long bool) (int, string, bool) {
	if len(s) < 3 {
		return 0, s, false
	}
	for k, name := range names {
		if !strings.EqualFold(s[:3], name[:3]) {
			continue
		}
		s = s[3:]
		if rest := name[3:]; long && len(s) >= len(rest) && strings.EqualFold(s[:len(rest)], rest) {
			s = s[len(rest):]
		}
		return k, s, true
	}
	return 0, s, false
}

// scanDigits reads 1 to max ASCII digits.
func scanDigits(s string, max int) (int64, string, bool) {
	var v int64
	i := 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int64(s[i]-'0')
		i++
	}
	return v, s[i:], i > 0
}

func (f *TimeFormat) parse(s string, p *parsedTime) bool {
	*p = parsedTime{}
	ok := true
	for _, it := range f.items {
		switch it.kind {
		case fmtLiteral:
			if !strings.HasPrefix(s, it.lit) {
				return false
			}
			s = s[len(it.lit):]
		case fmtSpace:
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
		case fmtNum:
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
			neg := false
			width := it.width
			if (it.field == tfYear || it.field == tfTimestamp) && s != "" && (s[0] == '-' || s[0] == '+') {
				neg, s, width = s[0] == '-', s[1:], 18
			}
			var v int64
			if v, s, ok = scanDigits(s, width); !ok {
				return false
			}
			if neg {
				v = -v
			}
			p.v[it.field], p.has[it.field] = v, true
		case fmtFrac:
			if s == "" || s[0] != '.' {
				continue
			}
			var v int64
			start := s[1:]
			if v, s, ok = scanDigits(start, 9); !ok {
				return false
			}
			for k := len(start) - len(s); k < 9; k++ {
				v *= 10
			}
			s = strings.TrimLeft(s, "0123456789")
			p.v[tfNano], p.has[tfNano] = v, true
		case fmtFracDot, fmtFracFixed:
			if it.kind == fmtFracDot {
				if s == "" || s[0] != '.' {
					continue
				}
				s = s[1:]
			}
			var v int64
			rest := s
			if v, s, ok = scanDigits(s, it.width); !ok || len(rest)-len(s) != it.width {
				return false
			}
			for k := it.width; k < 9; k++ {
				v *= 10
			}
			p.v[tfNano], p.has[tfNano] = v, true
		case fmtMonthName:
			var k int
			if k, s, ok = matchName(s, monthNames[:], it.long); !ok {
				return false
			}
			p.v[tfMonth], p.has[tfMonth] = int64(k+1), true
		case fmtWeekday:
			var k int
			if k, s, ok = matchName(s, weekdayNames[:], it.long); !ok {
				return false
			}
			p.weekday = int8(k + 1)
		case fmtAmPm:
			if len(s) < 2 {
				return false
			}
			switch {
			case strings.EqualFold(s[:2], "am"):
				p.pm = 1
			case strings.EqualFold(s[:2], "pm"):
				p.pm = 2
			default:
				return false
			}
			s = s[2:]
		case fmtUTCOffset:
			if it.long && s != "" && (s[0] == 'Z' || s[0] == 'z') {
				s = s[1:]
				continue
			}
			if s == "" || (s[0] != '+' && s[0] != '-') {
				return false
			}
			sign := int64(1)
			if s[0] == '-' {
				sign = -1
			}
			var h, m int64
			if len(s) < 3 || !allDigits(s[1:3]) {
				return false
			}
			h, s = int64(s[1]-'0')*10+int64(s[2]-'0'), s[3:]
			if s != "" && (s[0] == ':' || s[0] == ' ') {
				s = s[1:]
			}
			if len(s) >= 2 && allDigits(s[:2]) {
				m, s = int64(s[0]-'0')*10+int64(s[1]-'0'), s[2:]
			} else if !it.long {
				return false
			}
			if h > 23 || m > 59 {
				return false
			}
			p.offset = sign * (h*3600 + m*60)
		}
	}
	return s == ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const maxParsedYear = 262142 // chrono's range

func monthLength(y, m int64) int64 {
	switch m {
	case 2:
		if core.IsLeapYear(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// resolve turns the parsed fields into days since the epoch and seconds
// and nanoseconds into the day, in UTC when an offset was read.
func (p *parsedTime) resolve() (days, secs, nanos int64, ok bool) {
	if p.has[tfTimestamp] {
		ts := p.v[tfTimestamp]
		days = ts / 86400
		secs = ts % 86400
		if secs < 0 {
			days, secs = days-1, secs+86400
		}
		return days, secs, p.v[tfNano], p.v[tfNano] < 1e9
	}
	var y int64
	switch {
	case p.has[tfYear]:
		y = p.v[tfYear]
	case p.has[tfYearMod100]:
		y = p.v[tfYearMod100] + 1900
		if y < 1970 {
			y += 100
		}
	default:
		return 0, 0, 0, false
	}
	if y < -maxParsedYear || y > maxParsedYear {
		return 0, 0, 0, false
	}
	if p.has[tfOrdinal] {
		o := p.v[tfOrdinal]
		n := int64(365)
		if core.IsLeapYear(y) {
			n = 366
		}
		if o < 1 || o > n {
			return 0, 0, 0, false
		}
		days = core.DaysFromCivil(y, 1, 1) + o - 1
	} else {
		m, d := int64(1), int64(1)
		if p.has[tfMonth] {
			m = p.v[tfMonth]
		}
		if p.has[tfDay] {
			d = p.v[tfDay]
		}
		if m < 1 || m > 12 || d < 1 || d > monthLength(y, m) {
			return 0, 0, 0, false
		}
		days = core.DaysFromCivil(y, int(m), int(d))
	}
	if p.weekday != 0 && int8(((days+3)%7+7)%7+1) != p.weekday {
		return 0, 0, 0, false
	}
	var h int64
	switch {
	case p.has[tfHour12]:
		h = p.v[tfHour12]
		if h < 1 || h > 12 || p.pm == 0 {
			return 0, 0, 0, false
		}
		h %= 12
		if p.pm == 2 {
			h += 12
		}
	case p.has[tfHour]:
		h = p.v[tfHour]
		if h > 23 || p.pm != 0 && (h >= 12) != (p.pm == 2) {
			return 0, 0, 0, false
		}
	}
	mi, sec := p.v[tfMinute], p.v[tfSecond] // a leap second (60) carries into the next minute
	if mi > 59 || sec > 60 || p.v[tfNano] >= 1e9 {
		return 0, 0, 0, false
	}
	secs = h*3600 + mi*60 + sec - p.offset
	return days, secs, p.v[tfNano], true
}

// isoDate and isoDatetime are the formats tried when none is given.
var (
	isoDate     = []string{"%Y-%m-%d"}
	isoDatetime = []string{"%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"}
)

func timeFormatsFor(format string, iso []string) ([]*TimeFormat, error) {
	srcs := iso
	if format != "" {
		srcs = []string{format}
	}
	out := make([]*TimeFormat, len(srcs))
	for i, s := range srcs {
		f, err := CompileTimeFormat(s)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// StrToDate parses every string as a Date (Arrow date32) with a strftime
// format; with format "" ISO 8601 dates (YYYY-MM-DD). A string that does
// not parse is an error when strict, otherwise null.
func StrToDate(mem memory.Allocator, a arrow.Array, format string, strict bool) (arrow.Array, error) {
	fs, err := timeFormatsFor(format, isoDate)
	if err != nil {
		return nil, err
	}
	return parseTimes[int32](mem, a, fs, arrow.FixedWidthTypes.Date32, format, strict,
		func(days, _, _ int64) (int32, bool) { return int32(days), true })
}

// StrToDatetime parses every string as a Datetime (Arrow timestamp of to's
// unit) with a strftime format; with format "" ISO 8601 date-times
// (YYYY-MM-DD, then optionally T or a space and HH:MM[:SS[.fraction]]).
// Times read with a UTC offset (%z) are converted to UTC.
func StrToDatetime(mem memory.Allocator, a arrow.Array, format string, to *arrow.TimestampType, strict bool) (arrow.Array, error) {
	fs, err := timeFormatsFor(format, isoDatetime)
	if err != nil {
		return nil, err
	}
	perSec, perNano := int64(1_000_000), int64(1000)
	switch to.Unit {
	case arrow.Second:
		perSec, perNano = 1, 1_000_000_000
	case arrow.Millisecond:
		perSec, perNano = 1000, 1_000_000
	case arrow.Nanosecond:
		perSec, perNano = 1_000_000_000, 1
	}
	return parseTimes[int64](mem, a, fs, to, format, strict, func(days, secs, nanos int64) (int64, bool) {
		t := days*86400 + secs
		if t > math.MaxInt64/perSec-1 || t < math.MinInt64/perSec+1 {
			return 0, false
		}
		return t*perSec + nanos/perNano, true
	})
}

func parseTimes[T int32 | int64](mem memory.Allocator, a arrow.Array, fs []*TimeFormat, to arrow.DataType,
	format string, strict bool, encode func(days, secs, nanos int64) (T, bool)) (arrow.Array, error) {
	n := a.Len()
	c := newStrCol(a)
	buf, out := allocValues[T](mem, n)
	valid := validBits(mem, a, n)
	vb := valid.Bytes()
	var p parsedTime
	failed, first := 0, ""
	for i := range n {
		out[i] = 0
		if !bitutil.BitIsSet(vb, i) {
			continue
		}
		s := c.at(i)
		ok := false
		for _, f := range fs {
			if f.parse(s, &p) {
				var days, secs, nanos int64
				if days, secs, nanos, ok = p.resolve(); ok {
					out[i], ok = encode(days, secs, nanos)
				}
				break
			}
		}
		if !ok {
			bitutil.ClearBit(vb, i)
			if failed == 0 {
				first = strings.Clone(s)
			}
			failed++
		}
	}
	if failed > 0 && strict {
		buf.Release()
		valid.Release()
		shown := "ISO 8601"
		if format != "" {
			shown = strconv.Quote(format)
		}
		return nil, core.Errorf(core.KindCompute,
			"cannot parse %d value(s) as %s with format %s, the first is %q; use strict=False to get nulls instead",
			failed, core.DTypeName(to), shown, first)
	}
	return makeArray(to, n, valid, buf), nil
}
