package sqlexec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
)

// openSpillingSession is a session on a database whose transactions spill
// past 16 KiB, with morsels of 50 rows: a statement over a few thousand
// rows then writes dozens of batches and spills between them.
func openSpillingSession(t *testing.T) *sqlexec.Session {
	t.Helper()
	old := exec.MorselRows
	exec.MorselRows = 50
	t.Cleanup(func() { exec.MorselRows = old })
	db, err := storage.Open(t.TempDir(), storage.Options{TxnMemory: 16 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return sqlexec.NewSession(db)
}

// one is the rows of a query, in the compact encoding.
func one(t *testing.T, s *sqlexec.Session, q string) string {
	t.Helper()
	b, err := mustExecute(t, s, q).AppendCompact(nil)
	if err != nil {
		t.Fatal(err)
	}
	return sqlexec.CompactRows(b)
}

func execErr(s *sqlexec.Session, q string) error {
	_, err := s.Execute(context.Background(), q, nil, nil)
	return err
}

// INSERT … SELECT … ON DUPLICATE KEY UPDATE, UPDATE and INSERT … SELECT
// write many batches as one statement: a failure in the last batch undoes
// every earlier batch, in autocommit and inside BEGIN, and a statement
// reading the table it writes reads it as it was before the statement.
func TestDMLOverManyBatches(t *testing.T) {
	s := openSpillingSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, u BIGINT UNIQUE, x BIGINT)")
	mustExecute(t, s, "CREATE TABLE src (id BIGINT PRIMARY KEY)")
	vals := make([]string, 2000)
	for i := range vals {
		vals[i] = "(" + itoa(i) + ")"
	}
	mustExecute(t, s, "INSERT INTO src VALUES "+strings.Join(vals, ","))
	mustExecute(t, s, "INSERT INTO t SELECT id, id AS u, 0 AS x FROM src")
	sums := "SELECT COUNT(*), SUM(u), SUM(x) FROM t"
	want := one(t, s, sums)

	// ON DUPLICATE KEY UPDATE row by row over 40 batches; the last row
	// takes a value row 3 took earlier in the statement.
	err := execErr(s, "INSERT INTO t SELECT id, id AS u, 0 AS x FROM src ON DUPLICATE KEY UPDATE u = IF(t.id = 1999, 3 + 5000, t.u + 5000), x = 1")
	if core.KindOf(err) != core.KindConstraint {
		t.Fatalf("got %v", err)
	}
	if got := one(t, s, sums); got != want {
		t.Fatalf("after the failed upsert %s, want %s", got, want)
	}
	mustExecute(t, s, "BEGIN")
	mustExecute(t, s, "INSERT INTO t VALUES (-1, -1, 0)")
	if err := execErr(s, "UPDATE t SET u = IF(id = 1999, 5003, u + 5000)"); core.KindOf(err) != core.KindConstraint {
		t.Fatalf("got %v", err)
	}
	if err := execErr(s, "INSERT INTO t SELECT id + 1000 AS id, id + 100000 AS u, 0 AS x FROM src"); core.KindOf(err) != core.KindConstraint {
		t.Fatalf("got %v", err)
	}
	if got := one(t, s, "SELECT COUNT(*), SUM(u), SUM(x) FROM t WHERE id >= 0"); got != want {
		t.Fatalf("inside BEGIN %s, want %s", got, want)
	}
	// No Halloween problem: each row is read once, as before the statement.
	if n := mustExecute(t, s, "UPDATE t SET id = id + 10000 WHERE id >= 0").RowsAffected; n != 2000 {
		t.Fatalf("update moved %d rows", n)
	}
	mustExecute(t, s, "COMMIT")
	if got := one(t, s, "SELECT COUNT(*), MIN(id), MAX(id) FROM t WHERE id >= 0"); got != "[[2000 10000 11999]]" {
		t.Fatalf("after the moving update %s", got)
	}
	if n := mustExecute(t, s, "INSERT INTO t SELECT id + 100000 AS id, u + 100000 AS u, x FROM t ON DUPLICATE KEY UPDATE x = 9").RowsAffected; n != 2001 {
		t.Fatalf("upserted %d rows", n)
	}
	if got := one(t, s, "SELECT COUNT(*) FROM t"); got != "[[4002]]" {
		t.Fatalf("%s rows", got)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
