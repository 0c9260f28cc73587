package kernels

// Lengths, reverse, slicing, padding and stripping, prefixes and suffixes
// (strings_io.go says how every string kernel reads and writes).

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

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
