package sqlexec_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
)

// executeBoth runs q with the one integer parameter v through ExecuteInt
// and through Execute with the literal Python's packed parameters make,
// and returns both compact encodings, as text followed by their bytes in
// hex (or the errors' texts).
func executeBoth(t *testing.T, s *sqlexec.Session, q string, v int64) (thin, general string) {
	t.Helper()
	b, err := s.ExecuteInt(context.Background(), q, v, make([]byte, 0, 16), nil)
	if err != nil {
		thin = "error: " + err.Error()
	} else {
		thin = fmt.Sprintf("%s\n%x", sqlexec.CompactText(b), b)
	}
	r, err := s.Execute(context.Background(), q, []lazy.Expr{&lazy.Literal{Value: v, Dynamic: true}}, nil)
	if err != nil {
		return thin, "error: " + err.Error()
	}
	defer r.Release()
	b, err = r.AppendCompact(nil)
	if err != nil {
		return thin, "error: " + err.Error()
	}
	return thin, fmt.Sprintf("%s\n%x", sqlexec.CompactText(b), b)
}

// TestExecuteIntMatchesExecute: ExecuteInt's encoding is Execute's, byte
// for byte (columns, rows, the read generation), for every column type,
// NULLs, missing keys, keys out of the key column's range, statements that
// are not point reads, errors, and after ALTER TABLE and DROP TABLE.
func TestExecuteIntMatchesExecute(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE v (id BIGINT PRIMARY KEY, d DECIMAL(10, 3), day DATE, ts TIMESTAMP, "+
		"b BLOB, ok BOOLEAN, e VECTOR(3), u BIGINT UNSIGNED, r DOUBLE, f FLOAT, s TEXT)")
	mustExecute(t, s, "INSERT INTO v VALUES (1, 12.345, '2024-02-29', '2024-02-29 12:34:56.123456', NULL, TRUE, "+
		"'[1, 2.5, -3]', 18446744073709551615, 0.1, 1.5, 'ünïcode ✓'), (-9223372036854775808, -1.5, '1969-12-31', "+
		"'1900-01-01 00:00:00', NULL, FALSE, '[0, 0, 0]', 0, -0.0, NULL, '')")
	mustExecute(t, s, "INSERT INTO v (id) VALUES (2)")
	mustExecute(t, s, "CREATE TABLE small (id TINYINT PRIMARY KEY, a TEXT)")
	mustExecute(t, s, "INSERT INTO small VALUES (1, 'a'), (127, 'b')")
	mustExecute(t, s, "CREATE TABLE un (id INT UNSIGNED PRIMARY KEY, a TEXT)")
	mustExecute(t, s, "INSERT INTO un VALUES (0, 'zero'), (4294967295, 'max')")
	mustExecute(t, s, "CREATE TABLE tk (k TEXT PRIMARY KEY, a INT)")
	mustExecute(t, s, "INSERT INTO tk VALUES ('5', 5)")
	mustExecute(t, s, "CREATE TABLE two (a INT, b INT, c TEXT, PRIMARY KEY (a, b))")
	mustExecute(t, s, "INSERT INTO two VALUES (1, 2, 'x')")
	mustExecute(t, s, "CREATE TABLE nokey (id INT, a TEXT)")
	mustExecute(t, s, "INSERT INTO nokey VALUES (1, 'x')")

	cases := []struct {
		q  string
		vs []int64
	}{
		{"SELECT * FROM v WHERE id = ?", []int64{1, 2, 3, -1, math.MinInt64, math.MaxInt64}},
		{"SELECT s, id AS key, e FROM v WHERE v.id = ?", []int64{1, 2, 7}},
		{"SELECT * FROM v x WHERE ? = x.id", []int64{1}},
		{"SELECT * FROM v WHERE id = ? + 0", []int64{1}},
		{"SELECT * FROM v WHERE id > ?", []int64{0}},
		{"SELECT * FROM v WHERE id IN (?, 2)", []int64{1}},
		{"SELECT * FROM small WHERE id = ?", []int64{1, 127, 128, -129, 1000}},
		{"SELECT * FROM un WHERE id = ?", []int64{0, 4294967295, 4294967296, -1}},
		{"SELECT * FROM tk WHERE k = ?", []int64{5, 6}},
		{"SELECT * FROM two WHERE a = ? AND b = 2", []int64{1, 3}},
		{"SELECT * FROM nokey WHERE id = ?", []int64{1}},
		{"SELECT * FROM nosuch WHERE id = ?", []int64{1}},
		{"SELECT nosuch FROM v WHERE id = ?", []int64{1}},
		{"SELECT * FROM v WHERE id = ? AND ?", []int64{1}},
		{"SELECT ?", []int64{42}},
	}
	check := func() {
		t.Helper()
		for _, c := range cases {
			for _, v := range c.vs {
				// The first run of a text parses it (ExecuteInt's own path
				// needs it cached) and, after DDL, may read in a transaction
				// of its own (a result without a read generation) while the
				// catalog cache fills: the later runs are compared.
				for it := range 3 {
					thin, general := executeBoth(t, s, c.q, v)
					if it > 0 && thin != general {
						t.Fatalf("%d: %s with %d:\nExecuteInt %s\nExecute    %s", it, c.q, v, thin, general)
					}
				}
			}
		}
	}
	check()
	mustExecute(t, s, "ALTER TABLE v ADD COLUMN extra INT")
	mustExecute(t, s, "UPDATE v SET extra = 7 WHERE id = 1")
	thin, _ := executeBoth(t, s, "SELECT * FROM v WHERE id = ?", 1)
	if !strings.Contains(thin, "7") || !strings.Contains(thin, "extra") {
		t.Fatalf("after ALTER TABLE: %s", thin)
	}
	check()
	mustExecute(t, s, "ALTER TABLE v DROP COLUMN s")
	check()
	mustExecute(t, s, "DROP TABLE small")
	check()
	mustExecute(t, s, "BEGIN")
	mustExecute(t, s, "INSERT INTO v (id) VALUES (3)")
	mustExecute(t, s, "UPDATE v SET d = 1 WHERE id = 1")
	thin, _ = executeBoth(t, s, "SELECT d FROM v WHERE id = ?", 1)
	if !strings.Contains(thin, "1.000") {
		t.Fatalf("a read in a transaction does not see its own write: %s", thin)
	}
	check()
	mustExecute(t, s, "ROLLBACK")
	check()
}

