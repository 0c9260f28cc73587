package kernels

// Grapheme clusters (Unicode UAX #29), for reversing strings by
// user-perceived character as Polars does.

import (
	"sync"
	"unicode"
)

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
