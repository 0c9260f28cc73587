package sqlexec

import (
	"context"
	"encoding/binary"
	"math"
	"strings"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// The point-get fast path: SELECT cols FROM t WHERE pk = ? (every primary
// key column compared for equality, one of them possibly with IN (…)) reads
// the rows with snapshot Gets, skipping the planner and the executor.
//
// It answers only when it gives what the general path gives: a key value
// whose type differs from the key column's (WHERE id = '5', WHERE id = 5.5)
// or does not fit it converts under MySQL's rules there, so such executions
// go the general way. Rows come out in key order, without duplicates, as
// the general path's key-range scan returns them.

// maxPointKeys bounds the keys one point get reads (IN lists longer than
// this take the general path, whose scan batches them).
const maxPointKeys = 1024

// pointShape is the table-independent part of a point statement, read from
// its syntax tree once.
type pointShape struct {
	table string
	alias string // lower case; the table name when there is no alias
	star  bool
	// fields are the selected columns (without star) and their output names.
	fields []shapeField
	terms  []keyTerm
}

type shapeField struct{ column, name string }

// keyTerm is column = v, or column IN (v, …).
type keyTerm struct {
	column string
	values []pointValue
}

// pointValue is a placeholder (param ≥ 0) or a literal.
type pointValue struct {
	param int
	lit   any
}

// pointPlan is a point shape resolved against one descriptor of its table.
type pointPlan struct {
	desc   *storage.TableDesc
	names  []string
	types  []arrow.DataType
	proj   []int          // visible column index of each output column
	keys   [][]pointValue // per key column, its candidate values
	keyVis []int          // visible column index of each key column
	keyTyp []arrow.DataType
	star   bool // the output is every visible column, in order
	// intHead is set when the plan reads one row by an integer primary key
	// given as its only ? (WHERE pk = ?): the compact encoding's items
	// before the rows (ExecuteInt), made once per plan. convert is the
	// encoding's convert item.
	intHead []byte
	convert bool
}

// selectShape recognizes the point shape, or returns nil.
func selectShape(sel *ast.SelectStmt) *pointShape {
	if sel.Distinct || sel.GroupBy != nil || sel.Having != nil || sel.OrderBy != nil || sel.Limit != nil ||
		sel.LockInfo != nil || sel.With != nil || len(sel.WindowSpecs) > 0 || sel.SelectIntoOpt != nil ||
		sel.Kind != ast.SelectStmtKindSelect || sel.From == nil || sel.From.TableRefs == nil ||
		sel.From.TableRefs.Right != nil || sel.Where == nil || sel.Fields == nil || len(sel.TableHints) > 0 {
		return nil
	}
	ts, ok := sel.From.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok || tn.Schema.O != "" {
		return nil
	}
	sh := &pointShape{table: tn.Name.O, alias: strings.ToLower(ts.AsName.O)}
	if sh.alias == "" {
		sh.alias = strings.ToLower(tn.Name.O)
	}
	for _, f := range sel.Fields.Fields {
		switch {
		case f.WildCard != nil:
			if len(sel.Fields.Fields) != 1 || (f.WildCard.Table.O != "" && !strings.EqualFold(f.WildCard.Table.O, sh.alias)) ||
				f.WildCard.Schema.O != "" {
				return nil
			}
			sh.star = true
		default:
			c, ok := f.Expr.(*ast.ColumnNameExpr)
			if !ok || !sh.ownColumn(c.Name) {
				return nil
			}
			name := c.Name.Name.O
			if f.AsName.O != "" {
				name = f.AsName.O
			}
			sh.fields = append(sh.fields, shapeField{column: c.Name.Name.O, name: name})
		}
	}
	if !sh.addTerms(sel.Where) {
		return nil
	}
	return sh
}

func (sh *pointShape) ownColumn(n *ast.ColumnName) bool {
	return n.Schema.O == "" && (n.Table.O == "" || strings.EqualFold(n.Table.O, sh.alias))
}

// addTerms reads a conjunction of key terms; at most one may be an IN list.
func (sh *pointShape) addTerms(e ast.ExprNode) bool {
	switch x := e.(type) {
	case *ast.ParenthesesExpr:
		return sh.addTerms(x.Expr)
	case *ast.BinaryOperationExpr:
		if x.Op == opcode.LogicAnd {
			return sh.addTerms(x.L) && sh.addTerms(x.R)
		}
		if x.Op != opcode.EQ {
			return false
		}
		c, v := x.L, x.R
		if _, ok := c.(*ast.ColumnNameExpr); !ok {
			c, v = v, c
		}
		return sh.addTerm(c, []ast.ExprNode{v})
	case *ast.PatternInExpr:
		if x.Not || x.Sel != nil || len(x.List) == 0 || len(x.List) > maxPointKeys {
			return false
		}
		for _, t := range sh.terms {
			if len(t.values) > 1 {
				return false
			}
		}
		return sh.addTerm(x.Expr, x.List)
	}
	return false
}

func (sh *pointShape) addTerm(c ast.ExprNode, vals []ast.ExprNode) bool {
	col, ok := c.(*ast.ColumnNameExpr)
	if !ok || !sh.ownColumn(col.Name) {
		return false
	}
	t := keyTerm{column: col.Name.Name.O}
	for _, v := range vals {
		kv, ok := keyValueOf(v)
		if !ok {
			return false
		}
		t.values = append(t.values, kv)
	}
	sh.terms = append(sh.terms, t)
	return true
}

func keyValueOf(e ast.ExprNode) (pointValue, bool) {
	switch x := e.(type) {
	case *test_driver.ParamMarkerExpr:
		return pointValue{param: x.Order}, true
	case *test_driver.ValueExpr:
		switch v := x.GetValue().(type) {
		case int64, uint64, string:
			return pointValue{param: -1, lit: v}, true
		}
	}
	return pointValue{}, false
}

// plan resolves the shape against desc, or returns nil when the statement
// is not a point get on it (a column that is not there, a term on a column
// outside the key, a key column without a term, a table without a key).
func (sh *pointShape) plan(desc *storage.TableDesc) *pointPlan {
	if desc.HasHiddenRowID() || len(desc.PrimaryKey) == 0 {
		return nil
	}
	schema := desc.Schema()
	visible := func(name string) (int, bool) {
		idx := schema.FieldIndices(name)
		if len(idx) != 1 {
			return 0, false
		}
		return idx[0], true
	}
	pp := &pointPlan{desc: desc, star: sh.star}
	if sh.star {
		for i, f := range schema.Fields() {
			pp.names, pp.types, pp.proj = append(pp.names, f.Name), append(pp.types, f.Type), append(pp.proj, i)
		}
	}
	seen := map[string]bool{}
	for _, f := range sh.fields {
		// A column named in another case than stored is left to the
		// general path, which decides the output name.
		i, ok := visible(f.column)
		if !ok || seen[strings.ToLower(f.name)] {
			return nil
		}
		seen[strings.ToLower(f.name)] = true
		pp.names = append(pp.names, f.name)
		pp.types = append(pp.types, schema.Field(i).Type)
		pp.proj = append(pp.proj, i)
	}
	if len(sh.terms) != len(desc.PrimaryKey) {
		return nil
	}
	for _, k := range desc.PrimaryKey {
		i, ok := visible(k)
		if !ok {
			return nil
		}
		var vals []pointValue
		for _, t := range sh.terms {
			if t.column == k {
				if vals != nil {
					return nil
				}
				vals = t.values
			}
		}
		if vals == nil {
			return nil
		}
		pp.keys = append(pp.keys, vals)
		pp.keyVis = append(pp.keyVis, i)
		pp.keyTyp = append(pp.keyTyp, schema.Field(i).Type)
	}
	pp.planIntHead()
	return pp
}

// planIntHead sets the plan's intHead (see pointPlan) when it reads by a
// single integer key that is the statement's ? (and every output column
// has a code: otherwise the general path reports the column).
func (pp *pointPlan) planIntHead() {
	if len(pp.keys) != 1 || len(pp.keys[0]) != 1 || pp.keys[0][0].param != 0 {
		return
	}
	switch pp.keyTyp[0].ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
	default:
		return
	}
	b, convert, err := appendColumns(marshalTupleHeader(nil, 5), pp.names, pp.types)
	if err != nil {
		return
	}
	b = marshalInt(b, -1)                // rowcount, as a query's
	pp.intHead = marshalListHeader(b, 0) // the row count is set once read
	pp.convert = convert
}

