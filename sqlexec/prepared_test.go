package sqlexec_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
)

func openSession(t testing.TB) *sqlexec.Session {
	t.Helper()
	db, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return sqlexec.NewSession(db)
}

func lit(v any) lazy.Expr {
	switch x := v.(type) {
	case string:
		return &lazy.Literal{Value: x, Type: arrow.BinaryTypes.String}
	case int:
		return &lazy.Literal{Value: int64(x), Type: arrow.PrimitiveTypes.Int64}
	}
	return &lazy.Literal{Value: v, Type: arrow.PrimitiveTypes.Int64}
}

func mustExecute(t testing.TB, s *sqlexec.Session, q string, params ...any) *sqlexec.Result {
	t.Helper()
	ps := make([]lazy.Expr, len(params))
	for i, p := range params {
		ps[i] = lit(p)
	}
	r, err := s.Execute(context.Background(), q, ps, nil)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

func compact(t testing.TB, r *sqlexec.Result) string {
	t.Helper()
	b, err := r.AppendCompact(nil)
	if err != nil {
		t.Fatal(err)
	}
	return sqlexec.CompactText(b)
}

// The point path and the general path give the same rows; a point plan made
// before an ALTER TABLE is not used after it.
func TestExecutePointGetAndInvalidation(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT)")
	mustExecute(t, s, "INSERT INTO t VALUES (1, 'x'), (2, 'y\"\\n')")
	point := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id IN (?, ?, ?)", 2, 1, 2))
	general := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id IN (?, ?, ?) ORDER BY id", 2, 1, 2))
	if point != general {
		t.Fatalf("point %s\ngeneral %s", point, general)
	}
	mustExecute(t, s, "ALTER TABLE t ADD COLUMN b INT")
	res := mustExecute(t, s, "SELECT * FROM t WHERE id IN (?, ?, ?)", 2, 1, 2)
	if got := strings.Join(res.Names, ","); got != "id,a,b" {
		t.Fatalf("after ALTER the columns are %s", got)
	}
	got := compact(t, res)
	want := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id IN (?, ?, ?) ORDER BY id", 2, 1, 2))
	if got != want {
		t.Fatalf("after ALTER: %q\nwant %q", got, want)
	}
}

// pointGetTable is a session with a table t of 1,000 rows for the point
// read benchmarks.
func pointGetTable(b *testing.B) *sqlexec.Session {
	s := openSession(b)
	mustExecute(b, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v DOUBLE)")
	for i := 0; i < 1000; i += 100 {
		q := "INSERT INTO t VALUES "
		for j := i; j < i+100; j++ {
			if j > i {
				q += ","
			}
			q += fmt.Sprintf("(%d, 'row %d', %d.5)", j, j, j)
		}
		mustExecute(b, s, q)
	}
	return s
}

func BenchmarkExecutePointGet(b *testing.B) {
	s := pointGetTable(b)
	var buf []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := mustExecute(b, s, "SELECT * FROM t WHERE id = ?", int64(i%1000))
		buf, _ = r.AppendCompact(buf[:0])
		r.Release()
	}
}

func BenchmarkExecuteInsert(b *testing.B) {
	s := openSession(b)
	mustExecute(b, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v DOUBLE)")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mustExecute(b, s, "INSERT INTO t VALUES (?, ?, ?)", int64(i), "row", int64(i))
	}
}

func BenchmarkExecuteUpdate(b *testing.B) {
	s := openSession(b)
	mustExecute(b, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v BIGINT)")
	mustExecute(b, s, "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mustExecute(b, s, "UPDATE t SET v = ? WHERE id = ?", int64(i), int64(1))
	}
}

