package sqlexec_test

import (
	"context"
	"fmt"
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
	return string(b)
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
	got := compact(t, mustExecute(t, s, "SELECT * FROM t WHERE id IN (?, ?, ?)", 2, 1, 2))
	want := `{"columns":[["id","i","Int64"],["a","s","String"],["b","i","Int32"]],"rowcount":-1,"rows":[[1,"x",null],[2,"y\"\n",null]]}`
	if got != want {
		t.Fatalf("after ALTER: %s\nwant %s", got, want)
	}
}

func BenchmarkExecutePointGet(b *testing.B) {
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
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := mustExecute(b, s, "SELECT * FROM t WHERE id = ?", int64(i%1000))
		_, _ = r.AppendCompact(nil)
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