// ExecuteInt is Execute of a statement given one parameter, the integer v,
// with its result appended to dst in the compact encoding (AppendCompact).
// query is only read during the call (the statement cache keeps a copy),
// so it may be memory the caller reuses. A point read by an integer
// primary key (WHERE pk = ?) outside a transaction, of a statement run
// before, is answered straight into dst: no result, parameter or key is
// allocated. Everything else goes through Execute.
func (s *Session) ExecuteInt(ctx context.Context, query string, v int64, dst []byte, opener lazy.Opener) ([]byte, error) {
	if out, ok := s.pointInt(query, v, dst); ok {
		return out, nil
	}
	res, err := s.Execute(ctx, strings.Clone(query), []lazy.Expr{&lazy.Literal{Value: v, Dynamic: true}}, opener)
	if err != nil {
		return dst, err
	}
	defer res.Release()
	return res.AppendCompact(dst)
}

// pointInt is ExecuteInt's point read; ok false when it does not apply
// (dst is then as given).
func (s *Session) pointInt(query string, v int64, dst []byte) (_ []byte, ok bool) {
	ps := s.prepared.lookup(query)
	if ps == nil || ps.p.nParams() != 1 {
		return dst, false
	}
	s.mu.Lock()
	open := s.txn != nil
	s.mu.Unlock()
	if open {
		return dst, false
	}
	r, ok := s.db.BeginLatest()
	if !ok {
		return dst, false
	}
	pp, _ := ps.pointPlanFor(r.Table)
	if pp == nil || pp.intHead == nil {
		return dst, false
	}
	start := len(dst)
	dst = append(dst, pp.intHead...)
	rows, n := len(dst), 0
	ok, err := r.GetInt(pp.desc, v, func(row storage.Row) error {
		dst = pp.appendRow(dst, row)
		n++
		return nil
	})
	if err != nil || !ok {
		return dst[:start], false
	}
	binary.LittleEndian.PutUint32(dst[rows-4:], uint32(n))
	size := len(dst) - rows
	dst = marshalBool(dst, pp.convert)
	gen := int64(-1) // as AppendCompact decides it
	if g, ok := r.Generation(); ok && g <= math.MaxInt64 && size <= maxCachedRowBytes {
		gen = int64(g)
	}
	return marshalInt(dst, gen), true
}

