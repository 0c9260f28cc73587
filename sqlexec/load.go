package sqlexec

import (
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
)

// LoadOptions says how Load writes a frame into a stored table.
type LoadOptions struct {
	// Mode is "create" (the table must not exist, unless IfNotExists),
	// "append" (it must exist) or "replace" (drop it if it exists, then
	// create it).
	Mode        string   `json:"mode"`
	IfNotExists bool     `json:"if_not_exists"`
	PrimaryKey  []string `json:"primary_key"`
	// Storage of a created table: "row" (or empty) or "columnar".
	Storage string `json:"storage"`
}

// Load writes batches of one schema into table name in bulk, in one
// statement: Python's db.create_table, db.insert and
// DataFrame.write_database. It returns the number of rows written.
func (s *Session) Load(name string, schema *arrow.Schema, batches []arrow.RecordBatch, o LoadOptions) (int64, error) {
	return s.inTxn(func(txn *storage.Txn) (int64, error) {
		// A load in a transaction of its own is written as sstables
		// (storage.Txn.LoadNew into the table it created, LoadAppend into
		// an existing one); inside an open transaction, later statements
		// must see the rows, so they go through Insert.
		own := s.txn == nil
		created := false
		exists := hasTable(txn, name)
		switch o.Mode {
		case "append":
			if len(o.PrimaryKey) > 0 {
				return 0, core.Errorf(core.KindInvalidInput, "primary_key applies when a table is created, not when appending to %s", name)
			}
		case "replace":
			if exists {
				if err := txn.DropTable(name, false); err != nil {
					return 0, err
				}
			}
			fallthrough
		case "create":
			if exists && o.Mode == "create" {
				if o.IfNotExists {
					break
				}
				return 0, core.Errorf(core.KindInvalidInput,
					"table %s already exists; pass if_not_exists=True, or if_exists='append' or 'replace' to write_database", name).
					With("table", name)
			}
			def := storage.TableDef{Name: name, PrimaryKey: o.PrimaryKey, Storage: o.Storage}
			for _, f := range schema.Fields() {
				def.Columns = append(def.Columns, storage.ColumnDef{Name: f.Name, Type: f.Type,
					NotNull: slices.Contains(o.PrimaryKey, f.Name)})
			}
			if err := txn.CreateTable(def); err != nil {
				return 0, err
			}
			created = true
		default:
			return 0, core.Errorf(core.KindInvalidInput, "unknown load mode %q: use create, append or replace", o.Mode)
		}
		if own && created {
			return txn.LoadNew(name, batches)
		}
		if own {
			if n, ok, err := txn.LoadAppend(name, batches); ok || err != nil {
				return n, err
			}
		}
		var total int64
		for _, rb := range batches {
			if rb.NumRows() == 0 {
				continue
			}
			n, err := txn.Insert(name, rb, storage.ConflictError)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	})
}

// Catalog lists the stored tables and views the session sees.
func (s *Session) Catalog() (map[string][]string, error) {
	out := map[string][]string{}
	_, err := s.inTxn(func(txn *storage.Txn) (int64, error) {
		var err error
		if out["tables"], err = txn.Tables(); err != nil {
			return 0, err
		}
		out["views"], err = txn.Views()
		return 0, err
	})
	return out, err
}

// inTxn runs fn in the open transaction, or in one of its own that
// commits when fn succeeds.
func (s *Session) inTxn(fn func(txn *storage.Txn) (int64, error)) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.txn != nil {
		return fn(s.txn)
	}
	txn, err := s.db.Begin()
	if err != nil {
		return 0, err
	}
	n, err := fn(txn)
	if err != nil {
		txn.Rollback()
		return 0, err
	}
	if err := txn.Commit(); err != nil {
		return 0, err
	}
	return n, nil
}
