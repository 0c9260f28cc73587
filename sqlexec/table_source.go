package sqlexec

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// tableSource is a stored table as a plan reads it (a lazy.KeyedSource):
// a scan reads only the columns it needs, and the primary-key comparisons
// of its predicate become key ranges, or the comparisons on an indexed
// column an index scan (keyrange.go).
type tableSource struct {
	use     func(fn func(txn *storage.Txn) error) error
	name    string
	schema  *arrow.Schema
	pk      []string // primary-key columns; [RowIDColumn] when the table has none
	indexes []indexInfo
	vectors []storage.VectorIndexDef
	search  vectorSettings
	// rows is the storage's estimate of the table's size, for the
	// optimizer, taken on first use: counting costs a scan of up to a few
	// thousand keys, which an INSERT … VALUES, whose target is in its
	// tables, never needs.
	rowsOnce sync.Once
	rows     int64
}

type indexInfo struct {
	name    string
	columns []string
	unique  bool
}

var _ lazy.VectorSearchSource = (*tableSource)(nil)

// newTableSource describes a stored table for plans.
func newTableSource(use func(fn func(txn *storage.Txn) error) error, desc *storage.TableDesc, withRowID bool) *tableSource {
	s := &tableSource{use: use, name: desc.Name, schema: desc.Schema(), pk: descPrimaryKey(desc),
		indexes: descIndexes(desc), vectors: desc.VectorIndexes}
	if withRowID && len(s.pk) == 1 && s.pk[0] == RowIDColumn {
		fields := append(append([]arrow.Field{}, s.schema.Fields()...),
			arrow.Field{Name: RowIDColumn, Type: arrow.PrimitiveTypes.Int64})
		s.schema = arrow.NewSchema(fields, nil)
	}
	return s
}

func (s *tableSource) Name() string          { return "TABLE " + s.name }
func (s *tableSource) Schema() *arrow.Schema { return s.schema }

// NumRows is the storage's estimate of the table's size (0 when the
// transaction that read the table has ended).
func (s *tableSource) NumRows() int64 {
	s.rowsOnce.Do(func() {
		_ = s.use(func(txn *storage.Txn) error {
			n, err := txn.ApproxRowCount(s.name)
			if err == nil {
				s.rows = n
			}
			return nil
		})
	})
	return s.rows
}

// Access implements lazy.KeyedSource.
func (s *tableSource) Access(pred lazy.Expr) string {
	a := s.accessPath(pred)
	if a.index != "" {
		return fmt.Sprintf("INDEX SCAN %s USING %s %s", s.name, a.index, a.describe())
	}
	if a.keys != nil {
		return fmt.Sprintf("TABLE SCAN %s KEY SET %d keys", s.name, len(a.keys.values))
	}
	if len(a.ranges) == 0 {
		return "TABLE SCAN " + s.name
	}
	return fmt.Sprintf("TABLE SCAN %s KEY RANGE %s", s.name, a.describe())
}

// Read implements lazy.KeyedSource: the rows of the access path, read from
// the transaction's snapshot (and its own writes) in key order. The
// reader streams (a table scan on all cores, a bounded number of batches
// ahead: storage.Txn.ScanParallel); it sees the transaction as it was when
// Read was called, so a statement that writes while it reads never meets
// its own rows.
func (s *tableSource) Read(ctx context.Context, columns []string, pred lazy.Expr) (array.RecordReader, error) {
	a := s.accessPath(pred)
	var rdr array.RecordReader
	err := s.use(func(txn *storage.Txn) error {
		var err error
		if a.keys != nil {
			rdr, err = txn.ScanKeys(ctx, s.name, storage.KeySetOptions{Columns: columns, Keys: a.keys.values,
				Sorted: a.keys.sorted}, runtime.GOMAXPROCS(0))
			return err
		}
		rdr, err = scanTable(ctx, txn, s.name, columns, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &usingReader{RecordReader: rdr, use: s.use}, nil
}

// usingReader steps a storage reader only inside use, which holds the
// session's lock: the transaction is used by one goroutine at a time,
// whoever consumes the reader.
type usingReader struct {
	array.RecordReader
	use func(fn func(txn *storage.Txn) error) error
	err error // use's own failure (the statement's snapshot was released)
}

func (r *usingReader) Next() bool {
	ok := false
	if r.err == nil {
		r.err = r.use(func(*storage.Txn) error { ok = r.RecordReader.Next(); return nil })
	}
	return ok
}

func (r *usingReader) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.RecordReader.Err()
}

func (r *usingReader) Release() {
	_ = r.use(func(*storage.Txn) error { r.RecordReader.Release(); return nil })
}

// describe renders an access path's ranges for explain.
func (a accessPath) describe() string {
	parts := make([]string, len(a.ranges))
	for i, r := range a.ranges {
		parts[i] = r.String(a.columns)
	}
	return strings.Join(parts, " OR ")
}