// keyGoValue returns the Go value of v for a key column of type t, or false
// when the value is not of the column's own kind (the general path then
// converts it under MySQL's rules).
func keyGoValue(v pointValue, params []lazy.Expr, t arrow.DataType) (any, bool) {
	x, _, ok := v.value(params)
	if !ok {
		return nil, false
	}
	if x == nil {
		return nil, true
	}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		switch x.(type) {
		case int64, uint64:
			return x, true
		}
	case arrow.STRING:
		if _, ok := x.(string); ok {
			return x, true
		}
	}
	return nil, false
}

// value is the Go value of v, a constant or a parameter given as a literal
// (with the literal's type, nil for a constant or an untyped literal); ok
// false for a parameter that is not a literal.
func (v pointValue) value(params []lazy.Expr) (x any, t arrow.DataType, ok bool) {
	if v.param < 0 {
		return v.lit, nil, true
	}
	if v.param >= len(params) {
		return nil, nil, false
	}
	lit, ok := params[v.param].(*lazy.Literal)
	if !ok {
		return nil, nil, false
	}
	return lit.Value, lit.Type, true
}

// keyValues returns the plan's keys (one Go value per key column each)
// for params (a single key in res's space). ok false sends the execution to the general path.
func (pp *pointPlan) keyValues(params []lazy.Expr, res *Result) (keys [][]any, ok bool) {
	if len(pp.keys) == 1 && len(pp.keys[0]) == 1 { // WHERE pk = ?: no allocation
		x, ok := keyGoValue(pp.keys[0][0], params, pp.keyTyp[0])
		if !ok || x == nil {
			return nil, ok
		}
		res.key1[0] = x
		res.keys1[0] = res.key1[:]
		return res.keys1[:], true
	}
	cands := make([][]any, len(pp.keys))
	n := 1
	for i, vals := range pp.keys {
		t := pp.keyTyp[i]
		for _, v := range vals {
			x, ok := keyGoValue(v, params, t)
			if !ok {
				return nil, false
			}
			if x != nil { // key = NULL matches nothing
				cands[i] = append(cands[i], x)
			}
		}
		n *= len(cands[i])
	}
	if n == 0 {
		return nil, true
	}
	// Every combination of the key columns' values (one column at most has
	// several), flattened into one backing array.
	flat := make([]any, n*len(cands))
	keys = make([][]any, n)
	for r := range keys {
		keys[r] = flat[r*len(cands) : (r+1)*len(cands) : (r+1)*len(cands)]
		q := r
		for i := len(cands) - 1; i >= 0; i-- {
			keys[r][i] = cands[i][q%len(cands[i])]
			q /= len(cands[i])
		}
	}
	return keys, true
}

