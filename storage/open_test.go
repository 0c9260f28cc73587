package storage

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// childEnv selects what a re-executed test binary does (crash_test.go,
// TestLockedAcrossProcesses).
const childEnv = "ALOPEX_STORAGE_CHILD"

func TestCatalogPersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	peopleTable(t, db)
	run(t, db, func(tx *Txn) error {
		if _, err := tx.Insert("people", batch(t, peopleSchema, `[{"email":"a@x"},{"email":"b@x"}]`), ConflictError); err != nil {
			return err
		}
		if err := tx.CreateView("adults", "SELECT * FROM people WHERE age >= 18", false); err != nil {
			return err
		}
		if err := tx.CreateTable(TableDef{Name: "gone", Columns: []ColumnDef{{Name: "a", Type: i64}}}); err != nil {
			return err
		}
		return tx.RenameTable("gone", "kept")
	})
	run(t, db, func(tx *Txn) error { return tx.DropTable("kept", false) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run(t, db, func(tx *Txn) error {
		names, _ := tx.Tables()
		views, _ := tx.Views()
		sql, ok, _ := tx.View("ADULTS")
		if strings.Join(names, ",") != "people" || strings.Join(views, ",") != "adults" || !ok || !strings.Contains(sql, "age >= 18") {
			t.Errorf("tables %v views %v view %q", names, views, sql)
		}
		d, err := tx.Table("people")
		if err != nil {
			return err
		}
		if len(d.Indexes) != 2 || strings.Join(d.PrimaryKey, ",") != "id" || d.Columns[3].Default != "Paris" {
			t.Errorf("descriptor after reopen: %+v", d)
		}
		// AUTO_INCREMENT continues after a reopen, never reusing ids.
		_, err = tx.Insert("people", batch(t, peopleSchema, `[{"email":"c@x"}]`), ConflictError)
		checkIndexes(t, tx)
		return err
	})
	rows := scanRows(t, db, "people", ScanOptions{Columns: []string{"id"}})
	if len(rows) != 3 || rows[0] != "1" || rows[1] != "2" || len(rows[2]) < 2 {
		t.Errorf("ids %v", rows)
	}
}

func TestOpenRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir, Options{})
	wantKind(t, err, core.KindInvalidInput)
	if !strings.Contains(err.Error(), "is not an alopex database") {
		t.Errorf("message %q", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Open wrote into a foreign directory: %v", entries)
	}
	_, err = Open(filepath.Join(dir, "missing"), Options{ErrorIfMissing: true})
	wantKind(t, err, core.KindFileNotFound)
}

func TestDatabaseLockedInProcess(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, Options{})
	wantKind(t, err, core.KindDatabaseLocked)
	_, err = Open(dir+"/.", Options{ReadOnly: true})
	wantKind(t, err, core.KindDatabaseLocked)
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	db.Close()
}

func TestDatabaseLockedAcrossProcesses(t *testing.T) {
	if os.Getenv(childEnv) == "lock" {
		_, err := Open(os.Getenv("ALOPEX_DIR"), Options{})
		os.Stdout.WriteString("kind=" + core.KindOf(err).String() + "\n")
		return
	}
	dir := t.TempDir()
	db, err := Open(dir, Options{TxnMemory: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A spilled transaction is open: the refused Open must not touch its
	// temporary files.
	kvTable(t, db)
	tx := begin(t, db)
	if err := putKV(t, tx, `[{"k":1,"v":1}]`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Insert("t", kvRows(t, 2, 200, func(k int64) int64 { return k }, nil), ConflictError); err != nil || !tx.pend.spilled() {
		t.Fatalf("spill: %v %v", err, tx.pend.spilled())
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDatabaseLockedAcrossProcesses$")
	cmd.Env = append(os.Environ(), childEnv+"=lock", "ALOPEX_DIR="+dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "kind=DatabaseLockedError") {
		t.Errorf("second process got %s", out)
	}
	if got := readAll(t, tx, "t", ScanOptions{}); len(got) != 199 {
		t.Errorf("the spilled transaction reads %d rows after the refused Open", len(got))
	}
}

func TestReadOnly(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k":1,"v":1}]`) })
	db.Close()
	db, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,1"})
	err = db.Run(func(tx *Txn) error { return putKV(t, tx, `[{"k":2,"v":2}]`) })
	wantKind(t, err, core.KindInvalidInput)
}

// Close rolls back transactions left open (a forgotten one must not keep
// the database from closing) and later calls fail cleanly.
func TestCloseWithOpenTransaction(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kvTable(t, db)
	tx, _ := db.Begin()
	if err := putKV(t, tx, `[{"k":1,"v":1}]`); err != nil {
		t.Fatal(err)
	}
	rr, err := tx.Scan("t", ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close with an open transaction: %v", err)
	}
	if rr.Next() || rr.Err() == nil {
		t.Error("a scan of a rolled-back transaction went on")
	}
	rr.Release()
	wantKind(t, tx.Commit(), core.KindInvalidInput)
	_, err = db.Begin()
	wantKind(t, err, core.KindInvalidInput)
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eq(t, scanRows(t, db, "t", ScanOptions{}), nil)
}

// Rows of a table id the catalog no longer names (a crash between a DROP's
// commit and its range deletion) are deleted at the next Open; live tables
// are untouched.
func TestOpenCollectsOrphanedTableData(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k":1,"v":1}]`) })
	orphan := append(rowPrefix(999), 1, 2, 3)
	if err := db.pdb.Set(orphan, []byte{1}, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, closer, err := db.pdb.Get(orphan); err == nil {
		closer.Close()
		t.Error("orphaned table data survived Open")
	}
	eq(t, scanRows(t, db, "t", ScanOptions{}), []string{"1,1"})
}
