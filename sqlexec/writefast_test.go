package sqlexec_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
)

// writePair runs every statement on two databases: fast with the write
// fast path on, general with it off (write_fast_path = 0), and requires
// the same rowcounts, errors and rows of both.
type writePair struct {
	t             *testing.T
	fast, general *sqlexec.Session
}

func openWritePair(t *testing.T, setup ...string) *writePair {
	p := &writePair{t: t, fast: openSession(t), general: openSession(t)}
	mustExecute(t, p.general, "SET write_fast_path = 0")
	for _, q := range setup {
		mustExecute(t, p.fast, q)
		mustExecute(t, p.general, q)
	}
	return p
}

// param is a parameter as Python passes it: an untyped literal (a float
// is typed Float64, as the packed form makes it).
func param(v any) lazy.Expr {
	switch x := v.(type) {
	case int:
		return &lazy.Literal{Value: int64(x), Dynamic: true}
	case int64:
		return &lazy.Literal{Value: x, Dynamic: true}
	case float64:
		return &lazy.Literal{Value: x, Type: arrow.PrimitiveTypes.Float64, Dynamic: true}
	}
	return &lazy.Literal{Value: v}
}

func params(vs []any) []lazy.Expr {
	out := make([]lazy.Expr, len(vs))
	for i, v := range vs {
		out[i] = param(v)
	}
	return out
}

func outcome(r *sqlexec.Result, err error) string {
	if err != nil {
		return fmt.Sprintf("error %s: %v", core.KindOf(err), err)
	}
	defer r.Release()
	if r.Query {
		b, err := r.AppendCompact(nil)
		if err != nil {
			return "encode error: " + err.Error()
		}
		return sqlexec.CompactRows(b)
	}
	return fmt.Sprintf("%d rows", r.RowsAffected)
}

// exec runs q on both and returns the outcome (the same on both).
func (p *writePair) exec(q string, vs ...any) string {
	p.t.Helper()
	ctx := context.Background()
	f := outcome(p.fast.Execute(ctx, q, params(vs), nil))
	g := outcome(p.general.Execute(ctx, q, params(vs), nil))
	if f != g {
		p.t.Fatalf("%s %v:\n fast:    %s\n general: %s", q, vs, f, g)
	}
	return f
}

// execMany is exec of executemany().
func (p *writePair) execMany(q string, rows ...[]any) string {
	p.t.Helper()
	ctx := context.Background()
	ps := make([][]lazy.Expr, len(rows))
	for i, r := range rows {
		ps[i] = params(r)
	}
	show := func(n int64, err error) string {
		if err != nil {
			return fmt.Sprintf("error %s: %v", core.KindOf(err), err)
		}
		return fmt.Sprintf("%d rows", n)
	}
	f := show(p.fast.ExecuteMany(ctx, q, ps, nil))
	g := show(p.general.ExecuteMany(ctx, q, ps, nil))
	if f != g {
		p.t.Fatalf("executemany %s %v:\n fast:    %s\n general: %s", q, rows, f, g)
	}
	return f
}

// want is exec that also requires the outcome.
func (p *writePair) want(want, q string, vs ...any) {
	p.t.Helper()
	if got := p.exec(q, vs...); got != want {
		p.t.Fatalf("%s %v: %s, want %s", q, vs, got, want)
	}
}

// wantError is exec that requires an error of kind k.
func (p *writePair) wantError(k core.Kind, q string, vs ...any) {
	p.t.Helper()
	got := p.exec(q, vs...)
	if want := fmt.Sprintf("error %s:", k); len(got) < len(want) || got[:len(want)] != want {
		p.t.Fatalf("%s %v: %s, want a %s error", q, vs, got, k)
	}
}

// sameRows compares the table t and what its secondary indexes find: each
// index read (an INDEX SCAN) gives the rows a table scan gives.
func (p *writePair) sameRows() {
	p.t.Helper()
	p.exec("SELECT * FROM t ORDER BY id")
	for _, c := range []string{"u", "v"} {
		for _, s := range []*sqlexec.Session{p.fast, p.general} {
			byIndex := outcome(s.Execute(context.Background(), "SELECT id, "+c+" FROM t WHERE "+c+" >= ? ORDER BY id", params([]any{math.MinInt32}), nil))
			byTable := outcome(s.Execute(context.Background(), "SELECT id, "+c+" FROM t WHERE "+c+" IS NOT NULL ORDER BY id", nil, nil))
			if byIndex != byTable {
				p.t.Fatalf("index on %s: %s\ntable: %s", c, byIndex, byTable)
			}
		}
	}
}

