package storage

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// appendRows is what sqlexec's Load does with a load into an existing
// table in a transaction of its own: LoadAppend, or Insert when it
// declines. fast says which path wrote the rows.
func appendRows(tx *Txn, table string, bs ...arrow.RecordBatch) (n int64, fast bool, err error) {
	n, fast, err = tx.LoadAppend(table, bs)
	if fast || err != nil {
		return n, fast, err
	}
	for _, b := range bs {
		m, err := tx.Insert(table, b, ConflictError)
		if err != nil {
			return 0, false, err
		}
		n += m
	}
	return n, false, nil
}

func ident(k int64) int64 { return k }

// A load into a table that holds rows is ingested: keys before, between
// and after the stored ones, in unordered batches; an open snapshot does
// not see them; they survive a reopen.
func TestLoadAppendIngests(t *testing.T) {
	lowIngestMin(t)
	dir := t.TempDir()
	db := openSpilling(t, dir)
	notNullKV(t, db)
	want := map[int64]int64{}
	run(t, db, func(tx *Txn) error {
		for k := int64(100); k < 200; k += 2 {
			want[k] = -k
			if _, err := tx.Insert("t", kvRows(t, k, k+1, func(k int64) int64 { return -k }, nil), ConflictError); err != nil {
				return err
			}
		}
		return nil
	})
	reader := begin(t, db)
	defer reader.Rollback()
	tx := begin(t, db)
	var odd []int64
	for k := int64(1); k < 199; k += 2 {
		odd = append(odd, k)
		want[k] = k
	}
	oddRows := int64Batch([]string{"k", "v"}, odd, odd)
	defer oddRows.Release()
	n, fast, err := appendRows(tx, "t", reverseKV(t, kvRows(t, 300, 1300, ident, nil)), oddRows, kvRows(t, 2000, 2500, ident, nil))
	if err != nil || !fast || n != 1000+int64(len(odd))+500 {
		t.Fatalf("LoadAppend = %d, %v, %v", n, fast, err)
	}
	if len(tx.bulk) != 1 || tx.pend.len() != 0 {
		t.Fatalf("not loaded by ingestion: %d files, %d pending writes", len(tx.bulk), tx.pend.len())
	}
	for k := int64(300); k < 1300; k++ {
		want[k] = k
	}
	for k := int64(2000); k < 2500; k++ {
		want[k] = k
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, reader, "t", ScanOptions{}); len(got) != 50 {
		t.Errorf("an open snapshot sees %d rows, want the 50 before the load", len(got))
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
	if names := tmpEntries(t, dir); len(names) != 0 {
		t.Errorf("temporary files left: %v", names)
	}
	reader.Rollback()
	db.Close()
	db = openSpilling(t, dir)
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), model(want))
}

// A duplicate key, within the load or against a stored row, and a NULL in
// a NOT NULL column make LoadAppend decline with nothing written; the
// insert path then fails with the Constraint error naming the value, and
// the table is as before.
func TestLoadAppendConstraints(t *testing.T) {
	lowIngestMin(t)
	dir := t.TempDir()
	db := openSpilling(t, dir)
	notNullKV(t, db)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", kvRows(t, 0, 100, ident, nil), ConflictError)
		return err
	})
	before := scanRows(t, db, "t", ScanOptions{})
	dupInLoad := int64Batch([]string{"k", "v"}, []int64{500, 700, 600, 700}, []int64{1, 2, 3, 4})
	defer dupInLoad.Release()
	for _, c := range []struct {
		name string
		bs   []arrow.RecordBatch
		kind core.Kind
		msg  string
	}{
		{"stored key", []arrow.RecordBatch{kvRows(t, 1000, 2000, ident, nil), kvRows(t, 50, 51, ident, nil)}, core.KindConstraint, "(k)=(50)"},
		{"stored key, ordered", []arrow.RecordBatch{kvRows(t, 99, 2000, ident, nil)}, core.KindConstraint, "(k)=(99)"},
		{"in the load", []arrow.RecordBatch{kvRows(t, 1000, 2000, ident, nil), dupInLoad}, core.KindConstraint, "(k)=(700)"},
		{"across batches", []arrow.RecordBatch{kvRows(t, 1000, 2000, ident, nil), kvRows(t, 1500, 1501, ident, nil)}, core.KindConstraint, "(k)=(1500)"},
		{"not null", []arrow.RecordBatch{kvRows(t, 1000, 2000, ident, func(k int64) bool { return k == 1234 })}, core.KindConstraint, `"v"`},
	} {
		tx := begin(t, db)
		_, fast, err := tx.LoadAppend("t", c.bs)
		if fast || err != nil || len(tx.bulk) != 0 || len(tmpEntries(t, dir)) != 0 {
			t.Errorf("%s: LoadAppend = %v, %v, %d files, %v", c.name, fast, err, len(tx.bulk), tmpEntries(t, dir))
		}
		_, _, err = appendRows(tx, "t", c.bs...)
		if core.KindOf(err) != c.kind || !strings.Contains(fmt.Sprint(err), c.msg) {
			t.Errorf("%s: %v, want a %v error naming %s", c.name, err, c.kind, c.msg)
		}
		tx.Rollback()
		eqRows(t, scanRows(t, db, "t", ScanOptions{}), before)
	}
	// A rolled-back load leaves nothing.
	tx := begin(t, db)
	if _, fast, err := tx.LoadAppend("t", []arrow.RecordBatch{kvRows(t, 1000, 2000, ident, nil)}); !fast || err != nil {
		t.Fatalf("LoadAppend = %v, %v", fast, err)
	}
	tx.Rollback()
	if names := tmpEntries(t, dir); len(names) != 0 {
		t.Errorf("temporary files left after rollback: %v", names)
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), before)
}

