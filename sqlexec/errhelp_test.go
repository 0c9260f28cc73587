package sqlexec_test

import (
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/sqlexec"
)

// TestErrorsHelp: errors about the SQL text point into it (a caret under
// the place) and say what to write instead.
func TestErrorsHelp(t *testing.T) {
	for _, tc := range []struct {
		query string
		kind  core.Kind
		want  []string
	}{
		{"SELECT a FROM t WHERE\n  d > 20200101", core.KindCompute,
			[]string{"in `d`>20200101 (line 2, column 3)", "\n    d > 20200101\n    ^", "DATE '2020-01-01'"}},
		{"SELECT SUM(b) FROM t", core.KindCompute, []string{"SUM(`b`)", "SUM takes numbers"}},
		{"SELECT b + 1 FROM t", core.KindCompute, []string{"`b`+1 (line 1, column 8)", "CAST(… AS DOUBLE)"}},
		{"SELECT a FROM t WHERE d > 'x'", core.KindInvalidInput, []string{"'x' as a DATE", "line 1, column 23"}},
		{"SELECT bb FROM t", core.KindColumnNotFound, []string{"did you mean", "line 1, column 8", "\n         ^"}},
		{"SELECT * FROM t WHERE", core.KindSQLSyntax, []string{"expected an expression after WHERE"}},
		{"SELECT * FORM t", core.KindSQLSyntax, []string{"\n  SELECT * FORM t\n           ^", "did you mean FROM?"}},
		{"SELECT order FROM t", core.KindSQLSyntax, []string{"quote it with backticks: `order`"}},
		{"SELECT a, FROM t", core.KindSQLSyntax, []string{"remove the comma before FROM"}},
		{"SELECT a FROM t WHERE b IS 'x'", core.KindSQLSyntax, []string{"IS takes NULL"}},
	} {
		_, err := sqlexec.Compile(tc.query, testTables(), nil, nil)
		if err == nil || core.KindOf(err) != tc.kind {
			t.Errorf("%q: got %v (%v), want a %v", tc.query, err, core.KindOf(err), tc.kind)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q\nwant it to contain %q", tc.query, err.Error(), w)
			}
		}
	}
}