const writeTable = "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT NOT NULL, b INT, c DOUBLE, d BOOLEAN, " +
	"e TINYINT DEFAULT 7, u INT UNIQUE, v INT, INDEX iv (v))"

// Every fast write shape gives what the general path gives: rowcounts,
// errors (duplicate key, NOT NULL, unique index, out of range, wrong type),
// rows and index contents.
func TestWriteFastPathMatchesGeneral(t *testing.T) {
	p := openWritePair(t, writeTable)
	ins := "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	p.want("1 rows", ins, 1, "one", 10, 1.5, true, 1, 100, 5)
	p.want("1 rows", ins, 2, "two", nil, nil, false, -128, 200, 5)
	p.want("1 rows", "INSERT INTO t (id, a) VALUES (?, ?)", 3, "defaults")
	p.want("1 rows", "INSERT INTO t (a, id, u) VALUES (?, ?, ?)", "reordered", 4, 400)
	p.wantError(core.KindConstraint, ins, 1, "dup", 0, 0.0, true, 0, 999, 0)
	p.wantError(core.KindConstraint, ins, 5, nil, 0, 0.0, true, 0, 500, 0)
	p.wantError(core.KindConstraint, ins, 5, "unique", 0, 0.0, true, 0, 100, 0)
	p.wantError(core.KindConstraint, "INSERT INTO t (id) VALUES (?)", 6)
	// Values the fast path leaves to the general one: out of range, other
	// types, converted or refused there.
	p.exec(ins, 7, "range", int64(1)<<40, 0.0, true, 0, 700, 0)
	p.exec(ins, 7, "tinyint", 0, 0.0, true, 300, 700, 0)
	p.exec(ins, 8, "text for int", "x", 0.0, true, 0, 800, 0)
	p.exec(ins, 9, "float for int", 2.5, 0.0, true, 0, 900, 0)
	p.exec(ins, 10, "int for double", 1, 3, true, 0, 1000, 0)
	p.exec(ins, "11", "text key", 1, 3.0, true, 0, 1100, 0)
	p.exec(ins, 12, "nan", 1, math.NaN(), true, 0, 1200, 0)
	p.exec(ins, 13, 13, 1, 3.0, 1, 0, 1300, 0)
	p.want("0 rows", "INSERT IGNORE INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", 1, "ignored", 0, 0.0, true, 0, 0, 0)
	p.want("3 rows", "REPLACE INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", 1, "replaced", 0, 0.0, true, 0, 200, 0)
	p.want("2 rows", "INSERT INTO t VALUES (20, 'lit', 1, NULL, NULL, 1, NULL, 1), (21, 'lit2', 2, NULL, NULL, 2, 2100, 1)")
	p.wantError(core.KindConstraint, "INSERT INTO t (id, a) VALUES (?, ?), (?, ?)", 22, "x", 20, "dup")
	p.exec("INSERT INTO t (id, a) VALUES (?, ?), (?)", 23, "x", 24)
	p.exec("INSERT INTO t (id, A) VALUES (?, ?)", 25, "column case")
	p.exec("INSERT INTO t (id, a, a) VALUES (?, ?, ?)", 26, "x", "y")
	p.exec("INSERT INTO t (id, nope) VALUES (?, ?)", 27, "x")
	p.exec("INSERT INTO nope VALUES (?)", 1)
	p.sameRows()

	upd := "UPDATE t SET b = ?, a = ? WHERE id = ?"
	p.want("1 rows", upd, 42, "updated", 3)
	p.want("0 rows", upd, 42, "missing", 999)
	p.want("0 rows", upd, 42, "null key", nil)
	p.wantError(core.KindConstraint, upd, 1, nil, 3)
	p.wantError(core.KindConstraint, "UPDATE t SET u = ? WHERE id = ?", 400, 3)
	p.want("1 rows", "UPDATE t SET u = ?, v = ? WHERE id = ?", 333, 9, 4)
	p.want("1 rows", "INSERT INTO t (id, a, u) VALUES (?, ?, ?)", 30, "took 400", 400) // freed by the update
	p.exec(upd, 1, "x", "3")                                                           // a text key: general
	p.exec(upd, int64(1)<<40, "x", 3)                                                  // out of range: general
	p.exec("UPDATE t SET id = ? WHERE id = ?", 31, 30)                                 // moves the row: general
	p.want("1 rows", "UPDATE t AS x SET x.c = ? WHERE x.id = ?", 2.25, 3)
	p.want("1 rows", "UPDATE t SET e = DEFAULT WHERE id = ?", 3)
	p.want("1 rows", "UPDATE t SET d = NULL, c = 0 WHERE id = 3")
	p.want("1 rows", "UPDATE t SET b = b + ? WHERE id = ?", 1, 3)
	// Sums of the row's own columns.
	p.want("1 rows", "UPDATE t SET b = b - ?, c = c + ? WHERE id = ?", 5, 0.5, 3)
	p.want("1 rows", "UPDATE t SET b = ? + b, v = b + ? WHERE id = ?", 2, 10, 3)
	p.want("1 rows", "UPDATE t SET e = e + ? WHERE id = ?", 100, 3)
	p.exec("UPDATE t SET e = e + ? WHERE id = ?", 100, 3) // past TINYINT: the general path reports it
	p.want("1 rows", "UPDATE t SET b = ? WHERE id = ?", math.MaxInt32-1, 3)
	p.exec("UPDATE t SET b = b + ? WHERE id = ?", 5, 3)                    // past INT: general
	p.exec("UPDATE t SET b = b + ? WHERE id = ?", int64(math.MaxInt64), 3) // past int64: general
	p.exec("UPDATE t SET b = b + ? WHERE id = ?", "x", 3)
	p.exec("UPDATE t SET b = b + ? WHERE id = ?", 1.5, 3)
	p.exec("UPDATE t SET b = c + ? WHERE id = ?", 1, 3)
	p.exec("UPDATE t SET c = c + ? WHERE id = ?", 1, 3)
	p.exec("UPDATE t SET c = c * ? WHERE id = ?", 2.0, 3)
	p.want("0 rows", "UPDATE t SET b = b + ? WHERE id = ?", 1, 999)
	p.exec("UPDATE t SET b = b + ? WHERE id = ?", "x", 999) // a type error with no row
	p.want("1 rows", "UPDATE t SET d = NULL, b = NULL WHERE id = ?", 3)
	p.want("1 rows", "UPDATE t SET b = b + ?, c = c - ? WHERE id = ?", 1, nil, 3)
	p.wantError(core.KindConstraint, "UPDATE t SET u = u + ? WHERE id = ?", 67, 4) // 333 + 67: row 30 holds 400
	p.want("1 rows", "UPDATE t SET b = ? WHERE id = ? OR id = ?", 5, 1, 2)
	p.sameRows()

	p.want("1 rows", "DELETE FROM t WHERE id = ?", 4)
	p.want("0 rows", "DELETE FROM t WHERE id = ?", 4)
	p.want("0 rows", "DELETE FROM t WHERE id = ?", nil)
	p.exec("DELETE FROM t WHERE id = ?", "999") // a string key reads as a number, as in MySQL
	p.want("1 rows", "DELETE FROM t WHERE id = 21")
	p.want("1 rows", "INSERT INTO t (id, a, u) VALUES (?, ?, ?)", 4, "u 2100 again", 2100) // freed by the delete
	p.sameRows()

	if got := p.execMany("UPDATE t SET v = ? WHERE id = ?", []any{1, 1}, []any{2, 3}, []any{3, 999}); got != "2 rows" {
		t.Fatalf("executemany UPDATE: %s", got)
	}
	if got := p.execMany("DELETE FROM t WHERE id = ?", []any{1}, []any{20}, []any{999}); got != "2 rows" {
		t.Fatalf("executemany DELETE: %s", got)
	}
	if got := p.execMany("UPDATE t SET u = ? WHERE id = ?", []any{1, 3}, []any{1, 31}); got[:5] != "error" {
		t.Fatalf("executemany UPDATE of a taken unique value: %s", got)
	}
	p.sameRows()

	// A plan made before ALTER TABLE is not used after it.
	p.exec("ALTER TABLE t ADD COLUMN z INT")
	p.exec(ins, 40, "too few values now", 0, 0.0, true, 0, 4000, 0)
	p.want("1 rows", "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", 40, "nine", 0, 0.0, true, 0, 4000, 0, 9)
	p.want("1 rows", upd, 7, "after alter", 40)
	p.sameRows()
}