// run reads the rows of the plan's keys in txn into res. ok false sends
// the execution to the general path.
func (pp *pointPlan) run(txn *storage.Txn, params []lazy.Expr, res *Result) (ok bool) {
	keys, ok := pp.keyValues(params, res)
	if !ok || len(keys) == 0 {
		return ok
	}
	raw, err := txn.GetManyFunc(pp.desc.Name, keys, res.pointRows(pp))
	if err != nil {
		res.dropRows()
		return false // a value out of the column's range: the general path compares it
	}
	if !raw { // a columnar table: rows as Go values
		found, err := txn.GetMany(pp.desc.Name, keys)
		if err != nil {
			return false
		}
		res.rows = pp.project(found)
	}
	return true
}

// runLatest is run outside a transaction, on the latest committed state.
// ok false: read again in a transaction (or the general way).
func (pp *pointPlan) runLatest(r storage.LatestRead, params []lazy.Expr, res *Result) (ok bool) {
	keys, ok := pp.keyValues(params, res)
	if !ok || len(keys) == 0 {
		return ok
	}
	if len(keys) < 2 {
		ok, err := r.GetManyFunc(pp.desc, keys, res.pointRows(pp))
		if err != nil || !ok {
			res.dropRows()
			return false
		}
		res.gen, res.genOK = r.Generation()
		return true
	}
	// A long key list is read in parts side by side, each encoded into a
	// buffer of its own; the parts are in key order.
	var bufs [storage.SplitParts]*[]byte
	var counts [storage.SplitParts]int
	parts, ok, err := r.GetManySplit(pp.desc, keys, func(p int, row storage.Row) error {
		if bufs[p] == nil {
			bufs[p] = encBufs.Get().(*[]byte)
		}
		*bufs[p] = pp.appendRow(*bufs[p], row)
		counts[p]++
		return nil
	})
	if ok && err == nil {
		for p := range parts {
			if bufs[p] == nil {
				continue
			}
			if res.enc == nil {
				res.enc, bufs[p] = bufs[p], nil
			} else {
				*res.enc = append(*res.enc, *bufs[p]...)
			}
			res.nEnc += counts[p]
		}
	}
	for _, b := range bufs {
		if b != nil && cap(*b) <= 1<<20 {
			*b = (*b)[:0]
			encBufs.Put(b)
		}
	}
	if ok && err == nil {
		res.gen, res.genOK = r.Generation()
	}
	return ok && err == nil
}

// appendRow appends the plan's output columns of a stored row in the
// compact encoding (compact.go), straight from the row's stored values.
func (pp *pointPlan) appendRow(b []byte, row storage.Row) []byte {
	b = marshalTupleHeader(b, len(pp.proj))
	for j, i := range pp.proj {
		b = appendStoredValue(b, row, i, pp.types[j])
	}
	return b
}

// project keeps the plan's output columns of rows (visible columns, in
// place).
func (pp *pointPlan) project(rows [][]any) [][]any {
	if pp.star {
		return rows
	}
	for r, row := range rows {
		o := make([]any, len(pp.proj))
		for j, i := range pp.proj {
			o[j] = row[i]
		}
		rows[r] = o
	}
	return rows
}
