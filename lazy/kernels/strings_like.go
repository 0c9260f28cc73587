package kernels

// A matcher for the patterns SQL LIKE writes and most regular expressions
// in str.contains are: literal text separated by "any characters" (% in
// LIKE, .* in a regex) and "one character" (_ , .), anchored at either end
// or not. It searches segment after segment with a substring search instead
// of running the regex engine (TPC-H Q13's "special.*requests" spent a
// quarter of the query in Go's regexp).

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// likePart is skip characters (any, one each) followed by the literal lit.
type likePart struct {
	skip int
	lit  string
}

// likeSeg is a run of the pattern between two "any characters" wildcards:
// fixed in length (in characters), matched as a whole.
type likeSeg []likePart

// likeMatcher tests a string against segments separated by "any
// characters", the first anchored at the start and the last at the end
// when the pattern says so.
type likeMatcher struct {
	segs                   []likeSeg
	anchorStart, anchorEnd bool
	// needle is the longest literal of the pattern: every matching string
	// contains it, so a search over a whole column can skip to its rows.
	needle string
	// newlineExact is false when a wildcard came from a regex '.' without
	// (?s), which does not match \n: the matcher then answers a superset
	// (it lets the wildcard match \n), exact for rows without a \n.
	newlineExact bool
}

// match reports whether s matches the whole pattern.
func (m *likeMatcher) match(s string) bool {
	segs := m.segs
	pos := 0
	if m.anchorStart {
		if len(segs) == 0 { // "" or ^$
			return !m.anchorEnd || s == ""
		}
		end, ok := segMatchAt(s, 0, segs[0])
		if !ok {
			return false
		}
		pos, segs = end, segs[1:]
		if len(segs) == 0 && m.anchorEnd {
			return pos == len(s)
		}
	}
	var last likeSeg
	if m.anchorEnd && len(segs) > 0 {
		last, segs = segs[len(segs)-1], segs[:len(segs)-1]
	}
	for _, seg := range segs {
		end, ok := segFind(s, pos, seg)
		if !ok {
			return false
		}
		pos = end
	}
	if last != nil {
		start, ok := segMatchBack(s, last)
		return ok && start >= pos
	}
	return true
}

// segMatchAt matches seg exactly at byte pos of s and returns where it ends.
func segMatchAt(s string, pos int, seg likeSeg) (int, bool) {
	for _, p := range seg {
		var ok bool
		if pos, ok = skipChars(s, pos, p.skip); !ok {
			return 0, false
		}
		if !strings.HasPrefix(s[pos:], p.lit) {
			return 0, false
		}
		pos += len(p.lit)
	}
	return pos, true
}

// segFind finds the leftmost match of seg starting at or after pos and
// returns where it ends. The leftmost match also ends first (a segment is a
// fixed number of characters), which leaves the most room to the segments
// after it, so taking it never misses a match of the whole pattern.
func segFind(s string, pos int, seg likeSeg) (int, bool) {
	first := seg[0]
	if first.lit == "" { // only one-character wildcards
		return skipChars(s, pos, first.skip)
	}
	from := pos
	for from <= len(s) {
		k := strings.Index(s[from:], first.lit)
		if k < 0 {
			return 0, false
		}
		k += from
		if start, ok := backChars(s, k, first.skip); ok && start >= pos {
			if end, ok := segMatchAt(s, k+len(first.lit), seg[1:]); ok {
				return end, true
			}
		}
		from = k + 1
	}
	return 0, false
}

// segMatchBack matches seg so that it ends at the end of s and returns
// where it starts.
func segMatchBack(s string, seg likeSeg) (int, bool) {
	end := len(s)
	for i := len(seg) - 1; i >= 0; i-- {
		p := seg[i]
		if !strings.HasSuffix(s[:end], p.lit) {
			return 0, false
		}
		var ok bool
		if end, ok = backChars(s, end-len(p.lit), p.skip); !ok {
			return 0, false
		}
	}
	return end, true
}

// skipChars moves n characters (UTF-8 sequences; an invalid byte counts as
// one, as in the regex engine) forward from pos.
func skipChars(s string, pos, n int) (int, bool) {
	for ; n > 0; n-- {
		if pos >= len(s) {
			return 0, false
		}
		if s[pos] < utf8.RuneSelf {
			pos++
			continue
		}
		_, w := utf8.DecodeRuneInString(s[pos:])
		pos += w
	}
	return pos, true
}

// backChars moves n characters backward from pos.
func backChars(s string, pos, n int) (int, bool) {
	for ; n > 0; n-- {
		if pos <= 0 {
			return 0, false
		}
		if s[pos-1] < utf8.RuneSelf {
			pos--
			continue
		}
		_, w := utf8.DecodeLastRuneInString(s[:pos])
		pos -= w
	}
	return pos, true
}

// likeBuilder collects a pattern into segments.
type likeBuilder struct {
	m       likeMatcher
	cur     likeSeg
	lit     strings.Builder
	lastAny bool // the pattern so far ends in an "any characters"
}

func (b *likeBuilder) literal(s string) {
	b.lit.WriteString(s)
	b.lastAny = false
}

// oneChar adds a one-character wildcard, merged into the skip of a part
// that has no literal yet.
func (b *likeBuilder) oneChar() {
	b.flushLit()
	b.lastAny = false
	if n := len(b.cur); n > 0 && b.cur[n-1].lit == "" {
		b.cur[n-1].skip++
		return
	}
	b.cur = append(b.cur, likePart{skip: 1})
}

