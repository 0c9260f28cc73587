package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// A backup taken while a writer commits opens as a database of its own,
// holds every transaction committed before it began, and each one whole.
func TestBackupWhileWriting(t *testing.T) {
	for _, inMemory := range []bool{false, true} {
		t.Run(fmt.Sprintf("inMemory=%v", inMemory), func(t *testing.T) {
			dir := t.TempDir()
			db, err := Open(filepath.Join(dir, "db"), Options{InMemory: inMemory, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			run(t, db, func(tx *Txn) error {
				return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "pair", Type: i64}}, PrimaryKey: []string{"id"}})
			})
			s := schemaOf(field("id", i64), field("pair", i64))
			var committed atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // each transaction inserts two rows of one pair
				defer wg.Done()
				for i := int64(0); ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					err := db.Run(func(tx *Txn) error {
						_, err := tx.Insert("t", batch(t, s, fmt.Sprintf(`[{"id": %d, "pair": %d}, {"id": %d, "pair": %d}]`, 2*i, i, 2*i+1, i)), ConflictError)
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
					committed.Store(i + 1)
				}
			}()
			for committed.Load() < 50 {
				runtime.Gosched()
			}
			before := committed.Load()
			dest := filepath.Join(dir, "backup", "copy")
			if err := db.Backup(dest); err != nil {
				t.Fatal(err)
			}
			close(stop)
			wg.Wait()
			if err := db.Backup(dest); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Fatalf("a second backup into the same directory: %v", err)
			}
			for _, ro := range []bool{true, false} {
				cp, err := Open(dest, Options{ReadOnly: ro})
				if err != nil {
					t.Fatal(err)
				}
				rows := scanRows(t, cp, "t", ScanOptions{})
				pairs := map[string]int{}
				for _, r := range rows {
					pairs[strings.Split(r, ",")[1]]++
				}
				for p, n := range pairs {
					if n != 2 {
						t.Errorf("pair %s has %d rows: a transaction was split", p, n)
					}
				}
				if int64(len(pairs)) < before {
					t.Errorf("the backup holds %d transactions, %d had committed before it", len(pairs), before)
				}
				for i := int64(0); i < int64(len(pairs)); i++ {
					if pairs[strconv.FormatInt(i, 10)] != 2 {
						t.Errorf("transaction %d missing from a backup of %d", i, len(pairs))
						break
					}
				}
				if err := cp.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestBackupRefusesNonEmptyDestination(t *testing.T) {
	db := openMem(t)
	dest := t.TempDir()
	if err := os.WriteFile(filepath.Join(dest, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(dest); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("backup into a non-empty directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "keep.txt")); string(b) != "mine" {
		t.Fatal("the backup touched a file it does not own")
	}
	empty := t.TempDir() // an existing empty directory is fine
	if err := db.Backup(empty); err != nil {
		t.Fatal(err)
	}
}
