package fn

import (
	"math"
	"testing"
	"time"

	"github.com/alopexdb/alopex/lazy/kernels"
)

func civilAt(s string) civil {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		t, err = time.Parse("2006-01-02", s)
		if err != nil {
			panic(err)
		}
	}
	return civilOf(t.UnixMicro())
}

// MySQL's documented WEEK / YEARWEEK results, every mode.
func TestCalcWeekModes(t *testing.T) {
	for _, c := range []struct {
		date       string
		mode       int64
		week, year int
		yearweek   bool
	}{
		{"2008-02-20", 0, 7, 2008, false}, {"2008-02-20", 1, 8, 2008, false},
		{"2008-12-31", 1, 53, 2008, false}, {"2000-01-01", 0, 0, 2000, false},
		{"2000-01-01", 2, 52, 1999, false}, {"1987-01-01", 0, 52, 1986, true},
		{"2008-12-31", 1, 1, 2009, true}, {"2021-01-03", 3, 53, 2020, false},
		{"2021-01-04", 3, 1, 2021, false}, {"2024-12-30", 3, 1, 2025, false},
		{"2024-01-07", 0, 1, 2024, false}, {"2024-01-06", 4, 1, 2024, false},
	} {
		b := weekBehaviour(c.mode)
		if c.yearweek {
			b |= weekYear
		}
		w, y := calcWeek(civilAt(c.date), b)
		if w != c.week || (c.yearweek || c.mode&weekYear != 0) && y != c.year {
			t.Errorf("week(%s, %d, yearweek=%v) = %d of %d, want %d of %d", c.date, c.mode, c.yearweek, w, y, c.week, c.year)
		}
	}
}

func TestDateFormatAndDiff(t *testing.T) {
	got := string(dateFormat(nil, civilAt("1997-10-04 22:23:00"), "%D %y %a %d %m %b %j %H:%i:%s %r %l%p %%%Q"))
	if want := "4th 97 Sat 04 10 Oct 277 22:23:00 10:23:00 PM 10PM %Q"; got != want {
		t.Errorf("dateFormat = %q, want %q", got, want)
	}
	us := func(s string) int64 {
		c := civilAt(s)
		return c.days*86400e6 + int64(c.hour)*3600e6 + int64(c.minute)*60e6 + int64(c.second)*1e6
	}
	for _, c := range []struct {
		unit, a, b string
		want       int64
	}{
		{"month", "2003-02-01", "2003-05-01", 3}, {"year", "2002-05-01", "2001-01-01", -1},
		{"minute", "2003-02-01", "2003-05-01 12:05:55", 128885}, {"month", "2003-01-31", "2003-02-28", 0},
		{"month", "2003-02-28", "2003-01-31", 0}, {"month", "2003-03-31 10:00:00", "2003-01-31 11:00:00", -1},
		{"quarter", "2000-01-15", "2001-01-14", 3}, {"day", "2000-01-02", "2000-01-01 00:00:01", 0},
	} {
		if got := timestampDiff(c.unit, us(c.a), us(c.b)); got != c.want {
			t.Errorf("timestampdiff(%s, %s, %s) = %d, want %d", c.unit, c.a, c.b, got, c.want)
		}
	}
}

func TestStringHelpers(t *testing.T) {
	for _, c := range []struct {
		s, d string
		n    int64
		want string
	}{
		{"www.mysql.com", ".", 2, "www.mysql"}, {"www.mysql.com", ".", -2, "mysql.com"},
		{"a::b::c", "::", -1, "c"}, {"a::b::c", "::", 1, "a"}, {"abc", "", 1, ""}, {"abc", "x", -3, "abc"},
	} {
		if got := substringIndex(c.s, c.d, c.n); got != c.want {
			t.Errorf("substring_index(%q, %q, %d) = %q, want %q", c.s, c.d, c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		sub, s string
		pos    int64
		want   int64
	}{{"bar", "foobarbar", 1, 4}, {"bar", "foobarbar", 5, 7}, {"c", "äbcäc", 4, 5}, {"", "abc", 4, 4}, {"", "abc", 5, 0}, {"a", "a", 0, 0}} {
		if got := locate(c.sub, c.s, c.pos); got != c.want {
			t.Errorf("locate(%q, %q, %d) = %d, want %d", c.sub, c.s, c.pos, got, c.want)
		}
	}
	for _, c := range []struct {
		s        string
		from, to int64
		want     string
	}{{"a", 16, 2, "1010"}, {"6E", 18, 8, "172"}, {"-17", 10, -18, "-H"}, {"-1", 10, 16, "FFFFFFFFFFFFFFFF"},
		{"99999999999999999999999", 10, 10, "18446744073709551615"}, {"12x9", 10, 10, "12"}, {"", 10, 10, "0"}} {
		got, ok := conv(nil, c.s, c.from, c.to)
		if !ok || string(got) != c.want {
			t.Errorf("conv(%q, %d, %d) = %q, want %q", c.s, c.from, c.to, got, c.want)
		}
	}
	for _, c := range []struct {
		x    float64
		d    int64
		want string
	}{{12332.123456, 4, "12,332.1235"}, {-0.001, 2, "0.00"}, {1234567.891, 0, "1,234,568"}, {math.Inf(1), 2, "+Inf"}, {100, -3, "100"}} {
		if got := string(formatNumber(nil, c.x, c.d)); got != c.want {
			t.Errorf("format(%v, %d) = %q, want %q", c.x, c.d, got, c.want)
		}
	}
}

func TestJSONPathsAndOutput(t *testing.T) {
	doc, ok := parseJSON(`{"b": 2, "aa": [1, 2.50, {"k": "ü\n"}], "a": null}`)
	if !ok {
		t.Fatal("valid JSON rejected")
	}
	if got := string(appendJSON(nil, doc)); got != `{"a": null, "b": 2, "aa": [1, 2.50, {"k": "ü\n"}]}` {
		t.Errorf("appendJSON = %s", got)
	}
	steps, err := parseJSONPath(`$.aa[2]."k"`)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := jsonAt(doc, steps); !ok || v != "ü\n" {
		t.Errorf("jsonAt = %v, %v", v, ok)
	}
	for _, bad := range []string{"a", "$.*", "$[*]", "$[-1]", `$."x`, "$.a[1"} {
		if _, err := parseJSONPath(bad); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	if _, ok := parseJSON(`{"a": 1} x`); ok {
		t.Error("trailing text accepted")
	}
}

func TestRegexMatchOccurrences(t *testing.T) {
	for _, c := range []struct {
		s, p            string
		pos, occurrence int64
		want            string // "" with found false: none
		found           bool
	}{
		{"abc def ghi", "[a-z]+", 1, 3, "ghi", true}, {"abc def ghi", "[a-z]+", 6, 1, "ef", true},
		{"abc", "x", 1, 1, "", false}, {"äöü", "ö", 2, 1, "ö", true}, {"äöü", "ö", 3, 1, "", false},
		{"aaa", "a*", 1, 2, "", true}, {"ab", "", 3, 1, "", true}, {"ab", "b", 0, 1, "", false},
	} {
		p, err := kernels.CompilePattern(c.p, false)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, found, err := regexMatch(p, c.s, c.pos, c.occurrence)
		if err != nil || found != c.found || (found && c.s[lo:hi] != c.want) {
			t.Errorf("regexMatch(%q, %q, %d, %d) = [%d:%d] %v %v, want %q %v", c.s, c.p, c.pos, c.occurrence, lo, hi, found, err, c.want, c.found)
		}
	}
}
