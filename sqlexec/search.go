package sqlexec

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/alopexdb/alopex/storage"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// SearchRequest is a batch vector search of a stored table (db.search):
// the K nearest rows to each of many query vectors, among the rows that
// pass one filter, all read in one snapshot.
type SearchRequest struct {
	Table string
	// Column is the VECTOR column searched; "" picks the table's only one.
	Column string
	// Metric is "l2", "cosine" or "ip"; "" takes the column's vector
	// index's (l2 without one).
	Metric string
	// Columns are the table columns returned; nil: every one.
	Columns []string
	K, Ef   int
	// FilterSQL is a SQL condition over the table's columns, or Filter a
	// DataFrame expression (at most one of them).
	FilterSQL string
	Filter    lazy.Expr
	// Queries holds the query vectors row after row, each of dimension
	// Dim (0: the column's).
	Queries []float32
	Dim     int
}

// Names of the columns Search adds.
const (
	SearchQueryColumn    = "query"
	SearchDistanceColumn = "_distance"
)

// Search runs req and returns, per query in order, its nearest rows
// (nearest first; rows with a NULL vector are never returned): the
// column query (the query's position), the requested columns, and
// _distance — the distance VEC_L2_DISTANCE, VEC_COSINE_DISTANCE or
// VEC_NEGATIVE_INNER_PRODUCT gives. The table's vector index answers when
// it can (the filter becomes its allow-list, evaluated once for the whole
// batch); queries it cannot answer exactly for this snapshot — and every
// query of a column without an index — are answered by an exact search of
// the rows that pass the filter.
func (s *Session) Search(ctx context.Context, mem memory.Allocator, req SearchRequest, opener lazy.Opener) (*core.Table, error) {
	st := s.Statement()
	defer st.Release()
	sr := &searchRun{s: s, st: st, req: req, mem: mem, ctx: ctx, opener: opener}
	if err := sr.resolve(); err != nil {
		return nil, err
	}
	return sr.run()
}

// searchRun is one Search call.
type searchRun struct {
	s      *Session
	st     *Statement
	req    SearchRequest
	mem    memory.Allocator
	ctx    context.Context
	opener lazy.Opener

	schema  *arrow.Schema
	pk      []string
	column  string // the vector column, as the table spells it
	dim     int
	metric  vector.Metric
	index   string // "" when no vector index fits
	columns []string
	nq      int
}

func (sr *searchRun) resolve() error {
	r := sr.req
	if r.K <= 0 {
		return core.Errorf(core.KindInvalidInput, "k must be a positive integer, got %d", r.K)
	}
	if r.FilterSQL != "" && r.Filter != nil {
		return core.Errorf(core.KindInvalidInput, "give the filter as SQL text or as an expression, not both")
	}
	var desc *storage.TableDesc
	if err := sr.st.use(func(txn *storage.Txn) (err error) {
		desc, err = txn.Table(r.Table)
		return err
	}); err != nil {
		return err
	}
	sr.schema = desc.Schema()
	sr.pk = descPrimaryKey(desc)
	var vecCols []string
	for _, f := range sr.schema.Fields() {
		if core.IsVector(f.Type) {
			vecCols = append(vecCols, f.Name)
		}
	}
	switch {
	case r.Column != "":
		f, err := fieldOf(sr.schema, desc.Name, r.Column)
		if err != nil {
			return err
		}
		sr.column = f.Name
		if !slices.Contains(vecCols, sr.column) {
			return core.Errorf(core.KindInvalidInput, "column %q of table %q is %s, not a VECTOR column", sr.column, desc.Name, f.Type)
		}
	case len(vecCols) == 1:
		sr.column = vecCols[0]
	case len(vecCols) == 0:
		return core.Errorf(core.KindInvalidInput, "table %q has no VECTOR column to search", desc.Name)
	default:
		return core.Errorf(core.KindInvalidInput, "table %q has several VECTOR columns (%s): say which with column=", desc.Name, strings.Join(vecCols, ", "))
	}
	f, _ := fieldOf(sr.schema, desc.Name, sr.column)
	sr.dim = core.VectorDim(f.Type)
	if r.Dim != 0 && r.Dim != sr.dim {
		return core.Errorf(core.KindInvalidInput, "the query vectors have dimension %d; column %q of table %q has dimension %d", r.Dim, sr.column, desc.Name, sr.dim)
	}
	if len(r.Queries)%sr.dim != 0 {
		return core.Errorf(core.KindInvalidInput, "the queries have %d numbers, not a whole number of vectors of dimension %d (column %q)", len(r.Queries), sr.dim, sr.column)
	}
	sr.nq = len(r.Queries) / sr.dim
	metric := strings.ToLower(r.Metric)
	for _, ix := range desc.VectorIndexes {
		if strings.EqualFold(ix.Column, sr.column) && (metric == "" || ix.Metric == metric) {
			sr.index, metric = ix.Name, ix.Metric
			break
		}
	}
	if metric == "" {
		metric = "l2"
	}
	m, err := vector.ParseMetric(metric)
	if err != nil {
		return err
	}
	sr.metric = m
	if r.Columns == nil {
		for _, f := range sr.schema.Fields() {
			sr.columns = append(sr.columns, f.Name)
		}
	}
	for _, c := range r.Columns {
		f, err := fieldOf(sr.schema, desc.Name, c)
		if err != nil {
			return err
		}
		sr.columns = append(sr.columns, f.Name)
	}
	for _, c := range sr.columns {
		if strings.EqualFold(c, SearchQueryColumn) || strings.EqualFold(c, SearchDistanceColumn) {
			return core.Errorf(core.KindInvalidInput, "table %q has a column named %q, which search results use: leave it out with columns=", desc.Name, c)
		}
	}
	return nil
}

