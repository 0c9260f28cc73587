package storage

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// Many goroutines move money between accounts in optimistic transactions
// (retrying on conflict) while others read: every snapshot sums to the
// same total, each committed transfer left exactly one log row, and the
// indexes agree with the tables. Run it under -race.
func TestConcurrentTransfers(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "accounts", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "balance", Type: i64}},
			Indexes: []IndexDef{{Name: "by_balance", Columns: []string{"balance"}}}}); err != nil {
			return err
		}
		if err := tx.CreateTable(TableDef{Name: "log", Columns: []ColumnDef{{Name: "worker", Type: i64}, {Name: "n", Type: i64}},
			Indexes: []IndexDef{{Name: "once", Columns: []string{"worker", "n"}, Unique: true}}}); err != nil {
			return err
		}
		ids, bal := make([]int64, 10), make([]int64, 10)
		for i := range ids {
			ids[i], bal[i] = int64(i), 100
		}
		_, err := tx.Insert("accounts", int64Batch([]string{"id", "balance"}, ids, bal), ConflictError)
		return err
	})
	const writers, readers, transfers = 6, 2, 40
	var wg sync.WaitGroup
	var conflicts, committed atomic.Int64
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 3))
			for n := 0; n < transfers; {
				err := db.Run(func(tx *Txn) error {
					a, b := r.Int64N(10), r.Int64N(10)
					for _, acc := range []struct{ id, delta int64 }{{a, -5}, {b, 5}} {
						row, _, err := tx.Get("accounts", []any{acc.id})
						if err != nil {
							return err
						}
						if _, err := tx.Update("accounts", int64Batch([]string{"id", "balance"}, []int64{acc.id}, []int64{row[1].(int64) + acc.delta})); err != nil {
							return err
						}
					}
					_, err := tx.Insert("log", int64Batch([]string{"worker", "n"}, []int64{int64(w)}, []int64{int64(n)}), ConflictError)
					return err
				})
				switch core.KindOf(err) {
				case core.KindOK:
					n++
					committed.Add(1)
				case core.KindTransactionConflict:
					conflicts.Add(1)
				default:
					t.Error(err)
					return
				}
			}
		}(w)
	}
	stop := make(chan struct{})
	var rg sync.WaitGroup
	for i := 0; i < readers; i++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = db.Run(func(tx *Txn) error {
					var sum int64
					for _, row := range readAll(t, tx, "accounts", ScanOptions{Columns: []string{"balance"}}) {
						v, _ := strconv.ParseInt(row, 10, 64)
						sum += v
					}
					if sum != 1000 {
						t.Errorf("a snapshot sums to %d", sum)
					}
					return nil
				})
			}
		}()
	}
	wg.Wait()
	close(stop)
	rg.Wait()
	t.Logf("%d commits, %d conflicts retried", committed.Load(), conflicts.Load())
	run(t, db, func(tx *Txn) error {
		if n := len(readAll(t, tx, "log", ScanOptions{})); n != writers*transfers {
			t.Errorf("%d log rows, want %d", n, writers*transfers)
		}
		checkIndexes(t, tx)
		return nil
	})
	if n := len(db.txns.lastWrite); n != 0 {
		t.Errorf("conflict tracking kept %d keys after every transaction ended", n)
	}
}
