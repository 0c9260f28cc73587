package storage

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// checkIndexes verifies that every index of every table holds exactly one
// entry per row, with the row's values, and nothing else.
func checkIndexes(t testing.TB, tx *Txn) {
	t.Helper()
	names, err := tx.Tables()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		d, err := tx.Table(name)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{}
		lo := rowPrefix(d.ID)
		it, err := tx.iter(lo, prefixEnd(lo))
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]datum, len(d.Columns))
		for ; it.Valid(); it.Next() {
			if err := d.decodeRow(it.Key(), it.Value(), vals); err != nil {
				t.Fatal(err)
			}
			pk := bytes.Clone(d.pkBytes(it.Key()))
			for i := range d.Indexes {
				k, unique := d.indexKey(&d.Indexes[i], vals, pk)
				v := ""
				if unique {
					v = string(pk)
				}
				want[d.Indexes[i].Name] = append(want[d.Indexes[i].Name], fmt.Sprintf("%x=%x", k, v))
			}
		}
		it.Close()
		for i := range d.Indexes {
			ix := &d.Indexes[i]
			lo := indexPrefix(d.ID, ix.ID)
			it, err := tx.iter(lo, prefixEnd(lo))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for ; it.Valid(); it.Next() {
				got = append(got, fmt.Sprintf("%x=%x", it.Key(), it.Value()))
			}
			it.Close()
			w := want[ix.Name]
			slices.Sort(w)
			if strings.Join(got, " ") != strings.Join(w, " ") {
				t.Fatalf("index %s.%s disagrees with the table:\n got %v\nwant %v", name, ix.Name, got, w)
			}
		}
	}
}

func peopleTable(t testing.TB, db *DB) {
	t.Helper()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "people", PrimaryKey: []string{"id"},
			Columns: []ColumnDef{{Name: "id", Type: i64, AutoIncrement: true}, {Name: "email", Type: str, NotNull: true}, {Name: "age", Type: i64}, {Name: "city", Type: str, Default: "Paris"}},
			Indexes: []IndexDef{{Name: "by_email", Columns: []string{"email"}, Unique: true}, {Name: "by_city_age", Columns: []string{"city", "age"}}}})
	})
}

var peopleSchema = schemaOf(field("id", i64), field("email", str), field("age", i64), field("city", str))

