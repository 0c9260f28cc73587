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

// levenshtein is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each count one
// (python/alopex/_suggest.py ranks the same way).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(ra)][len(rb)]
}

// ColumnNotFound builds the error for a missing column, naming it, listing
// close matches and the available columns.
func ColumnNotFound(name string, available []string) *Error {
	return ColumnNotFoundAmong(name, available, available)
}

// ColumnNotFoundAmong is ColumnNotFound when the names to suggest from
// differ from the list to show: SQL suggests t.name for t.nme but lists
// each column once.
func ColumnNotFoundAmong(name string, candidates, shown []string) *Error {
	sugg := Suggest(name, candidates)
	msg := "column '" + name + "' not found"
	if len(sugg) > 0 {
		msg += "; did you mean " + quoteJoin(sugg) + "?"
	}
	msg += " Available columns: " + quoteJoin(shown)
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