// In a transaction the fast writes see and are undone with its other
// writes.
func TestWriteFastPathInTransaction(t *testing.T) {
	p := openWritePair(t, writeTable)
	p.exec("INSERT INTO t (id, a, u) VALUES (1, 'a', 1), (2, 'b', 2)")
	p.exec("BEGIN")
	p.want("1 rows", "INSERT INTO t (id, a, u) VALUES (?, ?, ?)", 3, "c", 3)
	p.want("1 rows", "UPDATE t SET a = ? WHERE id = ?", "c2", 3)
	p.want("1 rows", "DELETE FROM t WHERE id = ?", 1)
	p.wantError(core.KindConstraint, "INSERT INTO t (id, a, u) VALUES (?, ?, ?)", 4, "d", 3)
	p.want("1 rows", "INSERT INTO t (id, a, u) VALUES (?, ?, ?)", 1, "a again", 1)
	p.sameRows()
	p.exec("ROLLBACK")
	p.sameRows()
	p.exec("BEGIN")
	p.want("1 rows", "UPDATE t SET u = ? WHERE id = ?", 20, 2)
	p.want("1 rows", "INSERT INTO t (id, a, u) VALUES (?, ?, ?)", 5, "took 2", 2)
	p.exec("COMMIT")
	p.sameRows()
	p.want("[[1 a 1] [2 b 20] [5 took 2 2]]", "SELECT id, a, u FROM t ORDER BY id")
}

