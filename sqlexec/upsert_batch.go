package sqlexec

import (
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// upsertBatch runs INSERT … ON DUPLICATE KEY UPDATE over a whole batch at
// once when that gives what the row-by-row order gives: the table's only
// unique key is a one-column primary key, the batch holds each key at
// most once and never NULL, and no assignment changes the key. Then no row
// can meet another row of the batch, so one plan looks the stored rows up
// (an is_in on the key: point reads), joins them with the rows tried and
// computes the assignments; the changed rows are updated and the others
// inserted, each in one storage call. ok is false when the batch needs the
// row-by-row path.
func (x *stmtExec) upsertBatch(desc *storage.TableDesc, rb arrow.RecordBatch, set []*ast.Assignment) (n int64, ok bool, err error) {
	if rb.NumRows() < 2 || desc.HasHiddenRowID() || len(desc.PrimaryKey) != 1 {
		return 0, false, nil
	}
	for _, ix := range desc.Indexes {
		if ix.Unique {
			return 0, false, nil
		}
	}
	pkName := desc.PrimaryKey[0]
	for _, a := range set {
		if fd, err := fieldOf(desc.Schema(), desc.Name, a.Column.Name.O); err == nil && fd.Name == pkName {
			return 0, false, nil
		}
	}
	pkIdx := -1
	for i, f := range rb.Schema().Fields() {
		if f.Name == pkName {
			pkIdx = i
		}
	}
	if pkIdx < 0 || rb.Column(pkIdx).NullN() > 0 {
		return 0, false, nil
	}
	keys := make([]any, rb.NumRows())
	seen := make(map[any]struct{}, len(keys))
	for i := range keys {
		v, err := goValue(rb.Column(pkIdx), i)
		if err != nil {
			return 0, false, nil
		}
		if b, isBytes := v.([]byte); isBytes {
			v = string(b)
		}
		if _, dup := seen[v]; dup {
			return 0, false, nil
		}
		seen[v] = struct{}{}
		keys[i] = v
	}

	b := x.builder()
	rel, tkeys, err := x.tableRelation(desc.Name, desc.Name)
	if err != nil {
		return 0, false, err
	}
	pk := col(rel.cols[rel.findPhys(pkName)].phys)
	f, err := lazy.NewFilter(rel.plan, call("is_in", map[string]any{"values": keys}, pk))
	if err != nil {
		return 0, false, err
	}
	rel = &relation{plan: f, cols: rel.cols}
	vrel, values, posName, release := insertedRelation(b, rb, desc, true)
	defer release()
	vpk := vrel.cols[pkIdx].phys
	if rel, err = b.join(rel, vrel, lazy.JoinInner, []lazy.Expr{pk}, []lazy.Expr{col(vpk)}); err != nil {
		return 0, false, err
	}
	up, err := x.assignments(b, desc, rel, tkeys, values, set)
	if err != nil {
		return 0, false, err
	}
	// One plan gives the new rows, the stored values of the assigned
	// columns and the position of the row tried.
	exprs := append([]lazy.Expr(nil), up.exprs...)
	for _, i := range up.changed {
		exprs = append(exprs, &lazy.Alias{X: up.olds[i].(*lazy.Alias).X, Name: b.fresh("old")})
	}
	exprs = append(exprs, col(up.rel.cols[up.rel.findPhys(posName)].phys))
	p, err := lazy.NewProject(up.rel.plan, exprs)
	if err != nil {
		return 0, false, err
	}
	res, err := exec.Run(x.ctx, memory.DefaultAllocator, exec.Optimize(p))
	if err != nil {
		return 0, false, err
	}
	defer res.Release()
	nOut := len(up.exprs)
	found := make([]bool, rb.NumRows())
	for _, out := range res.Batches() {
		rows := int(out.NumRows())
		pos := out.Column(int(out.NumCols()) - 1).(*array.Int64)
		changed := make([]bool, rows)
		nChanged := 0
		for r := range rows {
			found[pos.Value(r)] = true
			for j, i := range up.changed {
				if !array.SliceEqual(out.Column(i), int64(r), int64(r+1), out.Column(nOut+j), int64(r), int64(r+1)) {
					changed[r] = true
				}
			}
			if changed[r] {
				nChanged++
			}
		}
		if nChanged == 0 {
			continue
		}
		newRows := array.NewRecordBatch(arrow.NewSchema(out.Schema().Fields()[:nOut], nil), out.Columns()[:nOut], out.NumRows())
		sel, err := keepRows(newRows, changed, nChanged)
		newRows.Release()
		if err != nil {
			return 0, false, err
		}
		_, err = x.writeUpdated(desc.Name, tkeys, sel, false)
		sel.Release()
		if err != nil {
			return 0, false, err
		}
		// MySQL counts an updated row twice, one left as it was not at all.
		n += 2 * int64(nChanged)
	}
	missing := make([]bool, len(found))
	nMissing := 0
	for i, f := range found {
		if !f {
			missing[i] = true
			nMissing++
		}
	}
	if nMissing > 0 {
		ins, err := keepRows(rb, missing, nMissing)
		if err != nil {
			return 0, false, err
		}
		m, err := x.txn.Insert(desc.Name, ins, storage.ConflictError)
		ins.Release()
		if err != nil {
			return 0, false, err
		}
		n += m
	}
	return n, true, nil
}

// keepRows returns the rows of rb whose keep is true (kept of them).
func keepRows(rb arrow.RecordBatch, keep []bool, kept int) (arrow.RecordBatch, error) {
	mask := make([]byte, bitutil.BytesForBits(int64(len(keep))))
	for i, k := range keep {
		if k {
			bitutil.SetBit(mask, i)
		}
	}
	cols := make([]arrow.Array, rb.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, c := range rb.Columns() {
		var err error
		if cols[i], err = kernels.Filter(memory.DefaultAllocator, c, mask, kept); err != nil {
			return nil, err
		}
	}
	return array.NewRecordBatch(rb.Schema(), cols, int64(kept)), nil
}