func BenchmarkExecuteManyInsert(b *testing.B) {
	s := openSession(b)
	mustExecute(b, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v DOUBLE)")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows := make([][]lazy.Expr, 1000)
		for j := range rows {
			rows[j] = []lazy.Expr{lit(int64(i*1000 + j)), lit("row"), &lazy.Literal{Value: 1.5, Type: arrow.PrimitiveTypes.Float64}}
		}
		if _, err := s.ExecuteMany(context.Background(), "INSERT INTO t VALUES (?, ?, ?)", rows, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// A columnar executemany insert converts untyped parameters (as Python's
// ints arrive) exactly: a value past the column's range fails the batch and
// names its row, as the row-at-a-time insert does.
func TestExecuteManyUntypedOutOfRange(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE m (id INT PRIMARY KEY, u SMALLINT)")
	dyn := func(v int64) lazy.Expr { return &lazy.Literal{Value: v, Dynamic: true} }
	rows := [][]lazy.Expr{{dyn(12), dyn(1)}, {dyn(13), dyn(40000)}}
	_, err := s.ExecuteMany(context.Background(), "INSERT INTO m (id, u) VALUES (?, ?)", rows, nil)
	if err == nil || !strings.Contains(err.Error(), "parameter row 1") {
		t.Fatalf("got %v", err)
	}
	rows[1][1] = dyn(-7)
	if n, err := s.ExecuteMany(context.Background(), "INSERT INTO m (id, u) VALUES (?, ?)", rows, nil); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	got := compact(t, mustExecute(t, s, "SELECT * FROM m"))
	if want := `[[[id i Int32] [u i Int16]] -1 [[12 1] [13 -7]] false]`; got != want {
		t.Fatal(got)
	}
}

// Parsers are pooled; a parse must not hand out the parser's own result
// buffer, which the next parse on another goroutine overwrites (a statement
// then ran as another's text, and the cache would have kept it so).
func TestConcurrentParsesKeepTheirOwnStatement(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				q := fmt.Sprintf("SELECT %d AS c%d", g*1000+i, g)
				info, err := sqlexec.Inspect(q)
				if err != nil {
					errs <- err
					return
				}
				_ = info
				p, err := sqlexec.Compile(q, nil, nil, nil)
				if err != nil {
					errs <- err
					return
				}
				if name := p.Schema().Field(0).Name; name != fmt.Sprintf("c%d", g) {
					errs <- fmt.Errorf("%q compiled as a statement with column %q", q, name)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// BenchmarkExecuteInList reads 1,000 random keys of 50,000 rows per
// statement (bench/db_bench.py's batched lookup in SQL).
func BenchmarkExecuteInList(b *testing.B) {
	s := openSession(b)
	mustExecute(b, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, f0 TEXT, f1 TEXT, f2 BIGINT)")
	for i := 0; i < 50_000; i += 1000 {
		rows := make([][]lazy.Expr, 1000)
		for j := range rows {
			rows[j] = []lazy.Expr{lit(int64(i + j)), lit(fmt.Sprintf("f0 value of row %08d", i+j)), lit("the same f1 text of 24 b"), lit(int64(j) << 30)}
		}
		if _, err := s.ExecuteMany(context.Background(), "INSERT INTO t VALUES (?, ?, ?, ?)", rows, nil); err != nil {
			b.Fatal(err)
		}
	}
	q := "SELECT * FROM t WHERE id IN (?" + strings.Repeat(", ?", 999) + ")"
	params := make([]any, 1000)
	for i := range params {
		params[i] = int64((i * 7919) % 50_000)
	}
	var buf []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := mustExecute(b, s, q, params...)
		buf, _ = r.AppendCompact(buf[:0])
		r.Release()
	}
}

// TestPointGetAllocations keeps a point read's Go allocations few: each
// one costs garbage-collector work on every read (the key, the row and the
// encoding reuse pooled space; what is left is the result, the encoded key
// and the test's own parameter).
func TestPointGetAllocations(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v DOUBLE)")
	mustExecute(t, s, "INSERT INTO t VALUES (1000, 'row', 1.5), (2000, 'row 2', 2.5)")
	params := []lazy.Expr{lit(int64(1000))}
	var buf []byte
	allocs := testing.AllocsPerRun(200, func() {
		r, err := s.Execute(context.Background(), "SELECT * FROM t WHERE id = ?", params, nil)
		if err != nil {
			t.Fatal(err)
		}
		buf, _ = r.AppendCompact(buf[:0])
		r.Release()
	})
	if allocs > 4 {
		t.Fatalf("a point read allocates %v times; want at most 4", allocs)
	}
	if got := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id = ?", 1000)); !strings.Contains(got, "row") {
		t.Fatalf("the read found %q", got)
	}
}

// TestLongInListMatchesGeneralPath: a long IN list is read in parts side by
// side (storage.LatestRead.GetManySplit); the rows are the general path's,
// in key order, each once (duplicates, missing keys and NULL included).
func TestLongInListMatchesGeneralPath(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, v DOUBLE)")
	q := "INSERT INTO t VALUES "
	for i := 0; i < 2000; i += 2 {
		if i > 0 {
			q += ","
		}
		q += fmt.Sprintf("(%d, 'row %d', %d.25)", i, i, i)
	}
	mustExecute(t, s, q)
	params := make([]any, 900)
	for i := range params {
		params[i] = int64((i * 7919) % 2100) // odd keys and keys past the end are missing
	}
	params[5], params[17] = nil, params[3]
	in := "(?" + strings.Repeat(", ?", len(params)-1) + ")"
	point := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id IN "+in, params...))
	general := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id IN "+in+" ORDER BY id", params...))
	if point != general {
		t.Fatalf("point %s\ngeneral %s", point, general)
	}
	if !strings.Contains(point, "row 1998") {
		t.Fatalf("rows: %.200s", point)
	}
}

