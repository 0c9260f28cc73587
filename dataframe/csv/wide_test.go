package csv

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
)

// wideCSV writes a CSV of cols Int64 columns and rows rows.
func wideCSV(tb testing.TB, cols, rows int) string {
	tb.Helper()
	var sb strings.Builder
	for c := range cols {
		if c > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("c" + strconv.Itoa(c))
	}
	sb.WriteByte('\n')
	for r := range rows {
		for c := range cols {
			if c > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Itoa(c + r))
		}
		sb.WriteByte('\n')
	}
	return writeFile(tb, tb.TempDir(), "wide.csv", sb.String())
}

// fileOpener opens a scan_csv's one file (dataframe.Opener, which also
// expands globs and directories, sits above this package).
type fileOpener struct{}

func (fileOpener) Open(kind, path string, opts map[string]any) (lazy.Source, error) {
	o, err := OptionsFrom(opts)
	if err != nil {
		return nil, err
	}
	return OpenSource([]string{path}, o)
}

// BenchmarkCSVWide reads a 100k-column, 3-row CSV as read_csv does (plan
// decoding, optimizer, executor), and reports the bytes and allocations per column: the
// fixed cost of a column (schema, builders, buffers, finalize) dominates.
func BenchmarkCSVWide(b *testing.B) {
	const cols = 100_000
	path := wideCSV(b, cols, 3)
	plan := []byte(`{"version": 1, "plan": {"kind": "scan_csv", "path": ` + strconv.Quote(path) + `, "options": {}}}`)
	b.ReportAllocs()
	for b.Loop() {
		p, err := lazy.Decode(plan, nil, lazy.Env{Opener: fileOpener{}})
		if err != nil {
			b.Fatal(err)
		}
		tbl, err := exec.Run(context.Background(), memory.DefaultAllocator, exec.Optimize(p))
		if err != nil {
			b.Fatal(err)
		}
		if tbl.Schema().NumFields() != cols {
			b.Fatalf("%d columns", tbl.Schema().NumFields())
		}
		tbl.Release()
	}
}

// TestCSVWidePieces checks that a file of a few very wide records is read
// as one piece: each piece pays a fixed cost per column, so two pieces of
// 300k columns and one or two records each doubled the memory of a read.
func TestCSVWidePieces(t *testing.T) {
	path := wideCSV(t, 150_000, 3) // about 1.2 MB per record
	s, err := OpenSource([]string{path}, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if n := s.NumPieces(); n != 1 {
		t.Fatalf("%d pieces for 3 records, want 1", n)
	}
	// Narrow records keep the pieces sized by bytes, and very wide ones
	// are capped so that a piece's text stays bounded.
	if got := pieceBytes(1<<40, 40); got != maxCSVPieceBytes {
		t.Errorf("pieceBytes(1 TiB, 40 B records) = %d, want %d", got, maxCSVPieceBytes)
	}
	if got := pieceBytes(1<<40, 1<<30); got != maxWideCSVPieceBytes {
		t.Errorf("pieceBytes(1 TiB, 1 GiB records) = %d, want %d", got, maxWideCSVPieceBytes)
	}
}