// Generated values continue across loads and inserts: AUTO_INCREMENT keys
// and hidden row ids; omitted columns take their DEFAULT.
func TestLoadAppendGeneratedValues(t *testing.T) {
	lowIngestMin(t)
	db := openSpilling(t, t.TempDir())
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "a", Columns: []ColumnDef{
			{Name: "id", Type: i64, AutoIncrement: true}, {Name: "v", Type: i64}, {Name: "d", Type: i64, Default: 7}},
			PrimaryKey: []string{"id"}}); err != nil {
			return err
		}
		return tx.CreateTable(TableDef{Name: "h", Columns: []ColumnDef{{Name: "v", Type: i64}}})
	})
	vs := func(lo, hi int64) arrow.RecordBatch {
		var v []int64
		for k := lo; k < hi; k++ {
			v = append(v, k)
		}
		b := int64Batch([]string{"v"}, v)
		t.Cleanup(b.Release)
		return b
	}
	for _, table := range []string{"a", "h"} {
		run(t, db, func(tx *Txn) error { _, err := tx.Insert(table, vs(0, 10), ConflictError); return err })
		tx := begin(t, db)
		if _, fast, err := appendRows(tx, table, vs(10, 1000)); err != nil || !fast {
			t.Fatalf("%s: LoadAppend = %v, %v", table, fast, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		run(t, db, func(tx *Txn) error { _, err := tx.Insert(table, vs(1000, 1001), ConflictError); return err })
	}
	var want []string
	for k := int64(0); k <= 1000; k++ {
		want = append(want, fmt.Sprintf("%d,%d,7", k+1, k))
	}
	eqRows(t, scanRows(t, db, "a", ScanOptions{}), want)
	got := scanRows(t, db, "h", ScanOptions{Columns: []string{RowIDColumn, "v"}})
	want = want[:0]
	for k := int64(0); k <= 1000; k++ {
		want = append(want, fmt.Sprintf("%d,%d", k+1, k))
	}
	eqRows(t, got, want)
	// Explicit AUTO_INCREMENT values load fast and move the counter.
	tx := begin(t, db)
	ids := int64Batch([]string{"id", "v"}, []int64{5000, 5001}, []int64{1, 2})
	defer ids.Release()
	if _, fast, err := appendRows(tx, "a", ids); err != nil || !fast {
		t.Fatalf("LoadAppend = %v, %v", fast, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	run(t, db, func(tx *Txn) error { _, err := tx.Insert("a", vs(9, 10), ConflictError); return err })
	if got := scanRows(t, db, "a", ScanOptions{}); got[len(got)-1] != "5002,9,7" {
		t.Errorf("last row %s, want 5002,9,7", got[len(got)-1])
	}
}

// Tables with secondary or vector indexes, and transactions that wrote
// before, take the insert path; the index then matches its rows.
func TestLoadAppendFallsBack(t *testing.T) {
	lowIngestMin(t)
	db := openSpilling(t, t.TempDir())
	notNullKV(t, db)
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "ix", Columns: []ColumnDef{{Name: "k", Type: i64}, {Name: "v", Type: i64}},
			PrimaryKey: []string{"k"}, Indexes: []IndexDef{{Name: "by_v", Columns: []string{"v"}}}}); err != nil {
			return err
		}
		return nil
	})
	tx := begin(t, db)
	if _, fast, err := appendRows(tx, "ix", kvRows(t, 0, 100, func(k int64) int64 { return k % 7 }, nil)); fast || err != nil {
		t.Fatalf("indexed table: %v, %v", fast, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got := scanRows(t, db, "ix", ScanOptions{Index: "by_v", Ranges: []KeyRange{{Lower: []any{int64(3)}, Upper: []any{int64(3)}}}})
	if len(got) != 14 {
		t.Errorf("index by_v finds %d rows with v=3, want 14", len(got))
	}
	tx = begin(t, db)
	defer tx.Rollback()
	if _, err := tx.Insert("t", kvRows(t, 0, 1, ident, nil), ConflictError); err != nil {
		t.Fatal(err)
	}
	if _, fast, err := tx.LoadAppend("t", []arrow.RecordBatch{kvRows(t, 1, 100, ident, nil)}); fast || err != nil {
		t.Fatalf("after a write: %v, %v", fast, err)
	}
}

// Write conflicts with a concurrent transaction come out as they do for
// an insert of the same rows, in both commit orders; a concurrent write of
// other keys of the table is no conflict.
func TestLoadAppendConflicts(t *testing.T) {
	lowIngestMin(t)
	for _, fastPath := range []bool{false, true} {
		db := openSpilling(t, t.TempDir())
		notNullKV(t, db)
		load := func(tx *Txn, lo, hi int64) {
			t.Helper()
			if fastPath {
				if _, fast, err := tx.LoadAppend("t", []arrow.RecordBatch{kvRows(t, lo, hi, ident, nil)}); !fast || err != nil {
					t.Fatalf("LoadAppend = %v, %v", fast, err)
				}
			} else if _, err := tx.Insert("t", kvRows(t, lo, hi, ident, nil), ConflictError); err != nil {
				t.Fatal(err)
			}
		}
		other := func(tx *Txn, k int64) error {
			_, err := tx.Insert("t", kvRows(t, k, k+1, func(int64) int64 { return -1 }, nil), ConflictError)
			return err
		}
		// The other transaction commits a loaded key first.
		tx, o := begin(t, db), begin(t, db)
		load(tx, 0, 1000)
		if err := other(o, 500); err != nil {
			t.Fatal(err)
		}
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		wantKind(t, tx.Commit(), core.KindTransactionConflict)
		// The load commits first; the other, begun before, wrote one of its
		// keys.
		tx, o = begin(t, db), begin(t, db)
		load(tx, 1000, 2000)
		if err := other(o, 1999); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		wantKind(t, o.Commit(), core.KindTransactionConflict)
		// Other keys of the same table, in both orders: no conflict.
		tx, o = begin(t, db), begin(t, db)
		load(tx, 2000, 3000)
		if err := other(o, 5000); err != nil {
			t.Fatal(err)
		}
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		o = begin(t, db)
		if err := other(o, 5001); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatalf("fast %v: %v", fastPath, err)
		}
		if err := o.Commit(); err != nil {
			t.Fatalf("fast %v: %v", fastPath, err)
		}
		got := scanRows(t, db, "t", ScanOptions{})
		if len(got) != 2003 || got[0] != "500,-1" || got[2002] != "5001,-1" {
			t.Errorf("fast %v: %d rows: %s … %s", fastPath, len(got), got[0], got[len(got)-1])
		}
		db.Close()
	}
}

