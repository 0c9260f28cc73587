package exec

import (
	"context"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// storedIndexedInput answers a VectorTopK with a stored table's vector
// index: the predicates under the top-k are evaluated over the table (read
// through its access path, with just the key and predicate columns) to make
// the allow-list of keys — unless the source kept what it made of the same
// predicates on the unchanged table (lazy.AllowList) —, the index is
// searched with it, and the plan under the top-k runs over the rows found,
// followed by the exact top-k to order them. ok is false when the index
// cannot answer (see lazy.VectorSearchSource.SearchVectors): the caller
// then runs the exact top-k.
func (b *builder) storedIndexedInput(n *lazy.VectorTopK) (lazy.Plan, bool, error) {
	use := n.Index
	src := use.Stored
	ctx := b.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var preds []lazy.Expr
	if use.Scan.Predicate != nil {
		preds = append(preds, use.Scan.Predicate)
	}
	preds = append(preds, use.Filters...)
	var allow *lazy.AllowList
	if len(preds) > 0 {
		allow = &lazy.AllowList{Filter: lazy.FilterKey(preds), Keys: func() (arrow.RecordBatch, error) {
			return b.allowedKeys(ctx, src, use.Scan.Predicate, preds)
		}}
	}
	k := int(min(n.K, int64(1)<<31))
	rows, ok, err := src.SearchVectors(ctx, use.StoredIndex, use.Query, k, allow, !n.Key.NullsLast)
	if err != nil || !ok {
		return nil, false, err
	}
	table := core.NewTable(rows.Schema(), []arrow.RecordBatch{rows}) // takes rows
	b.closers = append(b.closers, table.Release)
	return replaceScan(n.Input, src, table), true, nil
}

// allowedKeys reads the key columns of the rows of src that pass every
// predicate (scanPred picks the access path).
func (b *builder) allowedKeys(ctx context.Context, src lazy.VectorSearchSource, scanPred lazy.Expr, preds []lazy.Expr) (arrow.RecordBatch, error) {
	keys := src.KeyColumns()
	cols := slices.Clone(keys)
	for _, p := range preds {
		for _, c := range lazy.ColumnsUsed(p) {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	rdr, err := src.Read(ctx, cols, scanPred)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	fields := make([]arrow.Field, len(keys))
	for i := range keys {
		fields[i] = rdr.Schema().Field(i)
	}
	keySchema := arrow.NewSchema(fields, nil)
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for rdr.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rb := rdr.RecordBatch()
		ok, err := predicateMask(b.mem, preds, rb)
		if err != nil {
			return nil, err
		}
		keep := make([]int32, 0, len(ok))
		for i, y := range ok {
			if y {
				keep = append(keep, int32(i))
			}
		}
		kc := make([]arrow.Array, len(keys))
		for i := range keys {
			if kc[i], err = kernels.Gather(b.mem, rb.Column(i), keep); err != nil {
				for _, a := range kc[:i] {
					a.Release()
				}
				return nil, err
			}
		}
		parts = append(parts, array.NewRecordBatch(keySchema, kc, int64(len(keep))))
		for _, a := range kc {
			a.Release()
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, err
	}
	return concatBatches(b.mem, keySchema, parts)
}