func (sr *searchRun) run() (*core.Table, error) {
	filtered := sr.req.FilterSQL != "" || sr.req.Filter != nil
	var allow *storage.KeySet
	if filtered && sr.index != "" {
		var err error
		if allow, err = sr.allowList(); err != nil {
			return nil, err
		}
	}
	hits := make([]storage.VectorHits, sr.nq)
	var exact []int // the queries to answer exactly
	if sr.index != "" {
		var answered []bool
		if err := sr.st.use(func(txn *storage.Txn) (err error) {
			var found []storage.VectorHits
			found, answered, err = txn.VectorSearchBatch(sr.req.Table, sr.index,
				storage.VectorBatch{Queries: sr.req.Queries, K: sr.req.K, Ef: sr.searchEf(), Allow: allow})
			copy(hits, found)
			return err
		}); err != nil {
			return nil, err
		}
		for q := range sr.nq {
			if answered == nil || !answered[q] {
				exact = append(exact, q)
			}
		}
		for q := range hits {
			sr.toSQLDistances(hits[q].Dists)
		}
	} else {
		for q := range sr.nq {
			exact = append(exact, q)
		}
	}
	if len(exact) > 0 {
		if err := sr.exactSearch(exact, hits); err != nil {
			return nil, err
		}
	}
	return sr.assemble(hits)
}

func (sr *searchRun) searchEf() int {
	if sr.req.Ef > 0 {
		return sr.req.Ef
	}
	return sr.s.vectorSettings().efSearch
}

// allowList is the rows that pass the filter, for the index: the index's
// cached list when the same filter (the same plan: planFilterKey) was
// resolved on the unchanged table (storage.Txn.CachedKeySet),
// else the keys of the rows read now.
func (sr *searchRun) allowList() (*storage.KeySet, error) {
	plan, err := sr.filterPlan(sr.pk)
	if err != nil {
		return nil, err
	}
	filter := planFilterKey(plan)
	var set *storage.KeySet
	if filter != "" {
		if err := sr.st.use(func(txn *storage.Txn) (err error) {
			set, err = txn.CachedKeySet(sr.req.Table, sr.index, filter)
			return err
		}); err != nil || set != nil {
			return set, err
		}
	}
	keys, err := exec.Run(sr.ctx, sr.mem, exec.Optimize(plan))
	if err != nil {
		return nil, err
	}
	defer keys.Release()
	err = sr.st.use(func(txn *storage.Txn) (err error) {
		set, err = txn.KeySetOf(sr.req.Table, keys.Batches()...)
		return err
	})
	if err != nil || filter == "" {
		return set, err
	}
	return set.ForFilter(filter), nil
}

