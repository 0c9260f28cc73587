package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A scan decodes only the columns it is asked for, in the order asked, from
// the key or the value: the second key column alone, value columns before
// key columns, and a column named twice (both outputs carry its values).
func TestScanColumnSubsets(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", PrimaryKey: []string{"a", "b"},
			Columns: []ColumnDef{{Name: "a", Type: i64}, {Name: "v", Type: str}, {Name: "b", Type: i64}, {Name: "f", Type: f64}}})
	})
	s := schemaOf(field("a", i64), field("v", str), field("b", i64), field("f", f64))
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", batch(t, s, `[{"a": 2, "v": "y", "b": 1, "f": 0.5}, {"a": 1, "v": null, "b": 7, "f": 1.5}]`), ConflictError)
		return err
	})
	for _, tc := range []struct {
		cols []string
		want []string
	}{
		{[]string{"b"}, []string{"7", "1"}},
		{[]string{"f", "v", "a"}, []string{"1.5,(null),1", "0.5,y,2"}},
		{[]string{"v", "b", "v"}, []string{"(null),7,(null)", "y,1,y"}},
		{[]string{"f", "f"}, []string{"1.5,1.5", "0.5,0.5"}},
		{[]string{"a", "a", "b"}, []string{"1,1,7", "2,2,1"}},
	} {
		eq(t, scanRows(t, db, "t", ScanOptions{Columns: tc.cols}), tc.want)
	}
}

// ScanAll splits a table scan over goroutines by key sub-ranges and returns
// exactly the serial scan's rows in key order: with the transaction's own
// uncommitted inserts and deletes, with several key ranges, and with a
// column subset.
func TestScanAllParallelMatchesScan(t *testing.T) {
	old := minParallelScanBytes
	minParallelScanBytes = 1
	t.Cleanup(func() { minParallelScanBytes = old })
	db := openMem(t)
	run(t, db, func(tx *Txn) error { return tx.CreateTable(lineitemDef) })
	const n = 20_000
	rec := lineitemBatch(0, n)
	defer rec.Release()
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("lineitem", rec, ConflictError)
		return err
	})
	if err := db.pdb.Flush(); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	more := lineitemBatch(n, 1000) // pending in tx, after the stored keys
	defer more.Release()
	if _, err := tx.Insert("lineitem", more, ConflictError); err != nil {
		t.Fatal(err)
	}
	gone := batch(t, schemaOf(field("l_orderkey", i64), field("l_linenumber", arrow.PrimitiveTypes.Int32)),
		`[{"l_orderkey": 10, "l_linenumber": 3}, {"l_orderkey": 3000, "l_linenumber": 1}]`)
	if _, err := tx.Delete("lineitem", gone); err != nil {
		t.Fatal(err)
	}
	ranges := []KeyRange{{Upper: []any{int64(100)}}, {Lower: []any{int64(2000)}, Upper: []any{int64(2500)}}, {Lower: []any{int64(4900)}}}
	for _, opts := range []ScanOptions{
		{},
		{Columns: []string{"l_comment", "l_linenumber", "l_quantity"}, BatchSize: 777},
		{Columns: []string{"l_orderkey", "l_shipdate"}, Ranges: ranges},
	} {
		if got := len(tx.splitRanges(mustRanges(t, tx, opts), 8)); got < 2 {
			t.Fatalf("%+v: split into %d pieces", opts.Ranges, got)
		}
		want := readAll(t, tx, "lineitem", opts)
		_, batches, err := tx.ScanAll(context.Background(), "lineitem", opts, 4)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range batches {
			for i := 0; i < int(b.NumRows()); i++ {
				var parts []string
				for j := 0; j < int(b.NumCols()); j++ {
					parts = append(parts, b.Column(j).ValueStr(i))
				}
				got = append(got, strings.Join(parts, ","))
			}
			b.Release()
		}
		eq(t, got, want)
	}
	if len(tx.readers) != 0 {
		t.Errorf("%d readers left open", len(tx.readers))
	}
}

// mustRanges is the encoded key ranges a scan with opts reads.
func mustRanges(t *testing.T, tx *Txn, opts ScanOptions) [][2][]byte {
	t.Helper()
	rr, err := tx.Scan("lineitem", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	return rr.(*tableReader).ranges
}

func TestFullKeyPoints(t *testing.T) {
	one := []any{int64(1), int32(2)}
	for _, tc := range []struct {
		ranges []KeyRange
		want   bool
	}{
		{nil, false},
		{[]KeyRange{{Lower: one, Upper: []any{int64(1), int32(2)}}}, true},
		{[]KeyRange{{Lower: one, Upper: one}, {Lower: []any{int64(3)}, Upper: []any{int64(3)}}}, false},
		{[]KeyRange{{Lower: one, Upper: one, UpperExclusive: true}}, false},
		{[]KeyRange{{Lower: one, Upper: []any{int64(1), int32(3)}}}, false},
		{[]KeyRange{{Lower: []any{[]byte("a"), int32(1)}, Upper: []any{[]byte("a"), int32(1)}}}, true},
	} {
		if got := fullKeyPoints(tc.ranges, 2); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.ranges, got, tc.want)
		}
	}
}

// largestAlloc is an allocator that records its largest allocation.
type largestAlloc struct {
	memory.Allocator
	largest int
}

func (a *largestAlloc) Allocate(n int) []byte {
	a.largest = max(a.largest, n)
	return a.Allocator.Allocate(n)
}

func (a *largestAlloc) Reallocate(n int, b []byte) []byte {
	a.largest = max(a.largest, n)
	return a.Allocator.Reallocate(n, b)
}

// A scan of a few rows allocates for a few rows, not for a whole batch
// (64K rows of 16 columns would be megabytes per point lookup).
func TestSmallScanAllocatesLittle(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error { return tx.CreateTable(lineitemDef) })
	rec := lineitemBatch(0, 3)
	defer rec.Release()
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("lineitem", rec, ConflictError)
		return err
	})
	mem := &largestAlloc{Allocator: memory.NewGoAllocator()}
	if rows := scanRows(t, db, "lineitem", ScanOptions{Mem: mem}); len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	if mem.largest > 64<<10 {
		t.Errorf("a 3-row scan made a %d-byte allocation", mem.largest)
	}
}
