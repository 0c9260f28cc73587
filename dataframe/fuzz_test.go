package dataframe

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The fuzz targets read a whole file from the fuzzer's bytes. Whatever the
// bytes, a reader must return rows or an error a user can act on (invalid
// input, not supported), never panic, never leak allocator memory. Seed
// corpora (real small files) are in testdata/fuzz/FuzzXxx; `go test` runs
// them, `make fuzz` explores from them.

// fuzzMaxInput keeps each input small: the targets look for crashes in the
// decoding logic, not for slow reads of big files.
const fuzzMaxInput = 1 << 20

// userErrorKind reports whether a reader error is one bad input may cause.
func userErrorKind(err error) bool {
	switch core.KindOf(err) {
	case core.KindInvalidInput, core.KindNotSupported, core.KindSchema, core.KindCompute:
		return true
	}
	return false
}

func fuzzFile(t *testing.T, name string, data []byte) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func FuzzParquetRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			return
		}
		pf, err := OpenParquet(fuzzFile(t, "f.parquet", data))
		if err != nil {
			if !userErrorKind(err) {
				t.Fatalf("open: %v (%s)", err, core.KindOf(err))
			}
			return
		}
		defer pf.Close()
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		for rg := range pf.NumRowGroups() {
			for c := range pf.Schema().NumFields() {
				pf.RowGroupStats(rg, c)
			}
			rb, err := pf.ReadRowGroup(context.Background(), mem, rg, nil)
			if err != nil {
				if !userErrorKind(err) {
					t.Fatalf("row group %d: %v (%s)", rg, err, core.KindOf(err))
				}
				continue
			}
			if rb.NumRows() != pf.RowGroupRows(rg) {
				t.Fatalf("row group %d: %d rows, the footer says %d", rg, rb.NumRows(), pf.RowGroupRows(rg))
			}
			validateBatch(t, rb)
			rb.Release()
		}
	})
}

func FuzzCSVRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, header bool, inferAll bool) {
		if len(data) > fuzzMaxInput {
			return
		}
		opts := DefaultCSVOptions()
		opts.HasHeader = header
		if inferAll {
			opts.InferRows = -1
			opts.TryParseDates = true
		}
		src, err := OpenCSVSource([]string{fuzzFile(t, "f.csv", data)}, opts)
		if err != nil {
			if !userErrorKind(err) {
				t.Fatalf("open: %v (%s)", err, core.KindOf(err))
			}
			return
		}
		var columns []string
		for _, fd := range src.Schema().Fields() {
			columns = append(columns, fd.Name)
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		for i := range src.NumPieces() {
			rb, err := src.ReadPiece(context.Background(), mem, i, columns)
			if err != nil {
				if !userErrorKind(err) {
					t.Fatalf("piece %d: %v (%s)", i, err, core.KindOf(err))
				}
				return
			}
			validateBatch(t, rb)
			rb.Release()
		}
	})
}

// validateBatch checks every array of a batch against Arrow's layout rules
// (lengths, offsets inside the data, valid UTF-8 in strings).
func validateBatch(t *testing.T, rb arrow.RecordBatch) {
	t.Helper()
	for i, col := range rb.Columns() {
		if col.Len() != int(rb.NumRows()) {
			rb.Release()
			t.Fatalf("column %d has %d values, the batch %d rows", i, col.Len(), rb.NumRows())
		}
		if v, ok := col.(interface{ ValidateFull() error }); ok {
			if err := v.ValidateFull(); err != nil {
				rb.Release()
				t.Fatalf("column %d: %v", i, err)
			}
		}
	}
}
