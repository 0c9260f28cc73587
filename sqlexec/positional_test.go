package sqlexec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// INSERT … SELECT takes the query's columns by position, so a repeated
// output name is fine (as in MySQL); CREATE TABLE … AS SELECT names its
// columns after them, so there it is MySQL's "Duplicate column name".
func TestInsertSelectRepeatedNames(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE src (id BIGINT PRIMARY KEY, x INT)")
	mustExecute(t, s, "INSERT INTO src VALUES (1, 10), (2, 20), (3, 20)")
	mustExecute(t, s, "CREATE TABLE t (a BIGINT PRIMARY KEY, b BIGINT, c INT)")
	for _, q := range []string{
		"INSERT INTO t SELECT id, id, 0 FROM src ORDER BY id",
		"INSERT INTO t (a, b) SELECT id + 10, id + 10 FROM src",
		"INSERT INTO t SELECT x + 100, x, x FROM src WHERE id = 1 UNION ALL SELECT 200, 2, 2",
		"INSERT INTO t SELECT *, x FROM src WHERE id = 3 AND FALSE",
		"INSERT INTO t SELECT MAX(id) + 300, COUNT(*), COUNT(*) FROM src GROUP BY x HAVING COUNT(*) > 1",
	} {
		mustExecute(t, s, q)
	}
	got := compact(t, mustExecute(t, s, "SELECT * FROM t ORDER BY a"))
	want := "[[1 1 0] [2 2 0] [3 3 0] [11 11 <nil>] [12 12 <nil>] [13 13 <nil>] [110 10 10] [200 2 2] [303 2 2]]"
	if !strings.Contains(got, want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	_, err := s.Execute(context.Background(), "CREATE TABLE t2 AS SELECT id, x, ID FROM src", nil, nil)
	if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), "duplicate column name 'ID'") {
		t.Fatalf("CTAS with a repeated name: %v", err)
	}
	if _, err := s.Execute(context.Background(), "SELECT * FROM t2", nil, nil); err == nil {
		t.Fatal("the failed CTAS left a table")
	}
	// The first branch of a union names the columns; a later one may repeat.
	mustExecute(t, s, "CREATE TABLE t3 AS SELECT id, x FROM src UNION ALL SELECT x, x FROM src")
	if got := compact(t, mustExecute(t, s, "SELECT COUNT(*) FROM t3")); !strings.Contains(got, "6") {
		t.Fatalf("t3 has %s rows", got)
	}
}