// Keys of other shapes: a composite key, a narrow unsigned key, AUTO_INCREMENT,
// a table without a primary key (inserts only).
func TestWriteFastPathKeys(t *testing.T) {
	p := openWritePair(t,
		"CREATE TABLE ck (k1 INT, k2 TEXT, val BIGINT, PRIMARY KEY (k1, k2))",
		"CREATE TABLE ai (id BIGINT AUTO_INCREMENT PRIMARY KEY, x TEXT)",
		"CREATE TABLE us (id TINYINT UNSIGNED PRIMARY KEY, x TEXT)",
		"CREATE TABLE nk (x INT, y TEXT)")
	p.want("1 rows", "INSERT INTO ck VALUES (?, ?, ?)", 1, "a", 10)
	p.want("1 rows", "INSERT INTO ck VALUES (?, ?, ?)", 1, "b", 11)
	p.want("1 rows", "UPDATE ck SET val = ? WHERE k2 = ? AND k1 = ?", 12, "b", 1)
	p.want("0 rows", "UPDATE ck SET val = ? WHERE k1 = ? AND k2 = ?", 12, 2, "b")
	p.want("1 rows", "DELETE FROM ck WHERE k1 = ? AND k2 = ?", 1, "a")
	p.want("[[1 b 12]]", "SELECT * FROM ck ORDER BY k1, k2")
	p.want("1 rows", "INSERT INTO ai (x) VALUES (?)", "first")
	p.want("1 rows", "INSERT INTO ai VALUES (?, ?)", nil, "second")
	p.want("1 rows", "INSERT INTO ai VALUES (?, ?)", 10, "ten")
	p.want("1 rows", "INSERT INTO ai (x) VALUES (?)", "after ten")
	p.want("[[1 first] [2 second] [10 ten] [11 after ten]]", "SELECT * FROM ai ORDER BY id")
	p.want("1 rows", "INSERT INTO us VALUES (?, ?)", 255, "max")
	p.exec("INSERT INTO us VALUES (?, ?)", 256, "over")
	p.exec("INSERT INTO us VALUES (?, ?)", -1, "negative")
	p.want("1 rows", "UPDATE us SET x = ? WHERE id = ?", "changed", 255)
	p.exec("UPDATE us SET x = ? WHERE id = ?", "changed", 256) // the general path's error
	p.want("[[255 changed]]", "SELECT * FROM us")
	p.want("2 rows", "INSERT INTO nk VALUES (?, ?), (?, ?)", 1, "a", 2, "b")
	p.want("1 rows", "UPDATE nk SET y = ? WHERE x = ?", "bb", 2)
	p.want("1 rows", "DELETE FROM nk WHERE x = ?", 1)
	p.want("[[2 bb]]", "SELECT * FROM nk")
}

