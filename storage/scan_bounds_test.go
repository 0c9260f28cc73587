package storage

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// A key range bound past its column's range selects no row or every row of
// the prefix so far, as a comparison with the value would: id = 256 on a
// UInt8 key matched nothing, but failed with "out of range" before.
func TestKeyBoundsPastTheColumnRange(t *testing.T) {
	db := openMem(t)
	u8, i16 := arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Int16
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "t", Columns: []ColumnDef{{Name: "a", Type: u8}, {Name: "b", Type: i16}},
			PrimaryKey: []string{"a", "b"}})
	})
	s := schemaOf(field("a", u8), field("b", i16))
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", batch(t, s, `[{"a": 0, "b": -32768}, {"a": 1, "b": 5}, {"a": 1, "b": 32767}, {"a": 255, "b": 0}]`), ConflictError)
		return err
	})
	all := []string{"0,-32768", "1,5", "1,32767", "255,0"}
	for _, c := range []struct {
		r    KeyRange
		want []string
	}{
		{KeyRange{Lower: []any{int64(256)}, Upper: []any{int64(256)}}, nil},
		{KeyRange{Lower: []any{int64(-1)}, Upper: []any{int64(-1)}}, nil},
		{KeyRange{Lower: []any{int64(300)}}, nil},
		{KeyRange{Upper: []any{int64(1000)}}, all},
		{KeyRange{Lower: []any{int64(-5)}, Upper: []any{uint64(math.MaxUint64)}}, all},
		{KeyRange{Lower: []any{float64(1 << 70)}}, nil},
		{KeyRange{Upper: []any{-1e300}}, nil},
		{KeyRange{Lower: []any{int64(1), int64(40000)}}, []string{"255,0"}},
		{KeyRange{Lower: []any{int64(1)}, Upper: []any{int64(1), int64(40000)}}, []string{"1,5", "1,32767"}},
		{KeyRange{Lower: []any{int64(1), int64(-40000)}, Upper: []any{int64(1), int64(6)}}, []string{"1,5"}},
		{KeyRange{Lower: []any{int64(1), int64(-40000)}, Upper: []any{int64(1), int64(-40000)}}, nil},
	} {
		got := scanRows(t, db, "t", ScanOptions{Ranges: []KeyRange{c.r}})
		if len(got) != len(c.want) {
			t.Errorf("%+v: got %v, want %v", c.r, got, c.want)
			continue
		}
		eq(t, got, c.want)
	}
	// A value that is no whole number is still an error, not a guess.
	run(t, db, func(tx *Txn) error {
		_, err := tx.Scan("t", ScanOptions{Ranges: []KeyRange{{Lower: []any{2.5}}}})
		if err == nil {
			t.Error("a bound of 2.5 on an integer key: no error")
		}
		return nil
	})
}
