package sqlexec

import (
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

func TestRewriteFullJoins(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT * FROM a FULL JOIN b ON a.x = b.x", "SELECT * FROM a STRAIGHT_JOIN b ON a.x = b.x"},
		{"SELECT * FROM a full outer join b USING (x)", "SELECT * FROM a STRAIGHT_JOIN   b USING (x)"},
		{"SELECT * FROM a FULL\n  OUTER\tJOIN b ON a.x = b.x", "SELECT * FROM a STRAIGHT_JOIN     b ON a.x = b.x"},
		{"SELECT 'FULL JOIN', `full join` FROM a -- FULL JOIN", "SELECT 'FULL JOIN', `full join` FROM a -- FULL JOIN"},
		{"SELECT /* full join */ 1 FROM a AS full JOIN b ON full.x = b.x", "SELECT /* full join */ 1 FROM a AS full JOIN b ON full.x = b.x"},
		{"SELECT a.full FROM a", "SELECT a.full FROM a"},
	} {
		got, _, err := rewriteFullJoins(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%q:\n got %q (%v)\nwant %q", tc.in, got, err, tc.want)
		}
	}
	for _, q := range []string{"SELECT * FROM a STRAIGHT_JOIN b ON a.x = b.x", "SELECT straight_join x FROM a"} {
		_, _, err := rewriteFullJoins(q)
		if core.KindOf(err) != core.KindNotSupported || !strings.Contains(err.Error(), "STRAIGHT_JOIN") {
			t.Errorf("%q: got %v, want NotSupported naming STRAIGHT_JOIN", q, err)
		}
	}
}

// A syntax error after a FULL JOIN is reported where it is in the text the
// user wrote: as for the same query with LEFT JOIN (as long as FULL JOIN),
// which the parser reads unchanged.
func TestFullJoinErrorPositions(t *testing.T) {
	for _, q := range []string{
		"SELECT a FROM t FULL JOIN u ON t.a = u.a WHRE x",
		"SELECT a\nFROM t FULL JOIN u ON t.a = u.a FULL OUTER JOIN v ON v.a = t.a\nWHERE a = = 1",
		"SELECT a FROM t FULL JOIN u ON t.a = u.a JOIN",
		"SELECT a FROM t FULL JOIN u ON t.a = u.a FULL JOIN v ON ((",
	} {
		_, err := parse(q)
		ref := strings.NewReplacer("FULL JOIN", "LEFT JOIN", "FULL OUTER JOIN", "LEFT OUTER JOIN").Replace(q)
		_, want := parse(ref)
		if err == nil || want == nil {
			t.Fatalf("%q: want syntax errors, got %v and %v", q, err, want)
		}
		g, w := err.(*core.Error).Details, want.(*core.Error).Details
		wantNear := strings.ReplaceAll(w["near"].(string), "LEFT", "FULL")
		if g["line"] != w["line"] || g["column"] != w["column"] || g["near"] != wantNear {
			t.Errorf("%q: got line %v column %v near %q, want %v %v %q", q, g["line"], g["column"], g["near"],
				w["line"], w["column"], wantNear)
		}
	}
}

// An error at a rewritten FULL JOIN itself points at its end, as the
// parser's columns point at the end of the offending token (on lines after
// the first, counted from the newline: 14 is the end of "  FULL   JOIN").
func TestFullJoinErrorAtTheJoin(t *testing.T) {
	q := "SELECT a FROM t FULL JOIN u ON t.a = u.a,\n  FULL   JOIN v"
	_, err := parse(q)
	d := err.(*core.Error).Details
	if d["line"] != 2 || d["column"] != 14 || d["near"] != "FULL   JOIN v" {
		t.Errorf("got %v", d)
	}
}
