package csv

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
// testdata/fuzz/FuzzCSVRead; `go test` runs it, `make fuzz` explores from it.

// fuzzMaxInput keeps each input small: the target looks for crashes in the
// decoding logic, not for slow reads of big files.
const fuzzMaxInput = 1 << 20

func FuzzCSVRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, header bool, inferAll bool) {
		if len(data) > fuzzMaxInput {
			return
		}
		opts := DefaultOptions()
		opts.HasHeader = header
		if inferAll {
			opts.InferRows = -1
			opts.TryParseDates = true
		}
		src, err := OpenSource([]string{testkit.TempFile(t, "f.csv", data)}, opts)
		if err != nil {
			if !testkit.UserErrorKind(err) {
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
				if !testkit.UserErrorKind(err) {
					t.Fatalf("piece %d: %v (%s)", i, err, core.KindOf(err))
				}
				return
			}
			testkit.ValidateBatch(t, rb)
			rb.Release()
		}
	})
}