func TestConstraintsAndIndexConsistency(t *testing.T) {
	db := openMem(t)
	peopleTable(t, db)
	ins := func(rows string, oc OnConflict) (int64, error) {
		var n int64
		err := db.Run(func(tx *Txn) error {
			var err error
			n, err = tx.Insert("people", batch(t, peopleSchema, rows), oc)
			return err
		})
		return n, err
	}
	if _, err := ins(`[{"id":1,"email":"a@x","age":30,"city":"Oslo"},{"id":2,"email":"b@x","age":null,"city":null},{"id":null,"email":"c@x","age":5,"city":"Oslo"}]`, ConflictError); err != nil {
		t.Fatal(err)
	}
	// AUTO_INCREMENT moved past the explicit 2; the default fills city.
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("people", batch(t, schemaOf(field("email", str)), `[{"email":"d@x"}]`), ConflictError)
		return err
	})
	eq(t, scanRows(t, db, "people", ScanOptions{}), []string{"1,a@x,30,Oslo", "2,b@x,(null),(null)", "3,c@x,5,Oslo", "4,d@x,(null),Paris"})

	for _, c := range []struct{ rows, want string }{
		{`[{"id":9,"email":null}]`, `NULL in NOT NULL column "email" of table "people" (row 0)`},
		{`[{"id":1,"email":"z@x"}]`, `primary key violation: duplicate value (id)=(1) in table "people"`},
		{`[{"id":9,"email":"q@x"},{"id":10,"email":"a@x"}]`, `unique index "by_email" violation: duplicate value (email)=("a@x") in table "people"`},
		{`[{"id":9,"email":"q@x"},{"id":10,"email":"q@x"}]`, `duplicate value (email)=("q@x")`},
	} {
		_, err := ins(c.rows, ConflictError)
		wantKind(t, err, core.KindConstraint)
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q does not say %q", err, c.want)
		}
	}
	run(t, db, func(tx *Txn) error { checkIndexes(t, tx); return nil })

	// IGNORE skips rows in the way; REPLACE deletes them (both the key and
	// the unique email holder).
	if n, err := ins(`[{"id":1,"email":"new@x"},{"id":20,"email":"b@x"},{"id":21,"email":"e@x"}]`, ConflictIgnore); err != nil || n != 1 {
		t.Fatalf("ignore: %d, %v", n, err)
	}
	// MySQL's count: two rows deleted (id 1, the holder of c@x), one inserted.
	if n, err := ins(`[{"id":1,"email":"c@x","age":99}]`, ConflictReplace); err != nil || n != 3 {
		t.Fatalf("replace: %d, %v", n, err)
	}
	eq(t, scanRows(t, db, "people", ScanOptions{Columns: []string{"id", "email", "age"}}), []string{"1,c@x,99", "2,b@x,(null)", "4,d@x,(null)", "21,e@x,(null)"})
	run(t, db, func(tx *Txn) error { checkIndexes(t, tx); return nil })

	// Update: partial rows keep the other columns; a unique clash fails the
	// statement; a key change moves the row.
	run(t, db, func(tx *Txn) error {
		n, err := tx.Update("people", batch(t, schemaOf(field("id", i64), field("city", str)), `[{"id":2,"city":"Rome"},{"id":77,"city":"Nowhere"}]`))
		if n != 1 {
			t.Errorf("updated %d", n)
		}
		return err
	})
	err := db.Run(func(tx *Txn) error {
		_, err := tx.Update("people", batch(t, schemaOf(field("id", i64), field("email", str)), `[{"id":2,"email":"d@x"}]`))
		return err
	})
	wantKind(t, err, core.KindConstraint)
	run(t, db, func(tx *Txn) error {
		_, err := tx.UpdateKeys("people", batch(t, schemaOf(field("id", i64)), `[{"id":4}]`), batch(t, schemaOf(field("id", i64), field("age", i64)), `[{"id":40,"age":1}]`))
		return err
	})
	err = db.Run(func(tx *Txn) error {
		_, err := tx.UpdateKeys("people", batch(t, schemaOf(field("id", i64)), `[{"id":40}]`), batch(t, schemaOf(field("id", i64)), `[{"id":1}]`))
		return err
	})
	wantKind(t, err, core.KindConstraint)
	eq(t, scanRows(t, db, "people", ScanOptions{}), []string{"1,c@x,99,(null)", "2,b@x,(null),Rome", "21,e@x,(null),(null)", "40,d@x,1,Paris"})
	run(t, db, func(tx *Txn) error { checkIndexes(t, tx); return nil })

	// Index scans come out in index order and see the transaction's writes.
	run(t, db, func(tx *Txn) error {
		eq(t, readAll(t, tx, "people", ScanOptions{Index: "by_city_age", Columns: []string{"id"}}), []string{"21", "1", "40", "2"})
		eq(t, readAll(t, tx, "people", ScanOptions{Index: "by_email", Columns: []string{"id"}, Ranges: []KeyRange{{Lower: []any{"c@x"}, Upper: []any{"d@x"}}}}), []string{"1", "40"})
		if _, err := tx.Delete("people", batch(t, schemaOf(field("id", i64)), `[{"id":1},{"id":2},{"id":555}]`)); err != nil {
			return err
		}
		eq(t, readAll(t, tx, "people", ScanOptions{Index: "by_city_age", Columns: []string{"id"}}), []string{"21", "40"})
		checkIndexes(t, tx)
		return nil
	})

	// CREATE UNIQUE INDEX over duplicates fails and leaves no index.
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("people", batch(t, peopleSchema, `[{"id":50,"email":"f@x","city":"Paris"}]`), ConflictError)
		return err
	})
	err = db.Run(func(tx *Txn) error {
		err := tx.CreateIndex(IndexDef{Name: "u_city", Table: "people", Columns: []string{"city"}, Unique: true})
		wantKind(t, err, core.KindConstraint)
		if d, _ := tx.Table("people"); d.Index("u_city") != nil {
			t.Error("a failed CREATE INDEX left its index behind")
		}
		checkIndexes(t, tx)
		return nil
	})
	run(t, db, func(tx *Txn) error {
		if err := tx.CreateIndex(IndexDef{Name: "by_age", Table: "people", Columns: []string{"age"}}); err != nil {
			return err
		}
		checkIndexes(t, tx)
		return tx.DropIndex("people", "by_city_age")
	})
	run(t, db, func(tx *Txn) error {
		checkIndexes(t, tx)
		d, _ := tx.Table("people")
		if len(d.Indexes) != 2 || d.Index("by_age") == nil {
			t.Errorf("indexes %v", d.Indexes)
		}
		return nil
	})
}

