package sqlexec

import (
	"context"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The vector-index side of tableSource (lazy.VectorSearchSource): a top-k
// by a distance of an indexed column searches the table's index.

// VectorIndexOn implements lazy.VectorSearchSource.
func (s *tableSource) VectorIndexOn(column, metric string) (string, string) {
	for _, ix := range s.vectors {
		if strings.EqualFold(ix.Column, column) && ix.Metric == metric {
			return ix.Name, ix.Kind
		}
	}
	return "", ""
}

// KeyColumns implements lazy.VectorSearchSource.
func (s *tableSource) KeyColumns() []string { return s.pk }

// SearchVectors implements lazy.VectorSearchSource: the index search and
// then a point read of each row found, in the statement's transaction. The
// allow-list is the index's cached one for the same filter when the table
// has not changed since it was made (storage.Txn.CachedKeySet); otherwise
// its keys are read (outside use: reading takes the transaction itself).
func (s *tableSource) SearchVectors(ctx context.Context, index string, query []float32, k int, allow *lazy.AllowList, nullsFirst bool) (arrow.RecordBatch, bool, error) {
	var set *storage.KeySet
	if allow != nil {
		if err := s.use(func(txn *storage.Txn) (err error) {
			set, err = txn.CachedKeySet(s.name, index, allow.Filter)
			return err
		}); err != nil {
			return nil, false, err
		}
		if set == nil {
			keys, err := allow.Keys()
			if err != nil {
				return nil, false, err
			}
			err = s.use(func(txn *storage.Txn) (err error) {
				set, err = txn.KeySetOf(s.name, keys)
				return err
			})
			keys.Release()
			if err != nil {
				return nil, false, err
			}
			set.ForFilter(allow.Filter)
		}
	}
	var rows arrow.RecordBatch
	var ok bool
	err := s.use(func(txn *storage.Txn) error {
		res, found, err := txn.VectorSearch(s.name, index, storage.VectorQuery{Vector: query, K: k, Ef: s.search.efSearch, Allow: set, NullsFirst: nullsFirst})
		if err != nil || !found {
			return err
		}
		ok = true
		rows, err = s.readKeys(ctx, txn, res.Keys)
		return err
	})
	if err != nil || !ok {
		if rows != nil {
			rows.Release()
		}
		return nil, false, err
	}
	return rows, true, nil
}

// readKeys reads every column of the rows with these primary keys, in key
// order, as one batch.
func (s *tableSource) readKeys(ctx context.Context, txn *storage.Txn, keys [][]any) (arrow.RecordBatch, error) {
	cols := make([]string, s.schema.NumFields())
	for i := range cols {
		cols[i] = s.schema.Field(i).Name
	}
	if len(keys) == 0 {
		empty := emptyColumns(s.schema)
		rb := array.NewRecordBatch(s.schema, empty, 0)
		for _, c := range empty {
			c.Release()
		}
		return rb, nil
	}
	opts := storage.ScanOptions{Columns: cols}
	for _, k := range keys {
		opts.Ranges = append(opts.Ranges, storage.KeyRange{Lower: k, Upper: k})
	}
	rdr, err := txn.Scan(s.name, opts)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	return core.ReadAll(memory.DefaultAllocator, rdr)
}

func emptyColumns(schema *arrow.Schema) []arrow.Array {
	out := make([]arrow.Array, schema.NumFields())
	for i := range out {
		out[i] = array.MakeArrayOfNull(memory.DefaultAllocator, schema.Field(i).Type, 0)
	}
	return out
}
