package storage_test

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/storage"
)

// A table with a primary key and an index: bulk insert from Arrow, a key
// range scan, and a point read, each statement in its own transaction.
func Example() {
	db, err := storage.Open("", storage.Options{InMemory: true})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	err = db.Run(func(tx *storage.Txn) error {
		return tx.CreateTable(storage.TableDef{
			Name:       "users",
			Columns:    []storage.ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "name", Type: arrow.BinaryTypes.String, NotNull: true}},
			PrimaryKey: []string{"id"},
			Indexes:    []storage.IndexDef{{Name: "by_name", Columns: []string{"name"}, Unique: true}},
		})
	})
	if err != nil {
		panic(err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "name", Type: arrow.BinaryTypes.String}}, nil)
	rows, _, _ := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(`[{"id": 2, "name": "bo"}, {"id": 1, "name": "al"}, {"id": 3, "name": "cy"}]`))
	defer rows.Release()
	_ = db.Run(func(tx *storage.Txn) error {
		n, err := tx.Insert("users", rows, storage.ConflictError)
		fmt.Println("inserted", n, err)
		return err
	})
	_ = db.Run(func(tx *storage.Txn) error {
		rr, err := tx.Scan("users", storage.ScanOptions{Columns: []string{"name"}, Ranges: []storage.KeyRange{{Lower: []any{2}}}})
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			fmt.Println(rr.RecordBatch().Column(0))
		}
		row, ok, err := tx.Get("users", []any{1})
		fmt.Println(row, ok, err)
		return nil
	})
	// Output:
	// inserted 3 <nil>
	// ["bo" "cy"]
	// [1 al] true <nil>
}
