package sqlexec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// ON DUPLICATE KEY UPDATE over batches of rows (the batch path: one-column
// key, no other unique index) gives what MySQL's row-by-row order gives:
// affected rows 1 per insert, 2 per changed row, 0 per row left as it was;
// VALUES() and the stored row's columns; a duplicate key inside a batch
// (the second row updates the first); and a failing row named by number.
func TestUpsertBatches(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE src (id BIGINT PRIMARY KEY, x BIGINT)")
	vals := make([]string, 3000)
	for i := range vals {
		vals[i] = "(" + itoa(i) + ", " + itoa(i%7) + ")"
	}
	mustExecute(t, s, "INSERT INTO src VALUES "+strings.Join(vals, ","))
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, x BIGINT NOT NULL, c BIGINT DEFAULT 0)")
	// Rows 0, 2, 4, … 1998 exist; odd ones and 2000.. do not.
	mustExecute(t, s, "INSERT INTO t (id, x) SELECT id, x FROM src WHERE id % 2 = 0 AND id < 2000")
	// Existing rows with x % 7 = 0 keep x: x = VALUES(x) leaves them as they were.
	r := mustExecute(t, s, "INSERT INTO t (id, x) SELECT id, IF(x = 0, 0, x + 10) FROM src ON DUPLICATE KEY UPDATE x = VALUES(x), c = IF(VALUES(x) = t.x, t.c, t.c + 1)")
	unchanged := 0
	for i := 0; i < 2000; i += 2 {
		if i%7 == 0 {
			unchanged++
		}
	}
	if want := int64(2000 + 2*(1000-unchanged)); r.RowsAffected != want {
		t.Fatalf("affected %d, want %d", r.RowsAffected, want)
	}
	if got := one(t, s, "SELECT COUNT(*), SUM(c), SUM(x) FROM t"); got != one(t, s,
		"SELECT COUNT(*), SUM(IF(id % 2 = 0 AND id < 2000 AND x <> 0, 1, 0)), SUM(IF(x = 0, 0, x + 10)) FROM src") {
		t.Fatalf("after the upsert %s", got)
	}
	// A key twice in one batch: the second row meets the first.
	r = mustExecute(t, s, "INSERT INTO t (id, x) VALUES (5000, 1), (5000, 2), (5001, 3) ON DUPLICATE KEY UPDATE x = t.x + VALUES(x)")
	if r.RowsAffected != 4 || one(t, s, "SELECT x FROM t WHERE id = 5000") != "[[3]]" {
		t.Fatalf("affected %d, %s", r.RowsAffected, one(t, s, "SELECT x FROM t WHERE id = 5000"))
	}
	// A row fails: the batch is done again row by row, which names it, and
	// the statement is undone.
	before := one(t, s, "SELECT COUNT(*), SUM(c), SUM(x) FROM t")
	err := execErr(s, "INSERT INTO t (id, x) SELECT id, x FROM src ON DUPLICATE KEY UPDATE x = IF(t.id = 6, NULL, 1)")
	var e *core.Error
	if !errors.As(err, &e) || e.Kind != core.KindConstraint || e.Details["row"] != 7 {
		t.Fatalf("got %v", err)
	}
	if got := one(t, s, "SELECT COUNT(*), SUM(c), SUM(x) FROM t"); got != before {
		t.Fatalf("after the failed upsert %s, want %s", got, before)
	}
}
