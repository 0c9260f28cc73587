package kernels

// Case mapping, as Polars (Unicode's full mappings, final sigma).

import (
	"math"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

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