// planFilterKey names a filter's plan for storage.KeySet.ForFilter: its
// explain text and the full key (lazy.FilterKey) of every expression in
// it, as explain abbreviates long literals. It is "" (not cached) unless
// the plan is projections and filters over the scan of the table alone: a
// subquery (a join) reads other tables, whose commits do not make the
// cached list stale.
func planFilterKey(root lazy.Plan) string {
	var exprs []lazy.Expr
	for p := root; ; {
		switch n := p.(type) {
		case *lazy.Scan:
			if n.Predicate != nil {
				exprs = append(exprs, n.Predicate)
			}
			return lazy.Explain(root) + lazy.FilterKey(exprs)
		case *lazy.Filter:
			exprs = append(exprs, n.Predicate)
			p = n.Input
		case *lazy.Project:
			exprs = append(exprs, n.Exprs...)
			p = n.Input
		default:
			return ""
		}
	}
}

// passing runs the rows of the table that pass the filter (all rows
// without one), projected on cols.
func (sr *searchRun) passing(cols []string) (*core.Table, error) {
	plan, err := sr.filterPlan(cols)
	if err != nil {
		return nil, err
	}
	return exec.Run(sr.ctx, sr.mem, exec.Optimize(plan))
}

// filterPlan is the plan of passing, not optimized yet.
func (sr *searchRun) filterPlan(cols []string) (lazy.Plan, error) {
	cat := catalog{use: sr.st.use}
	var plan lazy.Plan
	var err error
	if sr.req.FilterSQL != "" {
		ps, err := sr.s.prepared.get(fmt.Sprintf("SELECT * FROM %s WHERE %s", quoteName(sr.req.Table), sr.req.FilterSQL))
		if err != nil {
			return nil, err
		}
		if _, ok := ps.p.stmt.(*ast.SelectStmt); !ok || ps.p.nParams() > 0 {
			return nil, core.Errorf(core.KindInvalidInput, "the filter %q is not one condition over the table's columns", sr.req.FilterSQL)
		}
		if plan, err = ps.plan(sr.st, nil, sr.opener); err != nil {
			return nil, err
		}
	} else {
		if plan, err = cat.tablePlan(sr.req.Table, false); err != nil {
			return nil, err
		}
		if sr.req.Filter != nil {
			if plan, err = lazy.NewFilterPlan(plan, sr.req.Filter); err != nil {
				return nil, err
			}
		}
	}
	exprs := make([]lazy.Expr, len(cols))
	for i, c := range cols {
		exprs[i] = &lazy.Column{Name: c}
	}
	return lazy.NewSelect(plan, exprs)
}

// toSQLDistances turns the index's distances into SQL's: VEC_L2_DISTANCE
// is the Euclidean distance (the index ranks by its square),
// VEC_NEGATIVE_INNER_PRODUCT is -a·b (the index's is 1 - a·b).
func (sr *searchRun) toSQLDistances(d []float32) {
	for i, x := range d {
		switch sr.metric {
		case vector.L2:
			d[i] = float32(math.Sqrt(float64(max(x, 0))))
		case vector.InnerProduct:
			d[i] = x - 1
		}
	}
}

