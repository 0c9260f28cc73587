package sqlexec

import (
	"context"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
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
		created, err := prepareLoad(txn, name, schema, o)
		if err != nil {
			return 0, err
		}
		return s.loadBatches(txn, name, batches, created)
	})
}

// LoadPlan is Load of a plan's rows (db.create_table of a LazyFrame such
// as ax.scan_parquet(…)). Into a table the load creates in a transaction
// of its own, the rows stream batch by batch into storage.Txn.LoadStream
// as the plan makes them (row group by row group from a Parquet scan): a
// columnar table's segments are encoded while the scan reads on, in
// bounded memory. Otherwise the plan's batches are collected, then
// loaded as Load loads them.
func (s *Session) LoadPlan(ctx context.Context, name string, p lazy.Plan, o LoadOptions) (int64, error) {
	return s.inTxn(func(txn *storage.Txn) (int64, error) {
		created, err := prepareLoad(txn, name, p.Schema(), o)
		if err != nil {
			return 0, err
		}
		if created && s.txn == nil {
			ld, err := txn.LoadStream(name)
			if err != nil {
				return 0, err
			}
			if err := exec.Stream(ctx, exec.Optimize(p), ld.Add); err != nil {
				ld.Abort()
				return 0, err
			}
			return ld.Finish()
		}
		var batches []arrow.RecordBatch
		defer func() {
			for _, b := range batches {
				b.Release()
			}
		}()
		err = exec.Stream(ctx, exec.Optimize(p), func(rb arrow.RecordBatch) error {
			rb.Retain()
			batches = append(batches, rb)
			return nil
		})
		if err != nil {
			return 0, err
		}
		return s.loadBatches(txn, name, batches, created)
	})
}

// prepareLoad checks a load's mode against the catalog and creates (or
// replaces) the table it writes; created reports whether it did.
func prepareLoad(txn *storage.Txn, name string, schema *arrow.Schema, o LoadOptions) (created bool, err error) {
	exists := hasTable(txn, name)
	switch o.Mode {
	case "append":
		if len(o.PrimaryKey) > 0 {
			return false, core.Errorf(core.KindInvalidInput, "primary_key applies when a table is created, not when appending to %s", name)
		}
		return false, nil
	case "replace":
		if exists {
			if err := txn.DropTable(name, false); err != nil {
				return false, err
			}
		}
	case "create":
		if exists {
			if o.IfNotExists {
				return false, nil
			}
			return false, core.Errorf(core.KindInvalidInput,
				"table %s already exists; pass if_not_exists=True, or if_exists='append' or 'replace' to write_database", name).
				With("table", name)
		}
	default:
		return false, core.Errorf(core.KindInvalidInput, "unknown load mode %q: use create, append or replace", o.Mode)
	}
	def := storage.TableDef{Name: name, PrimaryKey: o.PrimaryKey, Storage: o.Storage}
	for _, f := range schema.Fields() {
		def.Columns = append(def.Columns, storage.ColumnDef{Name: f.Name, Type: f.Type,
			NotNull: slices.Contains(o.PrimaryKey, f.Name)})
	}
	if err := txn.CreateTable(def); err != nil {
		return false, err
	}
	return true, nil
}

// loadBatches writes the batches of a load into table name. A load in a
// transaction of its own is written as sstables (storage.Txn.LoadNew
// into the table it created, LoadAppend into an existing one); inside an
// open transaction, later statements must see the rows, so they go
// through Insert.
func (s *Session) loadBatches(txn *storage.Txn, name string, batches []arrow.RecordBatch, created bool) (int64, error) {
	own := s.txn == nil
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
