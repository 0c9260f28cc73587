package storage

import "testing"

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
