package parquet

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/parquet-go/parquet-go/format"
)

// hybridRun is one run of an RLE/bit-packing hybrid stream the tests write.
type hybridRun struct {
	packed bool
	vals   []uint32 // an RLE run repeats vals[0] len(vals) times
}

// encodeHybrid writes runs as a hybrid stream of the given bit width; a
// bit-packed run is padded with zeros to a multiple of eight values.
func encodeHybrid(runs []hybridRun, width int) []byte {
	var out []byte
	putUvarint := func(v uint64) {
		for v >= 0x80 {
			out = append(out, byte(v)|0x80)
			v >>= 7
		}
		out = append(out, byte(v))
	}
	for _, r := range runs {
		if !r.packed {
			putUvarint(uint64(len(r.vals)) << 1)
			for b := range (width + 7) / 8 {
				out = append(out, byte(r.vals[0]>>(8*b)))
			}
			continue
		}
		groups := (len(r.vals) + 7) / 8
		putUvarint(uint64(groups)<<1 | 1)
		packed := make([]byte, groups*width)
		for j, v := range r.vals {
			for b := range width {
				if v>>b&1 != 0 {
					bit := j*width + b
					packed[bit>>3] |= 1 << (bit & 7)
				}
			}
		}
		out = append(out, packed...)
	}
	return out
}

// TestGatherHybridWidths decodes streams of every bit width 0 to 32 made of
// bit-packed runs of many lengths (blocks of gatherBlock, a last group cut
// short) and RLE runs, against a dictionary whose value i is i.
func TestGatherHybridWidths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dict := make([]uint32, 1<<16)
	for i := range dict {
		dict[i] = uint32(i) * 3
	}
	for width := 0; width <= 32; width++ {
		limit := uint32(1) << min(width, 16) // indexes the dictionary holds
		var runs []hybridRun
		var want []uint32
		for r := range 12 {
			n := []int{8, 16, 1, 3*gatherBlock + 40, 5, gatherBlock, 24, 700, 64, 9, 2*gatherBlock + 8, 13}[r]
			vals := make([]uint32, n)
			packed := r%3 != 1
			for j := range vals {
				if j == 0 || packed {
					vals[j] = rng.Uint32N(limit)
				} else {
					vals[j] = vals[0]
				}
			}
			if width == 0 {
				clear(vals)
			}
			if packed && r != 11 && n%8 != 0 {
				n = n / 8 * 8 // only the last run may end inside a group
				vals = vals[:n]
			}
			runs = append(runs, hybridRun{packed, vals})
			want = append(want, vals...)
		}
		src := encodeHybrid(runs, width)
		for _, cut := range []int{len(want), len(want) - 3, 1} {
			got := make([]uint32, cut)
			if err := gatherHybrid(got, dict, src, width); err != nil {
				t.Fatalf("width %d, %d values: %v", width, cut, err)
			}
			for i := range got {
				if got[i] != dict[want[i]] {
					t.Fatalf("width %d, %d values: value %d is %d, want %d", width, cut, i, got[i], dict[want[i]])
				}
			}
		}
	}
}

// TestGatherHybridBadIndex checks that an index past the dictionary, with
// its top bit set at each width, is an error naming it (the high bits are
// decoded), whether bit-packed or in an RLE run.
func TestGatherHybridBadIndex(t *testing.T) {
	dict := make([]uint64, 10)
	for width := 4; width <= 32; width++ {
		bad := uint32(1)<<(width-1) | 3
		for _, packed := range []bool{true, false} {
			vals := []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, bad, 4, 5, 6, 7}
			if !packed {
				vals = []uint32{bad, bad}
			}
			src := encodeHybrid([]hybridRun{{packed, vals}}, width)
			err := gatherHybrid(make([]uint64, len(vals)), dict, src, width)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("index %d is past", bad)) {
				t.Fatalf("width %d, packed %v: error %v, want one naming index %d", width, packed, err, bad)
			}
		}
	}
}

