package parquet

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// selRow is a file of decimals of every physical type (INT32, INT64,
// FIXED_LEN_BYTE_ARRAY of 8 and 13 bytes), dictionary-encoded and PLAIN,
// REQUIRED and OPTIONAL (with nulls), beside a date and a string.
type selRow struct {
	D9   int32    `parquet:"d9,decimal(2:9),dict"`
	D15  int64    `parquet:"d15,decimal(2:15),dict"`
	D18P int64    `parquet:"d18p,decimal(3:18),plain"`
	F8   [8]byte  `parquet:"f8,decimal(2:18),dict"`
	F13  [13]byte `parquet:"f13,decimal(4:30),dict"`
	N15  *int64   `parquet:"n15,decimal(2:15),dict"`
	Day  int32    `parquet:"day,date"`
	S    string   `parquet:"s,dict"`
}

// writeSelectFile writes n rows of selRow in row groups of rg rows and
// pages of a few hundred bytes (many pages per chunk).
func writeSelectFile(t *testing.T, n, rg int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	rows := make([]selRow, n)
	for i := range rows {
		r := &rows[i]
		r.D9 = rng.Int32N(2000) - 1000
		r.D15 = rng.Int64N(500)*1_000_003 - 250_000_000
		r.D18P = rng.Int64() - 1<<62 // PLAIN, every value distinct
		binary.BigEndian.PutUint64(r.F8[:], uint64(rng.Int64N(300)-150))
		v := rng.Int64N(700) - 350
		binary.BigEndian.PutUint64(r.F13[5:], uint64(v))
		if v < 0 {
			copy(r.F13[:5], []byte{0xff, 0xff, 0xff, 0xff, 0xff})
		}
		if i%5 != 2 {
			x := rng.Int64N(100) - 50
			r.N15 = &x
		}
		r.Day = rng.Int32N(3000)
		r.S = fmt.Sprint("s", rng.IntN(40))
	}
	path := filepath.Join(t.TempDir(), "select.parquet")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[selRow](out, parquet.PageBufferSize(512), parquet.MaxRowsPerRowGroup(int64(rg)),
		parquet.Compression(&parquet.Snappy))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadRowGroupRowsMatchesPqarrow reads chosen rows of every row group
// (none, a few, one block of them, 40%, 60%, all) and compares them with
// the same rows of arrow-go's pqarrow reader.
func TestReadRowGroupRowsMatchesPqarrow(t *testing.T) {
	const n, rgRows = 12000, 5000
	path := writeSelectFile(t, n, rgRows)
	ref := readColumnsWithPqarrow(t, path)
	defer func() {
		for _, a := range ref {
			if a != nil {
				a.Release()
			}
		}
	}()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.NumRowGroups() != 3 {
		t.Fatalf("%d row groups, want 3", f.NumRowGroups())
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	start := 0
	for rg := range f.NumRowGroups() {
		rgn := int(f.RowGroupRows(rg))
		selections := map[string][]int32{"none": {}, "all": nil}
		var few, block, p40, p60, all []int32
		for r := range rgn {
			if r%97 == 0 || r == rgn-1 {
				few = append(few, int32(r))
			}
			if r >= rgn/3 && r < rgn/3+50 {
				block = append(block, int32(r))
			}
			if rng.IntN(10) < 4 {
				p40 = append(p40, int32(r))
			}
			if rng.IntN(10) < 6 {
				p60 = append(p60, int32(r))
			}
			all = append(all, int32(r))
		}
		selections["few"], selections["block"], selections["40%"], selections["60%"], selections["all"] = few, block, p40, p60, all
		for name, rows := range selections {
			t.Run(fmt.Sprintf("rg%d/%s", rg, name), func(t *testing.T) {
				rb, err := f.ReadRowGroupRows(ctx, mem, rg, nil, rows)
				if err != nil {
					t.Fatal(err)
				}
				defer rb.Release()
				if rb.NumRows() != int64(len(rows)) {
					t.Fatalf("%d rows, want %d", rb.NumRows(), len(rows))
				}
				global := make([]int32, len(rows))
				for j, r := range rows {
					global[j] = int32(start) + r
				}
				for c, fl := range rb.Schema().Fields() {
					want, err := kernels.Gather(memory.DefaultAllocator, ref[fl.Name], global)
					if err != nil {
						t.Fatal(err)
					}
					if err := sameValues(rb.Column(c), want); err != nil {
						t.Errorf("column %s: %v", fl.Name, err)
					}
					want.Release()
				}
			})
		}
		// The few rows are decoded alone from the REQUIRED fixed-width
		// columns (the others are decoded whole, then gathered).
		for c := range f.cols {
			arr, err := f.readColumn(ctx, mem, rg, c, false, few)
			if err != nil {
				t.Fatal(err)
			}
			name := f.cols[c].field.Name
			selective := arr.Len() == len(few)
			if want := name != "n15" && name != "s"; selective != want {
				t.Errorf("row group %d, column %s: selective %v, want %v", rg, name, selective, want)
			}
			arr.Release()
		}
		start += rgn
	}
}

// TestReadRowGroupRowsBadRows: rows out of order, repeated or out of
// range are an invalid-input error, not a crash or wrong rows.
func TestReadRowGroupRowsBadRows(t *testing.T) {
	path := writeSelectFile(t, 300, 300)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, rows := range [][]int32{{3, 2}, {1, 1}, {-1}, {300}, {0, 5, 299, 300}} {
		rb, err := f.ReadRowGroupRows(context.Background(), mem, 0, nil, rows)
		var ce *core.Error
		if err == nil {
			rb.Release()
			t.Errorf("rows %v: no error", rows)
		} else if !errors.As(err, &ce) || ce.Kind != core.KindInvalidInput {
			t.Errorf("rows %v: %v, want an invalid-input error", rows, err)
		}
	}
	if _, err := f.ReadRowGroupRows(context.Background(), mem, 1, nil, []int32{0}); err == nil {
		t.Error("row group 1 of 1: no error")
	}
}

// TestReadRowGroupRowsDecimalValues checks the selected decimals against
// the whole row group's, and one against the integer written.
func TestReadRowGroupRowsDecimalValues(t *testing.T) {
	path := writeSelectFile(t, 2000, 2000)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	whole, err := f.ReadRowGroup(context.Background(), mem, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Release()
	rows := []int32{0, 1, 77, 1000, 1999}
	rb, err := f.ReadRowGroupRows(context.Background(), mem, 0, nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Release()
	for c, fl := range rb.Schema().Fields() {
		if _, ok := fl.Type.(*arrow.Decimal128Type); !ok {
			continue
		}
		got, want := rb.Column(c).(*array.Decimal128), whole.Column(c).(*array.Decimal128)
		for j, r := range rows {
			if got.IsNull(j) != want.IsNull(int(r)) || !got.IsNull(j) && got.Value(j) != want.Value(int(r)) {
				t.Errorf("%s row %d: %v, want %v", fl.Name, r, got.ValueStr(j), want.ValueStr(int(r)))
			}
		}
	}
	// F8 was written from small signed integers: row 0's is in -150..149.
	f8 := rb.Column(rb.Schema().FieldIndices("f8")[0]).(*array.Decimal128).Value(0)
	if v := f8.LowBits(); f8.HighBits() != 0 && f8.HighBits() != -1 || int64(v) < -150 || int64(v) >= 150 {
		t.Errorf("f8 row 0 = %v: not a small signed value", f8)
	}
}
