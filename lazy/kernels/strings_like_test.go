package kernels

import (
	"math/rand"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// likeAlphabet mixes ASCII, multi-byte characters, a newline and the
// characters LIKE and regexes treat specially.
var likeAlphabet = []string{"a", "b", "ab", "é", "日", "\n", ".", "%", "_", "\xff"}

// randomLikeRegex builds a regex of the shapes likeFromRegex takes:
// literals, '.', '.*', '.+', '.{n}', '.{n,}', anchors, (?s), captures.
func randomLikeRegex(rng *rand.Rand) string {
	var b strings.Builder
	if rng.Intn(3) == 0 {
		b.WriteString("(?s)")
	}
	if rng.Intn(3) == 0 {
		b.WriteString("^")
	}
	for range 1 + rng.Intn(4) {
		switch rng.Intn(9) {
		case 0:
			b.WriteString(".")
		case 1, 2:
			b.WriteString(".*")
		case 3:
			b.WriteString(".+")
		case 4:
			b.WriteString(".{2}")
		case 5:
			b.WriteString(".{1,}")
		case 6:
			b.WriteString("(" + regexp.QuoteMeta(likeAlphabet[rng.Intn(5)]) + ")")
		default:
			b.WriteString(regexp.QuoteMeta(likeAlphabet[rng.Intn(len(likeAlphabet)-1)]))
		}
	}
	if rng.Intn(3) == 0 {
		b.WriteString("$")
	}
	return b.String()
}

func randomLikeString(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.Intn(8) {
		b.WriteString(likeAlphabet[rng.Intn(len(likeAlphabet))])
	}
	return b.String()
}

// TestLikeFromRegexMatchesRegexp checks the matcher against Go's regexp over
// random strings (unicode, newlines, invalid UTF-8) and random patterns of
// the shapes it replaces the regex engine for.
func TestLikeFromRegexMatchesRegexp(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for range 3000 {
		src := randomLikeRegex(rng)
		p, err := CompilePattern(src, false)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if p.like == nil && !p.isLit {
			t.Fatalf("%q: not taken by the matcher", src)
		}
		re := regexp.MustCompile(src)
		for range 40 {
			s := randomLikeString(rng)
			if got, want := p.contains(s), re.MatchString(s); got != want {
				t.Fatalf("%q contains %q: got %v, want %v", s, src, got, want)
			}
		}
	}
}

// TestLikeFromRegexDeclines lists regexes the matcher must leave to the
// regex engine, and the literal each still prefilters on.
func TestLikeFromRegexDeclines(t *testing.T) {
	for _, c := range []struct{ src, need string }{
		{"(?i)special.*requests", ""},
		{"a|b", ""},
		{"ab.?cd", "ab"},
		{`\bword\b`, "word"},
		{"x[0-9]+yyy", "yyy"},
		{"(?m)^abc", "abc"},
		{"a.{1,3}b", "a"},
		{`\x{FFFD}x`, ""},
	} {
		p, err := CompilePattern(c.src, false)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		if p.like != nil {
			t.Errorf("%q: taken by the matcher", c.src)
		}
		if p.need != c.need {
			t.Errorf("%q: required literal %q, want %q", c.src, p.need, c.need)
		}
	}
}

// TestLikeMatcherShapes pins the segments of some patterns.
func TestLikeMatcherShapes(t *testing.T) {
	for _, c := range []struct {
		src        string
		segs       int
		start, end bool
		needle     string
	}{
		{"special.*requests", 2, false, false, "requests"},
		{"(?s)^MEDIUM POLISHED.*", 1, true, false, "MEDIUM POLISHED"},
		{"(?s)^a.b$", 1, true, true, "a"},
		{"^$", 0, true, true, ""},
		{".*x.*", 1, false, false, "x"},
		{"(?s)^.*a.*b.*$", 2, false, false, "a"},
	} {
		re, err := syntax.Parse(c.src, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		m := likeFromRegex(re)
		if m == nil {
			t.Fatalf("%q: declined", c.src)
		}
		if len(m.segs) != c.segs || m.anchorStart != c.start || m.anchorEnd != c.end || m.needle != c.needle {
			t.Errorf("%q: %d segments, anchors %v %v, needle %q", c.src, len(m.segs), m.anchorStart, m.anchorEnd, m.needle)
		}
	}
}

// TestFinderIndex checks the rare-byte search against strings.Index.
func TestFinderIndex(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	alphabet := []string{"a", "b", "q", "é", " ", "z"}
	for range 20000 {
		var h, l strings.Builder
		for range rng.Intn(20) {
			h.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		for range 1 + rng.Intn(3) {
			l.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		f := newFinder(l.String())
		if got, want := f.index(h.String()), strings.Index(h.String(), l.String()); got != want {
			t.Fatalf("index(%q, %q) = %d, want %d", h.String(), l.String(), got, want)
		}
	}
}