// TestPointReadGeneration: an autocommit point read carries the read
// generation it read at, which every commit and every BEGIN advance; reads
// in a transaction and results of the general path carry none (Python's
// row cache answers only results with one, while the generation holds).
func TestPointReadGeneration(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT)")
	mustExecute(t, s, "INSERT INTO t VALUES (1, 'x'), (2, 'y')")
	gen := func(q string, args ...any) int64 {
		t.Helper()
		b, err := mustExecute(t, s, q, args...).AppendCompact(nil)
		if err != nil {
			t.Fatal(err)
		}
		return sqlexec.CompactGeneration(b)
	}
	g1 := gen("SELECT * FROM t WHERE id = ?", 1)
	if g1 < 0 || gen("SELECT * FROM t WHERE id = ?", 2) != g1 || gen("SELECT * FROM t WHERE id IN (?, ?)", 1, 3) != g1 {
		t.Fatalf("point reads without a commit between them: generations %d and others", g1)
	}
	mustExecute(t, s, "INSERT INTO t VALUES (9, ?)", strings.Repeat("long ", 500))
	if g := gen("SELECT * FROM t WHERE id = ?", 9); g != -1 {
		t.Fatalf("a 2.5 kB row carries generation %d", g)
	}
	g1 = gen("SELECT * FROM t WHERE id = ?", 1)
	if g := gen("SELECT * FROM t WHERE id > ?", 0); g != -1 {
		t.Fatalf("a general query carries generation %d", g)
	}
	mustExecute(t, s, "UPDATE t SET a = 'z' WHERE id = 2")
	g2 := gen("SELECT * FROM t WHERE id = ?", 1)
	if g2 <= g1 {
		t.Fatalf("a commit left the generation at %d (was %d)", g2, g1)
	}
	mustExecute(t, s, "BEGIN")
	if g := gen("SELECT * FROM t WHERE id = ?", 1); g != -1 {
		t.Fatalf("a read in a transaction carries generation %d", g)
	}
	mustExecute(t, s, "ROLLBACK")
	if g := gen("SELECT * FROM t WHERE id = ?", 1); g <= g2 {
		t.Fatalf("BEGIN left the generation at %d (was %d)", g, g2)
	}
}

// TestAutocommitContentionLosesNoUpdate: many goroutines of one session
// increment one row; a statement that keeps losing the write conflict ends
// up running alone in its session, so none fails and none is lost however
// the goroutines are scheduled (the CI machine is loaded and has 2 cores).
func TestAutocommitContentionLosesNoUpdate(t *testing.T) {
	s := openSession(t)
	mustExecute(t, s, "CREATE TABLE c (id INT PRIMARY KEY, n BIGINT)")
	mustExecute(t, s, "INSERT INTO c VALUES (1, 0)")
	const workers, each = 32, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := s.Execute(context.Background(), "UPDATE c SET n = n + 1 WHERE id = 1", nil, nil)
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := compact(t, mustExecute(t, s, "SELECT n FROM c WHERE id = ?", 1))
	if want := fmt.Sprint(workers * each); !strings.Contains(got, want) {
		t.Fatalf("n is %s, want %s", got, want)
	}
}

// BenchmarkExecuteIntPointGet is BenchmarkExecutePointGet through
// ExecuteInt, the call Python makes for WHERE pk = ? with an int: 0
// allocations per read.
func BenchmarkExecuteIntPointGet(b *testing.B) {
	s := pointGetTable(b)
	const q = "SELECT * FROM t WHERE id = ?"
	buf := make([]byte, 0, 4096)
	buf, _ = s.ExecuteInt(context.Background(), q, 1, buf, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, _ = s.ExecuteInt(context.Background(), q, int64(500+i%500), buf[:0], nil)
	}
}