// The fast path is taken: a single-row write by key allocates a small
// fraction of what the general path's plan and executor allocate.
func TestWriteFastPathAllocations(t *testing.T) {
	p := openWritePair(t, writeTable)
	ctx := context.Background()
	id := int64(0)
	cases := []struct {
		q    string
		args func() []lazy.Expr
	}{
		{"INSERT INTO t (id, a, u, v) VALUES (?, ?, ?, ?)", func() []lazy.Expr {
			id++
			return params([]any{id, "row", id, 1})
		}},
		{"UPDATE t SET b = ?, a = ? WHERE id = ?", func() []lazy.Expr { return params([]any{7, "x", 1}) }},
		{"UPDATE t SET b = b + ? WHERE id = ?", func() []lazy.Expr { return params([]any{1, 1}) }},
		{"DELETE FROM t WHERE id = ?", func() []lazy.Expr { return params([]any{-1}) }},
	}
	for _, c := range cases {
		allocs := map[*sqlexec.Session]float64{}
		for _, s := range []*sqlexec.Session{p.fast, p.general} {
			allocs[s] = testing.AllocsPerRun(20, func() {
				if _, err := s.Execute(ctx, c.q, c.args(), nil); err != nil {
					t.Fatal(err)
				}
			})
		}
		if f, g := allocs[p.fast], allocs[p.general]; f > 120 || f*5 > g {
			t.Errorf("%s: %.0f allocations on the fast path, %.0f on the general one", c.q, f, g)
		}
	}
}

// SET write_fast_path takes 0, 1 or DEFAULT.
func TestWriteFastPathSetting(t *testing.T) {
	s := openSession(t)
	for _, q := range []string{"SET write_fast_path = 0", "SET write_fast_path = DEFAULT", "SET write_fast_path = 1"} {
		mustExecute(t, s, q)
	}
	if _, err := s.Execute(context.Background(), "SET write_fast_path = 2", nil, nil); core.KindOf(err) != core.KindInvalidInput {
		t.Fatalf("write_fast_path = 2: %v", err)
	}
}

func benchWrite(b *testing.B, general bool, setup []string, q string, args func(i int) []lazy.Expr) {
	db, err := storage.Open(b.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	s := sqlexec.NewSession(db)
	if general {
		mustExecute(b, s, "SET write_fast_path = 0")
	}
	for _, st := range setup {
		mustExecute(b, s, st)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(ctx, q, args(i), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite: single-row autocommit writes by key, fast and general
// path, without sync (the statement's cost, not the disk's).
func BenchmarkWrite(b *testing.B) {
	table := "CREATE TABLE t (id BIGINT PRIMARY KEY, f0 TEXT, f1 TEXT, f2 BIGINT)"
	rows := "INSERT INTO t VALUES " + func() string {
		s := ""
		for i := 0; i < 1000; i++ {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf("(%d, 'f0', 'f1', %d)", i, i)
		}
		return s
	}()
	for _, general := range []bool{false, true} {
		name := "fast"
		if general {
			name = "general"
		}
		b.Run("insert/"+name, func(b *testing.B) {
			benchWrite(b, general, []string{table}, "INSERT INTO t VALUES (?, ?, ?, ?)", func(i int) []lazy.Expr {
				return params([]any{i, "field zero", "field one", i})
			})
		})
		b.Run("update/"+name, func(b *testing.B) {
			benchWrite(b, general, []string{table, rows}, "UPDATE t SET f2 = ? WHERE id = ?", func(i int) []lazy.Expr {
				return params([]any{i, i % 1000})
			})
		})
		b.Run("update_plus/"+name, func(b *testing.B) {
			benchWrite(b, general, []string{table, rows}, "UPDATE t SET f2 = f2 + ? WHERE id = ?", func(i int) []lazy.Expr {
				return params([]any{1, i % 1000})
			})
		})
		b.Run("delete/"+name, func(b *testing.B) {
			benchWrite(b, general, []string{table, rows}, "DELETE FROM t WHERE id = ?", func(i int) []lazy.Expr {
				return params([]any{i % 1000})
			})
		})
	}
}

// Autocommit fast writes of one session run side by side (their commits
// share syncs) while another session alters the table: every write lands
// once, and those after the ALTER see its new column.
func TestWriteFastPathConcurrent(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, writeTable)
	other := sqlexec.NewSession(s.DB())
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := int64(w*1000 + i)
				if _, err := s.Execute(ctx, "INSERT INTO t (id, a, u, v) VALUES (?, ?, ?, ?)", params([]any{k, "r", k, w}), nil); err != nil {
					errs <- err
					return
				}
				if _, err := s.Execute(ctx, "UPDATE t SET b = b + ?, v = ? WHERE id = ?", params([]any{1, w + 1, k}), nil); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	if _, err := other.Execute(ctx, "ALTER TABLE t ADD COLUMN z INT DEFAULT 5", nil, nil); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rows := outcome(s.Execute(ctx, "SELECT COUNT(*), COUNT(b), SUM(v), MIN(z), MAX(z) FROM t", nil, nil))
	if rows != "[[200 0 500 5 5]]" {
		t.Fatalf("after concurrent writes: %s", rows)
	}
}