// BenchmarkAppendVectors appends 200,000 rows of a 128-dimensional vector
// table (bench/vector_store_bench.py's docs) to an empty table, by the
// insert path and by LoadAppend, each committed.
func BenchmarkAppendVectors(b *testing.B) {
	const n, dim = 200_000, 128
	r := rand.New(rand.NewPCG(1, 2))
	ids := array.NewInt64Builder(memory.DefaultAllocator)
	cats := array.NewInt32Builder(memory.DefaultAllocator)
	vecs := array.NewFixedSizeListBuilder(memory.DefaultAllocator, dim, arrow.PrimitiveTypes.Float32)
	fl := vecs.ValueBuilder().(*array.Float32Builder)
	for i := range n {
		ids.Append(int64(i))
		cats.Append(int32(r.IntN(10)))
		vecs.Append(true)
		for range dim {
			fl.Append(float32(r.NormFloat64()))
		}
	}
	rb := array.NewRecordBatch(schemaOf(field("id", i64), field("cat", arrow.PrimitiveTypes.Int32), field("emb", VectorType(dim))),
		[]arrow.Array{ids.NewArray(), cats.NewArray(), vecs.NewArray()}, n)
	defer rb.Release()
	for _, fast := range []bool{false, true} {
		b.Run(fmt.Sprintf("fast=%v", fast), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db, err := Open(b.TempDir(), Options{})
				if err != nil {
					b.Fatal(err)
				}
				run(b, db, func(tx *Txn) error {
					return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64},
						{Name: "cat", Type: arrow.PrimitiveTypes.Int32, NotNull: true}, {Name: "emb", Type: VectorType(dim)}},
						PrimaryKey: []string{"id"}})
				})
				b.StartTimer()
				tx := begin(b, db)
				if fast {
					if _, ok, err := tx.LoadAppend("docs", []arrow.RecordBatch{rb}); !ok || err != nil {
						b.Fatal(ok, err)
					}
				} else if _, err := tx.Insert("docs", rb, ConflictError); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				db.Close()
			}
		})
	}
}
