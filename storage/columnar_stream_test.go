package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// streamBatch is a batch of ids (with a string and a nullable int) in the
// order given.
func streamBatch(ids ...int) arrow.RecordBatch {
	sch := schemaOf(field("id", arrow.PrimitiveTypes.Int64), field("s", arrow.BinaryTypes.String), field("n", arrow.PrimitiveTypes.Int64))
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	for _, i := range ids {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("v%d", i%3))
		if i%4 == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Int64Builder).Append(int64(i * 10))
		}
	}
	return b.NewRecordBatch()
}

func streamRows(ids ...int) []string {
	var out []string
	for _, i := range ids {
		n := "(null)"
		if i%4 != 0 {
			n = fmt.Sprint(i * 10)
		}
		out = append(out, fmt.Sprintf("%d,v%d,%s", i, i%3, n))
	}
	slices.Sort(out)
	return out
}

func ids(lo, hi int) []int {
	var out []int
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

// streamLoad creates columnar table c in a transaction of its own and
// loads batches through LoadStream; it returns the transaction's bulk
// files' paths and the error.
func streamLoad(t *testing.T, db *DB, batches ...arrow.RecordBatch) ([]string, error) {
	t.Helper()
	var paths []string
	err := db.Run(func(tx *Txn) error {
		err := tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64},
			{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "n", Type: arrow.PrimitiveTypes.Int64}},
			PrimaryKey: []string{"id"}, Storage: StorageColumnar})
		if err != nil {
			return err
		}
		l, err := tx.LoadStream("c")
		if err != nil {
			return err
		}
		for _, b := range batches {
			if err := l.Add(b); err != nil {
				l.Abort()
				return err
			}
		}
		if _, err := l.Finish(); err != nil {
			return err
		}
		for _, b := range tx.bulk {
			paths = append(paths, b.path)
		}
		return nil
	})
	return paths, err
}

func openDisk(t *testing.T) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

// TestColumnarStreamOrdered: batches in key order stream into segments cut
// as in a load of them all at once (LoadNew), on disk through one
// ingested file, and read back the same.
func TestColumnarStreamOrdered(t *testing.T) {
	withSegmentRows(t, 4)
	db, _ := openDisk(t)
	paths, err := streamLoad(t, db, streamBatch(0, 1, 2), streamBatch(), streamBatch(ids(3, 10)...), streamBatch(10))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 {
		t.Fatalf("%d bulk files, want 1", len(paths))
	}
	run(t, db, func(tx *Txn) error {
		segs, err := tx.Segments("c")
		if err != nil {
			return err
		}
		var sizes []int64
		for _, s := range segs {
			sizes = append(sizes, s.Rows)
		}
		if !slices.Equal(sizes, []int64{3, 4, 3, 1}) {
			t.Errorf("segments of %v rows, want [3 4 3 1]", sizes)
		}
		eq(t, columnarRows(t, tx, "c", nil), streamRows(ids(0, 11)...))
		return nil
	})
}

// TestColumnarStreamUnordered: once the keys stop ascending the rest is
// sorted at the end and written as further segments, each in key order;
// the rows are all there, point reads find them, and a key of the
// unordered tail that repeats one already written is a duplicate.
func TestColumnarStreamUnordered(t *testing.T) {
	withSegmentRows(t, 4)
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprint("disk=", disk), func(t *testing.T) {
			db := openMem(t)
			if disk {
				db, _ = openDisk(t)
			}
			_, err := streamLoad(t, db, streamBatch(ids(0, 9)...), streamBatch(20, 15, 12), streamBatch(11, 9, 30), streamBatch(10))
			if err != nil {
				t.Fatal(err)
			}
			all := append(ids(0, 13), 15, 20, 30)
			run(t, db, func(tx *Txn) error {
				eq(t, columnarRows(t, tx, "c", nil), streamRows(all...))
				segs, err := tx.Segments("c")
				if err != nil {
					return err
				}
				for _, s := range segs {
					sd, err := tx.ReadSegment(s, []string{"id"})
					if err != nil {
						return err
					}
					rb, err := sd.Decode(nil)
					if err != nil {
						return err
					}
					col := rb.Column(0).(*array.Int64).Int64Values()
					if !slices.IsSorted(col) {
						t.Errorf("segment %d not in key order: %v", s.ID, col)
					}
					rb.Release()
				}
				return nil
			})
			// A key of the tail already in a segment is taken.
			err = db.Run(func(tx *Txn) error {
				_, err := tx.Insert("c", streamBatch(12), ConflictError)
				return err
			})
			wantKind(t, err, core.KindConstraint)
		})
	}
	for _, tc := range []struct {
		name    string
		batches []arrow.RecordBatch
		dup     string
	}{
		{"tail repeats a written key", []arrow.RecordBatch{streamBatch(ids(0, 9)...), streamBatch(20, 3)}, "3"},
		{"tail repeats itself", []arrow.RecordBatch{streamBatch(ids(0, 9)...), streamBatch(20, 12), streamBatch(12)}, "12"},
		{"ascending batches share a key", []arrow.RecordBatch{streamBatch(ids(0, 9)...), streamBatch(8, 9)}, "8"},
		{"inside a batch", []arrow.RecordBatch{streamBatch(1, 2, 2, 3)}, "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, dir := openDisk(t)
			_, err := streamLoad(t, db, tc.batches...)
			wantKind(t, err, core.KindConstraint)
			if err == nil || !strings.Contains(err.Error(), tc.dup) {
				t.Errorf("error %v does not name %s", err, tc.dup)
			}
			run(t, db, func(tx *Txn) error {
				if _, err := tx.Table("c"); err == nil {
					t.Error("a failed load left its table")
				}
				return nil
			})
			// No load file is left behind.
			left, _ := filepath.Glob(filepath.Join(dir, tmpDirName, "load-*"))
			if len(left) > 0 {
				t.Errorf("files left: %v", left)
			}
		})
	}
}

// TestColumnarStreamAbort: a load given up midway leaves no file and no
// segments.
func TestColumnarStreamAbort(t *testing.T) {
	withSegmentRows(t, 2)
	db, dir := openDisk(t)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.CreateTable(TableDef{Name: "c", Columns: []ColumnDef{{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "n", Type: arrow.PrimitiveTypes.Int64}},
		PrimaryKey: []string{"id"}, Storage: StorageColumnar}); err != nil {
		t.Fatal(err)
	}
	l, err := tx.LoadStream("c")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Add(streamBatch(ids(0, 9)...)); err != nil {
		t.Fatal(err)
	}
	l.Abort()
	left, _ := filepath.Glob(filepath.Join(dir, tmpDirName, "load-*"))
	if len(left) > 0 {
		t.Errorf("files left after Abort: %v", left)
	}
	segs, err := tx.Segments("c")
	if err != nil || len(segs) != 0 {
		t.Errorf("segments after Abort: %d, %v", len(segs), err)
	}
	tx.Rollback()
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}
