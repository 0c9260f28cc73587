package sqlexec_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
)

// keySetTable fills t(id BIGINT PRIMARY KEY, f0 TEXT, f1 TEXT, f2 BIGINT)
// with ids 0..n-1.
func keySetTable(tb testing.TB, s *sqlexec.Session, n int) {
	tb.Helper()
	mustExecute(tb, s, "CREATE TABLE t (id BIGINT PRIMARY KEY, f0 TEXT, f1 TEXT, f2 BIGINT)")
	for i := 0; i < n; i += 1000 {
		rows := make([][]lazy.Expr, min(1000, n-i))
		for j := range rows {
			rows[j] = []lazy.Expr{lit(int64(i + j)), lit(fmt.Sprintf("f0 value of row %08d", i+j)), lit("the same f1 text of 24 b"), lit(int64(j) << 30)}
		}
		if _, err := s.ExecuteMany(context.Background(), "INSERT INTO t VALUES (?, ?, ?, ?)", rows, nil); err != nil {
			tb.Fatal(err)
		}
	}
}

// isInPlan is db.table("t").filter(col(column).is_in(keys)) over s.
func isInPlan(tb testing.TB, s *sqlexec.Session, column string, keys []any) (lazy.Plan, func()) {
	tb.Helper()
	st := s.Statement()
	tp, err := st.TablePlan("t")
	if err != nil {
		tb.Fatal(err)
	}
	in := &lazy.Call{Name: "is_in", Args: []lazy.Expr{&lazy.Column{Name: column}}, Opts: map[string]any{"values": keys}}
	f, err := lazy.NewFilter(tp, in)
	if err != nil {
		tb.Fatal(err)
	}
	return f, st.Release
}

// BenchmarkTableKeySet looks up 10,000 random keys of 100,000 rows by a
// filter is_in on the primary key (bench/lookup_bench.py at a tenth).
func BenchmarkTableKeySet(b *testing.B) {
	s := openSession(b)
	keySetTable(b, s, 100_000)
	keys := make([]any, 10_000)
	for i := range keys {
		keys[i] = int64((i * 7919) % 100_000)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, release := isInPlan(b, s, "id", keys)
		tbl, err := exec.Run(context.Background(), memory.DefaultAllocator, exec.Optimize(p))
		if err != nil {
			b.Fatal(err)
		}
		tbl.Release()
		release()
	}
}

// BenchmarkTableKeySetDir is BenchmarkTableKeySet over the table t of the
// database in $ALOPEX_KEYSET_DIR (bench/lookup_bench.py's, 1M rows), with
// 100,000 random keys: skipped without it.
func BenchmarkTableKeySetDir(b *testing.B) {
	dir := os.Getenv("ALOPEX_KEYSET_DIR")
	if dir == "" {
		b.Skip("ALOPEX_KEYSET_DIR is not set")
	}
	cacheSize, _ := strconv.ParseInt(os.Getenv("ALOPEX_KEYSET_CACHE"), 10, 64) // 0: the default
	db, err := storage.Open(dir, storage.Options{CacheSize: cacheSize})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := sqlexec.NewSession(db)
	rng := rand.New(rand.NewPCG(2, 2))
	keys := make([]any, 100_000)
	for i := range keys {
		keys[i] = rng.Int64N(1_000_000)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, release := isInPlan(b, s, "id", keys)
		tbl, err := exec.Run(context.Background(), memory.DefaultAllocator, exec.Optimize(p))
		if err != nil {
			b.Fatal(err)
		}
		tbl.Release()
		release()
	}
}
