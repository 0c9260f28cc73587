package storage

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// selectDefs are the columns of the selected-row tests: every encoding a
// chunk has (delta-coded sorted keys, frame-of-reference ints, decimals as
// int64 and as 16 bytes, floats, bools, dictionary and plain strings,
// vectors in format 1), most with NULLs.
func selectDefs() []ColumnDef {
	return []ColumnDef{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32},
		{Name: "u16", Type: arrow.PrimitiveTypes.Uint16},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}},
		{Name: "dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 4}},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32},
		{Name: "dict", Type: arrow.BinaryTypes.String},
		{Name: "plain", Type: arrow.BinaryTypes.String},
		{Name: "bin", Type: arrow.BinaryTypes.Binary},
		{Name: "v", Type: VectorType(2)},
	}
}

// selectRowsJSON is n rows of selectDefs, ids 0..n-1.
func selectRowsJSON(n int) string {
	var b strings.Builder
	b.WriteString("[")
	null := func(i, every int, v string) string {
		if i%every == every-1 {
			return "null"
		}
		return v
	}
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"id": %d, "i32": %s, "u16": %d, "dec": %s, "dec38": "%d.%04d", "f64": %s, "b": %s, "d": %d, `+
			`"dict": %s, "plain": %s, "bin": %s, "v": %s}`,
			i, null(i, 7, fmt.Sprint((i*7919)%1000-500)), (i*13)%65536,
			null(i, 9, fmt.Sprintf(`"%d.%02d"`, i*3-700, i%100)), i*i, i%10000,
			null(i, 13, fmt.Sprint(float64(i)/3)), null(i, 5, fmt.Sprint(i%3 == 0)), 9000+i/4,
			null(i, 11, fmt.Sprintf(`"kind-%d"`, i%5)), null(i, 17, fmt.Sprintf(`"p%05d-%s"`, (i*31)%1000, strings.Repeat("x", i%7))),
			null(i, 3, `"AAE="`), null(i, 19, fmt.Sprintf("[%d, -0.5]", i)))
	}
	b.WriteString("]")
	return b.String()
}

// TestSegmentDecodeRows reads chosen rows of segments (several segments,
// some with deleted rows, one with none) with DecodeRows and checks them
// against the same rows of a whole Decode: no row, one, a few, half,
// runs, all but one, all.
func TestSegmentDecodeRows(t *testing.T) {
	const n = 1000
	withSegmentRows(t, 300) // four segments, the last partial
	db := openMem(t)
	defs := selectDefs()
	rows := batch(t, schemaOfDefs(defs), selectRowsJSON(n))
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateTable(TableDef{Name: "c", Columns: defs, PrimaryKey: []string{"id"}, Storage: "columnar"}); err != nil {
			return err
		}
		_, err := tx.LoadNew("c", []arrow.RecordBatch{rows})
		return err
	})
	// Deleted: a segment's first and last rows, a run, scattered ones; the
	// third segment keeps all its rows.
	deleted := []int64{0, 1, 2, 50, 51, 52, 53, 199, 299, 300, 450, 999}
	run(t, db, func(tx *Txn) error {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(deleted, nil)
		k := b.NewArray()
		defer k.Release()
		keys := array.NewRecordBatch(schemaOf(field("id", arrow.PrimitiveTypes.Int64)), []arrow.Array{k}, int64(len(deleted)))
		defer keys.Release()
		_, err := tx.Delete("c", keys)
		return err
	})
	// A column added after the load is stored in no segment: its default.
	run(t, db, func(tx *Txn) error {
		return tx.AddColumn("c", ColumnDef{Name: "added", Type: arrow.PrimitiveTypes.Int32, Default: 7})
	})
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewSource(1))
	run(t, db, func(tx *Txn) error {
		segs, err := tx.Segments("c")
		if err != nil {
			return err
		}
		if len(segs) != 4 {
			t.Fatalf("%d segments, want 4", len(segs))
		}
		for si, s := range segs {
			// The projections: every column; the filter's columns read
			// again with others.
			for _, cols := range [][]string{nil, {"dict", "id", "added"}, {"plain", "v", "dec38", "b"}} {
				sd, err := tx.ReadSegment(s, cols)
				if err != nil {
					return err
				}
				whole, err := sd.Decode(mem)
				if err != nil {
					return err
				}
				all := batchRows(whole)
				live := len(all)
				half, few, runs := []int32{}, []int32{}, []int32{}
				for r := range live {
					if r%2 == 1 {
						half = append(half, int32(r))
					}
					if rng.Intn(40) == 0 {
						few = append(few, int32(r))
					}
					if r%50 < 10 {
						runs = append(runs, int32(r))
					}
				}
				allButOne := make([]int32, 0, live)
				for r := 1; r < live; r++ {
					allButOne = append(allButOne, int32(r))
				}
				everyRow := make([]int32, live)
				for r := range everyRow {
					everyRow[r] = int32(r)
				}
				for name, sel := range map[string][]int32{"none": {}, "nil": nil, "first": {0}, "last": {int32(live - 1)},
					"few": few, "half": half, "runs": runs, "allButOne": allButOne, "all": everyRow} {
					got, err := sd.DecodeRows(mem, sel)
					if err != nil {
						t.Fatalf("segment %d %v %s: %v", si, cols, name, err)
					}
					want := make([]string, len(sel))
					for k, r := range sel {
						want[k] = all[r]
					}
					if int(got.NumRows()) != len(sel) {
						t.Fatalf("segment %d %v %s: %d rows, want %d", si, cols, name, got.NumRows(), len(sel))
					}
					eq(t, batchRows(got), want)
					for j := range int(got.NumCols()) {
						// The null count agrees with the bitmap (a consumer
						// trusts NullN == 0 to skip it).
						c, nulls := got.Column(j), 0
						for k := range c.Len() {
							if c.IsNull(k) {
								nulls++
							}
						}
						if c.NullN() != nulls {
							t.Fatalf("segment %d %v %s column %d: NullN %d, %d null rows", si, cols, name, j, c.NullN(), nulls)
						}
					}
					got.Release()
				}
				// The string columns as dictionaries: a dictionary where the
				// chunk is one (the low-cardinality column), plain where not;
				// the same values either way.
				dicts, err := sd.DecodeDict(mem, []string{"dict", "plain", "id"})
				if err != nil {
					return err
				}
				for j, f := range dicts.Schema().Fields() {
					_, isDict := dicts.Column(j).(*array.Dictionary)
					if isDict != (f.Name == "dict") || isDict != (f.Type.ID() == arrow.DICTIONARY) {
						t.Fatalf("segment %d: column %s read as %s", si, f.Name, f.Type)
					}
				}
				eq(t, batchRows(dicts), all)
				dicts.Release()
				// Out of order, repeated or out of range: InvalidInput.
				for _, bad := range [][]int32{{3, 2}, {4, 4}, {-1}, {int32(live)}} {
					_, err := sd.DecodeRows(mem, bad)
					wantKind(t, err, core.KindInvalidInput)
				}
				whole.Release()
			}
		}
		return nil
	})
}

// TestPhysicalRows maps live-row numbers past deleted positions.
func TestPhysicalRows(t *testing.T) {
	got := physicalRows([]int32{0, 1, 2, 3, 4}, []int{0, 2, 3, 7})
	if fmt.Sprint(got) != "[1 4 5 6 8]" {
		t.Fatalf("got %v", got)
	}
	if got := physicalRows([]int32{5}, nil); fmt.Sprint(got) != "[5]" {
		t.Fatalf("got %v", got)
	}
}