// NULLs never conflict in a unique index.
func TestUniqueAllowsManyNulls(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "u", Columns: []ColumnDef{{Name: "a", Type: i64}}, Indexes: []IndexDef{{Name: "ua", Columns: []string{"a"}, Unique: true}}})
	})
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("u", batch(t, schemaOf(field("a", i64)), `[{"a":null},{"a":null},{"a":1}]`), ConflictError)
		return err
	})
	eq(t, scanRows(t, db, "u", ScanOptions{Columns: []string{RowIDColumn, "a"}}), []string{"1,(null)", "2,(null)", "3,1"})
	run(t, db, func(tx *Txn) error { checkIndexes(t, tx); return nil })
}

func TestBadInputErrors(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "items", Columns: []ColumnDef{{Name: "n", Type: arrowInt8}, {Name: "vec", Type: VectorType(2)}, {Name: "price", Type: dec52}}})
	})
	cases := []struct {
		rows   string
		schema string
		kind   core.Kind
		want   string
	}{
		{`[{"n": 1}, {"n": 300}]`, "n:int64", core.KindInvalidInput, `table "items", column "n", row 1: 300 is out of range for int8`},
		{`[{"n": 1.5}]`, "n:float64", core.KindInvalidInput, `column "n", row 0: 1.5 is not an integer`},
		{`[{"price": 1.005}]`, "price:decimal(10,3)", core.KindInvalidInput, `column "price", row 0: 1.005 does not fit decimal(5, 2) without rounding`},
		{`[{"price": 1234.5}]`, "price:decimal(10,3)", core.KindInvalidInput, `has more than 5 digits`},
		{`[{"vec": [1, 2, 3]}]`, "vec:list", core.KindInvalidInput, `a vector of dimension 3 does not fit VECTOR(2)`},
		{`[{"n": "x"}]`, "n:string", core.KindSchema, `column "n": a int8 column cannot hold values of type utf8`},
		{`[{"nn": 1}]`, "nn:int64", core.KindColumnNotFound, `did you mean "n"?`},
	}
	for _, c := range cases {
		err := db.Run(func(tx *Txn) error {
			_, err := tx.Insert("items", batch(t, parseSchema(c.schema), c.rows), ConflictError)
			return err
		})
		wantKind(t, err, c.kind)
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q does not say %q", err, c.want)
		}
	}
	run(t, db, func(tx *Txn) error {
		_, err := tx.Table("itmes")
		wantKind(t, err, core.KindTableNotFound)
		if !strings.Contains(err.Error(), `did you mean "items"?`) {
			t.Errorf("no suggestion in %q", err)
		}
		wantKind(t, tx.CreateTable(TableDef{Name: "ITEMS", Columns: []ColumnDef{{Name: "a", Type: i64}}}), core.KindInvalidInput)
		wantKind(t, tx.CreateTable(TableDef{Name: "x", Columns: []ColumnDef{{Name: "a", Type: VectorType(2)}}, PrimaryKey: []string{"a"}}), core.KindInvalidInput)
		wantKind(t, tx.CreateTable(TableDef{Name: "x", Columns: []ColumnDef{{Name: "a", Type: i64, Default: "zz"}}}), core.KindInvalidInput)
		wantKind(t, tx.CreateTable(TableDef{Name: "x", Columns: []ColumnDef{{Name: "a", Type: arrowList}}}), core.KindNotSupported)
		return nil
	})
}

// A small AUTO_INCREMENT type runs out of values with a clear error, never
// wrapping around.
func TestAutoIncrementOverflow(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "small", PrimaryKey: []string{"id"}, Columns: []ColumnDef{{Name: "id", Type: arrowInt8, AutoIncrement: true}, {Name: "v", Type: i64}}})
	})
	rows := make([]int64, 200)
	err := db.Run(func(tx *Txn) error {
		_, err := tx.Insert("small", int64Batch([]string{"v"}, rows), ConflictError)
		return err
	})
	wantKind(t, err, core.KindConstraint)
	if !strings.Contains(err.Error(), `AUTO_INCREMENT column "id" of table "small" is out of values of type int8`) {
		t.Errorf("message %q", err)
	}
	eq(t, scanRows(t, db, "small", ScanOptions{}), nil)
}