// TestExecuteIntAllocatesNothing: a point read by an integer key through
// ExecuteInt allocates nothing once its statement is cached (the read of
// a cold key from Python is dominated by per-call costs).
func TestExecuteIntAllocatesNothing(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v DOUBLE)")
	mustExecute(t, s, "INSERT INTO t VALUES (1000, 'row', 1.5), (2000, 'row 2', 2.5)")
	buf := make([]byte, 0, 4096)
	const q = "SELECT * FROM t WHERE id = ?"
	buf, _ = s.ExecuteInt(context.Background(), q, 1000, buf, nil)
	allocs := testing.AllocsPerRun(200, func() {
		var err error
		buf, err = s.ExecuteInt(context.Background(), q, 2000, buf[:0], nil)
		if err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a point read allocates %v times; want none", allocs)
	}
	if got := sqlexec.CompactRows(buf); !strings.Contains(got, "row 2") {
		t.Fatalf("the read found %s", got)
	}
}

// TestExecuteIntUnderConcurrentWrites: readers of one session see, for
// each key, either the row before or after a concurrent writer's update,
// never anything else, and every read after the writer finished sees the
// last value.
func TestExecuteIntUnderConcurrentWrites(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT)")
	for i := 0; i < 50; i++ {
		mustExecute(t, s, "INSERT INTO t VALUES (?, 0)", int64(i))
	}
	const q = "SELECT n FROM t WHERE id = ?"
	const rounds = 20
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 256)
			for i := 0; i < 2000; i++ {
				var err error
				buf, err = s.ExecuteInt(context.Background(), q, int64(i%50), buf[:0], nil)
				if err != nil {
					errs <- err
					return
				}
				rows := sqlexec.CompactRows(buf)
				ok := false
				for n := 0; n <= rounds; n++ {
					if rows == fmt.Sprintf("[[%d]]", n) {
						ok = true
					}
				}
				if !ok {
					errs <- fmt.Errorf("read of key %d gave %s", i%50, rows)
					return
				}
			}
		}()
	}
	for n := 1; n <= rounds; n++ {
		mustExecute(t, s, "UPDATE t SET n = ?", int64(n))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := int64(0); i < 50; i++ {
		b, err := s.ExecuteInt(context.Background(), q, i, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := sqlexec.CompactRows(b); got != fmt.Sprintf("[[%d]]", rounds) {
			t.Fatalf("key %d after the writes: %s", i, got)
		}
	}
}
