package parquet

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/internal/testkit"
)

// The fuzz target reads a whole file from the fuzzer's bytes. Whatever the
// bytes, the reader must return rows or an error a user can act on (invalid
// input, not supported), never panic, never leak allocator memory. The seed
// corpus (real small files, written by ../testdata/make_seeds.py) is in
// testdata/fuzz/FuzzParquetRead; `go test` runs it, `make fuzz` explores from it.

// fuzzMaxInput keeps each input small: the target looks for crashes in the
// decoding logic, not for slow reads of big files.
const fuzzMaxInput = 1 << 20

func FuzzParquetRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			return
		}
		pf, err := Open(testkit.TempFile(t, "f.parquet", data))
		if err != nil {
			if !testkit.UserErrorKind(err) {
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
				if !testkit.UserErrorKind(err) {
					t.Fatalf("row group %d: %v (%s)", rg, err, core.KindOf(err))
				}
				continue
			}
			if rb.NumRows() != pf.RowGroupRows(rg) {
				t.Fatalf("row group %d: %d rows, the footer says %d", rg, rb.NumRows(), pf.RowGroupRows(rg))
			}
			testkit.ValidateBatch(t, rb)
			rb.Release()
		}
	})
}
