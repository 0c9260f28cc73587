package sqlexec_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
)

// TestOneWALSyncPerAutocommit: a durable autocommit INSERT, UPDATE or
// DELETE syncs the write-ahead log exactly once (one pebble batch: the
// rows, the index entries and any counter in the same commit), on the
// fast and the general path, with and without a secondary index and for a
// table without a primary key; a statement that fails or changes no row
// does not sync at all.
func TestOneWALSyncPerAutocommit(t *testing.T) {
	ctx := context.Background()
	const n = 40
	for _, fast := range []int{1, 0} {
		for _, table := range []string{
			"CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT, s TEXT)",
			"CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT, s TEXT, INDEX t_v (v), UNIQUE INDEX t_s (s))",
			"CREATE TABLE t (id BIGINT, v BIGINT, s TEXT)",
			"CREATE TABLE t (id BIGINT PRIMARY KEY AUTO_INCREMENT, v BIGINT, s TEXT)",
		} {
			t.Run(fmt.Sprintf("fast=%d/%s", fast, table), func(t *testing.T) {
				db, err := storage.Open(t.TempDir(), storage.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				s := sqlexec.NewSession(db)
				mustExecute(t, s, table)
				mustExecute(t, s, fmt.Sprintf("SET write_fast_path = %d", fast))
				// A first insert reserves a block of hidden row ids or
				// AUTO_INCREMENT values past 5,000 (once per 1,024 ids, in
				// the reserving statement's own commit: storage/counters.go).
				mustExecute(t, s, "INSERT INTO t VALUES (?, ?, ?)", 5000, -1, "warm")
				count := func(what string, want uint64, q string, args func(i int) []any) {
					t.Helper()
					before := db.WALSyncs()
					for i := range n {
						if _, err := s.Execute(ctx, q, params(args(i)), nil); err != nil && want > 0 {
							t.Fatalf("%s: %v", q, err)
						}
					}
					if got := db.WALSyncs() - before; got != want {
						t.Errorf("%s: %d WAL syncs for %d statements; want %d", what, got, n, want)
					}
				}
				ins := func(i int) []any { return []any{i + 1, i, fmt.Sprint("s", i)} }
				count("INSERT", n, "INSERT INTO t VALUES (?, ?, ?)", ins)
				if strings.Contains(table, "PRIMARY KEY") {
					count("INSERT of a taken key", 0, "INSERT INTO t VALUES (?, ?, ?)", ins)
				}
				count("UPDATE", n, "UPDATE t SET v = ? WHERE id = ?", func(i int) []any { return []any{-i - 10, i + 1} })
				count("UPDATE of no row", 0, "UPDATE t SET v = ? WHERE id = ?", func(i int) []any { return []any{i, i + 6000} })
				count("DELETE", n, "DELETE FROM t WHERE id = ?", func(i int) []any { return []any{i + 1} })
				count("DELETE of no row", 0, "DELETE FROM t WHERE id = ?", func(i int) []any { return []any{i + 1} })
			})
		}
	}
}