// any adds an "any characters" wildcard: the current segment ends (a
// leading one unanchors the start).
func (b *likeBuilder) any() {
	b.flushLit()
	b.lastAny = true
	if len(b.cur) > 0 {
		b.m.segs = append(b.m.segs, b.cur)
		b.cur = nil
	} else if len(b.m.segs) == 0 {
		b.m.anchorStart = false
	}
}

// flushLit ends the pending literal: it completes a part of skips only, or
// starts a part of its own.
func (b *likeBuilder) flushLit() {
	if b.lit.Len() == 0 {
		return
	}
	lit := b.lit.String()
	b.lit.Reset()
	if len(lit) > len(b.m.needle) {
		b.m.needle = lit
	}
	if n := len(b.cur); n > 0 && b.cur[n-1].lit == "" {
		b.cur[n-1].lit = lit
		return
	}
	b.cur = append(b.cur, likePart{lit: lit})
}

// finish ends the pattern; anchorEnd says it must match up to the end of
// the string (a trailing "any characters" makes that moot).
func (b *likeBuilder) finish(anchorEnd bool) *likeMatcher {
	b.flushLit()
	if len(b.cur) > 0 {
		b.m.segs = append(b.m.segs, b.cur)
	}
	b.m.anchorEnd = anchorEnd && !b.lastAny
	return &b.m
}

// likeFromRegex returns a matcher exactly equivalent to re for containment
// (does some substring match), or nil when re is anything but a
// concatenation of case-sensitive literals, '.', '.*', '.+', '.{n}',
// '.{n,}', a leading ^ and a trailing $.
func likeFromRegex(re *syntax.Regexp) *likeMatcher {
	b := &likeBuilder{}
	b.m.newlineExact = true
	items := flattenConcat(re, nil)
	anchorEnd := false
	for i, it := range items {
		switch it.Op {
		case syntax.OpBeginText:
			if i != 0 {
				return nil
			}
			b.m.anchorStart = true
		case syntax.OpEndText:
			if i != len(items)-1 {
				return nil
			}
			anchorEnd = true
		case syntax.OpEmptyMatch:
		case syntax.OpLiteral:
			if it.Flags&syntax.FoldCase != 0 {
				return nil
			}
			for _, r := range it.Rune {
				if r == utf8.RuneError { // matches an invalid byte in the regex engine
					return nil
				}
			}
			b.literal(string(it.Rune))
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.noteDot(it.Op)
			b.oneChar()
		case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
			sub := it.Sub[0]
			if sub.Op != syntax.OpAnyChar && sub.Op != syntax.OpAnyCharNotNL {
				return nil
			}
			b.noteDot(sub.Op)
			lo, hi := 0, -1
			switch it.Op {
			case syntax.OpPlus:
				lo = 1
			case syntax.OpRepeat:
				lo, hi = it.Min, it.Max
			}
			for range lo {
				b.oneChar()
			}
			if hi < 0 {
				b.any()
			} else if hi != lo {
				return nil
			}
		default:
			return nil
		}
	}
	if !anchorEnd {
		b.any()
	}
	return b.finish(anchorEnd)
}

func (b *likeBuilder) noteDot(op syntax.Op) {
	if op == syntax.OpAnyCharNotNL {
		b.m.newlineExact = false
	}
}

// flattenConcat lists the items of a concatenation, looking through
// capture groups (they do not change whether a string matches).
func flattenConcat(re *syntax.Regexp, out []*syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpConcat:
		for _, s := range re.Sub {
			out = flattenConcat(s, out)
		}
	case syntax.OpCapture:
		out = flattenConcat(re.Sub[0], out)
	default:
		out = append(out, re)
	}
	return out
}

// requiredLiteral returns the longest case-sensitive literal that every
// match of re contains ("" for none): rows without it need no regex run.
func requiredLiteral(re *syntax.Regexp) string {
	best := ""
	for _, it := range flattenConcat(re, nil) {
		if it.Op != syntax.OpLiteral || it.Flags&syntax.FoldCase != 0 {
			continue
		}
		if s := string(it.Rune); len(s) > len(best) && !strings.ContainsRune(s, utf8.RuneError) {
			best = s
		}
	}
	return best
}

// finder searches for a literal by its rarest byte (by English text's
// letter frequencies): memchr-speed IndexByte over the haystack stops only
// where that byte is, where the first byte of a word like "requests" stops
// every few characters.
type finder struct {
	lit  string
	rare int // index in lit of the byte searched for
}

// commonBytes lists bytes from the most to the least frequent in English
// text; bytes not listed are taken as rarer than all of them.
const commonBytes = " etaoinsrhldcumfpgwybvk,.xjqzETAOINSRHLDCUMFPGWYBVK0123456789-'\"XJQZ"

func newFinder(lit string) finder {
	f := finder{lit: lit}
	best := -1
	for i := 0; i < len(lit); i++ {
		rank := strings.IndexByte(commonBytes, lit[i])
		if rank < 0 {
			rank = len(commonBytes)
		}
		if rank > best {
			best, f.rare = rank, i
		}
	}
	return f
}

// index returns the byte offset of the first occurrence of f.lit in h, or
// -1; lit must not be empty.
func (f *finder) index(h string) int {
	n, r := len(f.lit), f.rare
	if r == 0 { // strings.Index scans for the first byte, and better
		return strings.Index(h, f.lit)
	}
	c := f.lit[r]
	for i := 0; i+n <= len(h); {
		k := strings.IndexByte(h[i+r:len(h)-n+r+1], c)
		if k < 0 {
			return -1
		}
		start := i + k
		if h[start:start+n] == f.lit {
			return start
		}
		i = start + 1
	}
	return -1
}
