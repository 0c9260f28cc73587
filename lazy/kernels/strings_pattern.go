package kernels

// Patterns: regular expressions (Rust regex syntax translated to Go's) and
// literal substrings for contains, find, count_matches and replace.

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

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
	// like matches re without the regex engine when re is literal text and
	// wildcards (see likeFromRegex); nil otherwise.
	like *likeMatcher
	// need is a literal every match contains, tested before running re
	// (when like is nil; like has its own).
	need string
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
		default:
			if p.like = likeFromRegex(parsed); p.like == nil {
				p.need = requiredLiteral(parsed)
			}
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
	if m := p.like; m != nil {
		// Where the matcher's wildcards may differ from the regex's (a '.'
		// that does not match \n), rows with a \n go to the regex.
		if !m.match(s) {
			return false
		}
		if m.newlineExact || strings.IndexByte(s, '\n') < 0 {
			return true
		}
	} else if p.need != "" && !strings.Contains(s, p.need) {
		return false
	}
	return p.re.MatchString(s)
}

// needle returns a literal that every string containing a match contains
// ("" for none).
func (p *Pattern) needle() string {
	switch {
	case p.isLit:
		return p.lit
	case p.like != nil:
		return p.like.needle
	}
	return p.need
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
	if p := pa.one; p != nil && p.isLit && p.lit == "" {
		bitutil.SetBitsTo(out, 0, int64(n), true)
		return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, buf), nil
	}
	if p := pa.one; p != nil && p.needle() != "" && (c.off32 != nil || c.off64 != nil) {
		var err error
		if c.off32 != nil {
			err = containsAcross(c.off32, c.data, p, vb, out)
		} else {
			err = containsAcross(c.off64, c.data, p, vb, out)
		}
		if err != nil {
			buf.Release()
			valid.Release()
			return nil, err
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

// containsAcross sets bit i of out when valid row i contains a match of p,
// which has a needle (every match contains it): the values buffer is
// searched as a whole for the needle, and only the rows it is found in are
// tested further (a literal pattern needs no more).
func containsAcross[O int32 | int64](offs []O, data string, p *Pattern, valid, out []byte) error {
	f := newFinder(p.needle())
	for row := nextRowWith(offs, data, &f, 0); row >= 0; row = nextRowWith(offs, data, &f, row+1) {
		if p.isLit {
			bitutil.SetBit(out, row)
			continue
		}
		if !bitutil.BitIsSet(valid, row) {
			continue
		}
		s := data[offs[row]:offs[row+1]]
		if err := p.check(s); err != nil {
			return err
		}
		if p.contains(s) {
			bitutil.SetBit(out, row)
		}
	}
	return nil
}

// nextRowWith returns the first row from row on that contains f's literal
// (non-empty), or -1. One search over the values buffer finds the next
// occurrence in any row; one that crosses into the next row only moves the
// search to that row's start.
func nextRowWith[O int32 | int64](offs []O, data string, f *finder, row int) int {
	lit := f.lit
	n := len(offs) - 1
	end := int(offs[n])
	for row < n {
		pos := int(offs[row])
		k := f.index(data[pos:end])
		if k < 0 {
			return -1
		}
		m := pos + k
		for int(offs[row+1]) <= m {
			row++
		}
		if m+len(lit) <= int(offs[row+1]) {
			return row
		}
		row++
	}
	return -1
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