func TestGatherHybridCorrupt(t *testing.T) {
	dict := []int32{7, 8}
	for _, c := range []struct {
		name  string
		src   []byte
		width int
	}{
		{"empty", nil, 1},
		{"packed run past the end", []byte{5, 0xff}, 1}, // 2 groups, 1 byte
		{"rle run without its value", []byte{4}, 9},
		{"too wide", []byte{2, 0}, 33},
		{"too few values", encodeHybrid([]hybridRun{{false, []uint32{1, 1}}}, 1), 1},
	} {
		if err := gatherHybrid(make([]int32, 16), dict, c.src, c.width); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	// A bit width of 0 with an empty dictionary has nothing to gather.
	if err := gatherHybrid(make([]int32, 3), nil, encodeHybrid([]hybridRun{{true, []uint32{0, 0, 0}}}, 0), 0); err == nil {
		t.Error("width 0 with no dictionary: no error")
	}
}

// TestParquetReadDictionaryFallback reads, with alopex's own page reader,
// fixed-width columns whose dictionary fills up mid-chunk (later pages
// PLAIN), over many small pages, with nulls, in data pages v1 and v2, and
// compares them with pqarrow.
func TestParquetReadDictionaryFallback(t *testing.T) {
	const n = 20000
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(3, 4))
	i64 := array.NewInt64Builder(mem)
	i32 := array.NewInt32Builder(mem)
	f64 := array.NewFloat64Builder(mem)
	day := array.NewDate32Builder(mem)
	for i := range n {
		i64.Append(rng.Int64N(int64(50 + i))) // distinct values grow: the dictionary overflows
		if i%7 == 3 {
			i32.AppendNull()
		} else {
			i32.Append(rng.Int32N(300))
		}
		if i%1000 < 10 {
			f64.AppendNull()
		} else {
			f64.Append(float64(rng.IntN(5000)) / 4)
		}
		day.Append(arrow.Date32(rng.IntN(2000)))
	}
	cols := []arrow.Array{i64.NewArray(), i32.NewArray(), f64.NewArray(), day.NewArray()}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
	}, nil)
	rec := array.NewRecordBatch(schema, cols, n)
	defer rec.Release()
	for _, c := range cols {
		c.Release()
	}
	for _, version := range []parquet.DataPageVersion{parquet.DataPageV1, parquet.DataPageV2} {
		t.Run(fmt.Sprint("page v", int(version)+1), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fallback.parquet")
			out, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			props := parquet.NewWriterProperties(
				parquet.WithDictionaryDefault(true),
				parquet.WithDictionaryPageSizeLimit(4<<10),
				parquet.WithDataPageSize(1<<10),
				parquet.WithBatchSize(300),
				parquet.WithMaxRowGroupLength(12000),
				parquet.WithDataPageVersion(version),
				parquet.WithCompression(compress.Codecs.Snappy))
			w, err := pqarrow.NewFileWriter(schema, out, props, pqarrow.DefaultWriterProps())
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			checkRawPages(t, path)
			tbl := compareWithPqarrow(t, path)
			if tbl.NumRows() != n {
				t.Fatalf("%d rows, want %d", tbl.NumRows(), n)
			}
		})
	}
}

// checkRawPages makes sure the file exercises the own reader as meant:
// every chunk readable by it, the first column falling back from
// dictionary to PLAIN pages inside a chunk, several pages per chunk.
func checkRawPages(t *testing.T, path string) {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fellBack := false
	for rg := range f.NumRowGroups() {
		for c := range f.cols {
			col := &f.cols[c]
			cc := &f.file.Metadata().RowGroups[rg].Columns[col.leaf]
			pages, err := scanPages(f.osFile, f.size, cc, f.RowGroupRows(rg), col)
			if err != nil {
				t.Fatal(err)
			}
			if !rawReadable(pages, col) {
				t.Fatalf("row group %d, column %q: not read by alopex's page reader", rg, col.field.Name)
			}
			if len(pages) < 4 {
				t.Fatalf("row group %d, column %q: only %d pages", rg, col.field.Name, len(pages))
			}
			dict := false
			for i := range pages {
				enc, ok := dataPageEncoding(&pages[i].header)
				if ok && enc != format.Plain {
					dict = true
				}
				if ok && enc == format.Plain && dict {
					fellBack = true
				}
			}
		}
	}
	if !fellBack {
		t.Fatal("no chunk falls back from dictionary to PLAIN pages")
	}
}
