package core

import (
	"sort"
	"strings"
)

// Suggest returns up to three candidates close to name (by edit distance,
// case-insensitively), closest first: the "did you mean" of error messages.
func Suggest(name string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	lname := strings.ToLower(name)
	var out []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(lname, lc)
		limit := max(2, len([]rune(name))/3)
		if d <= limit || (len(lname) > 0 && (strings.Contains(lc, lname) || strings.Contains(lname, lc))) {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	res := make([]string, 0, 3)
	for i := 0; i < len(out) && i < 3; i++ {
		res = append(res, out[i].s)
	}
	return res
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// ColumnNotFound builds the error for a missing column, naming it, listing
// close matches and the available columns.
func ColumnNotFound(name string, available []string) *Error {
	sugg := Suggest(name, available)
	msg := "column '" + name + "' not found"
	if len(sugg) > 0 {
		msg += "; did you mean " + quoteJoin(sugg) + "?"
	}
	msg += " Available columns: " + quoteJoin(available)
	return Errorf(KindColumnNotFound, "%s", msg).With("column", name).With("suggestions", sugg)
}

func quoteJoin(xs []string) string {
	const maxShown = 20
	var b strings.Builder
	for i, x := range xs {
		if i == maxShown {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + x + "'")
	}
	return b.String()
}