// exactSearch answers queries qs exactly: a flat index over the vectors
// of the rows that pass the filter, searched with a mask so that each
// distance is computed as SQL's scan does.
func (sr *searchRun) exactSearch(qs []int, hits []storage.VectorHits) error {
	rows, err := sr.passing(append(slices.Clone(sr.pk), sr.column))
	if err != nil {
		return err
	}
	defer rows.Release()
	flat, err := vector.NewFlat(sr.dim, sr.metric)
	if err != nil {
		return err
	}
	var refs []string // by flat id
	for _, rb := range rows.Batches() {
		var keys []string
		if err := sr.st.use(func(txn *storage.Txn) (err error) {
			keys, err = txn.RowKeysOf(sr.req.Table, rb)
			return err
		}); err != nil {
			return err
		}
		col := rb.Column(len(sr.pk)).(*array.FixedSizeList)
		vals := col.ListValues().(*array.Float32).Float32Values()
		var vecs []float32
		var ids []int64
		for row := range int(rb.NumRows()) {
			if col.IsNull(row) {
				continue // a NULL vector is never a hit
			}
			start := (col.Offset() + row) * sr.dim
			vecs = append(vecs, vals[start:start+sr.dim]...)
			ids = append(ids, int64(len(refs)))
			refs = append(refs, keys[row])
		}
		if len(ids) > 0 {
			if err := flat.Add(vecs, ids); err != nil {
				return err
			}
		}
	}
	k := min(sr.req.K, len(refs))
	if k == 0 {
		return nil
	}
	mask := make([]bool, len(refs))
	for i := range mask {
		mask[i] = true
	}
	queries := make([]float32, 0, len(qs)*sr.dim)
	for _, q := range qs {
		queries = append(queries, sr.req.Queries[q*sr.dim:(q+1)*sr.dim]...)
	}
	ids := make([]int64, len(qs)*k)
	dists := make([]float32, len(qs)*k)
	if err := flat.Search(queries, k, 0, &vector.Filter{Mask: mask}, ids, dists); err != nil {
		return err
	}
	for i, q := range qs {
		h := storage.VectorHits{}
		for j := i * k; j < (i+1)*k; j++ {
			if ids[j] >= 0 {
				h.Rows = append(h.Rows, refs[ids[j]])
				h.Dists = append(h.Dists, dists[j])
			}
		}
		sr.toSQLDistances(h.Dists)
		hits[q] = h
	}
	return nil
}

// assemble reads the rows found and lays out the result: query, the
// columns, _distance, query after query.
func (sr *searchRun) assemble(hits []storage.VectorHits) (*core.Table, error) {
	want := map[string]int32{} // row reference -> position in the rows read
	var refs []string
	for _, h := range hits {
		for _, r := range h.Rows {
			if _, ok := want[r]; !ok {
				want[r] = -1
				refs = append(refs, r)
			}
		}
	}
	cols := slices.Clone(sr.pk)
	for _, c := range sr.columns {
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	var rows arrow.RecordBatch
	if err := sr.st.use(func(txn *storage.Txn) (err error) {
		rows, err = txn.ReadRows(sr.req.Table, cols, refs)
		return err
	}); err != nil {
		return nil, err
	}
	defer rows.Release()
	var keys []string
	if err := sr.st.use(func(txn *storage.Txn) (err error) {
		keys, err = txn.RowKeysOf(sr.req.Table, rows)
		return err
	}); err != nil {
		return nil, err
	}
	for i, k := range keys {
		want[k] = int32(i)
	}
	var idx []int32
	qb := array.NewInt64Builder(sr.mem)
	defer qb.Release()
	db := array.NewFloat32Builder(sr.mem)
	defer db.Release()
	for q, h := range hits {
		for j, r := range h.Rows {
			pos := want[r]
			if pos < 0 {
				return nil, core.Errorf(core.KindInternal, "a row the search found is missing from its snapshot")
			}
			idx = append(idx, pos)
			qb.Append(int64(q))
			db.Append(h.Dists[j])
		}
	}
	fields := []arrow.Field{{Name: SearchQueryColumn, Type: arrow.PrimitiveTypes.Int64}}
	out := []arrow.Array{qb.NewArray()}
	defer func() {
		for _, a := range out {
			a.Release()
		}
	}()
	for _, c := range sr.columns {
		i := slices.Index(cols, c)
		a, err := kernels.Gather(sr.mem, rows.Column(i), idx)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		fields = append(fields, rows.Schema().Field(i))
	}
	out = append(out, db.NewArray())
	fields = append(fields, arrow.Field{Name: SearchDistanceColumn, Type: arrow.PrimitiveTypes.Float32})
	schema := arrow.NewSchema(fields, nil)
	rb := array.NewRecordBatch(schema, out, int64(len(idx)))
	return core.NewTable(schema, []arrow.RecordBatch{rb}), nil
}

func quoteName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }
