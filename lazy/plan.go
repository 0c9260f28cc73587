package lazy

import (
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Plan is a logical plan node. Nodes are immutable trees: WithChildren returns
// a copy with new inputs. Every node knows its output schema; column names in
// a schema are unique.
type Plan interface {
	Schema() *arrow.Schema
	Children() []Plan
	WithChildren(children []Plan) Plan
}

// Source is data a Scan reads. Implementations are safe for concurrent reads.
type Source interface {
	// Name identifies the source in explain output.
	Name() string
	Schema() *arrow.Schema
	NumRows() int64
}

// MemorySource is a Source held in memory as record batches; the executor
// splits it into morsels.
type MemorySource interface {
	Source
	Batches() []arrow.RecordBatch
}

// Scan reads a Source. The optimizer pushes work into it: Columns restricts
// the columns read (nil reads all), Predicate filters rows as they are read
// (nil keeps all), and Limit stops after that many rows (-1: no limit; applied
// after Predicate).
type Scan struct {
	Source    Source
	Columns   []string
	Predicate Expr
	Limit     int64
	schema    *arrow.Schema
}

// NewScan scans all columns of src.
func NewScan(src Source) *Scan {
	return &Scan{Source: src, Limit: -1, schema: src.Schema()}
}

// WithPushdown returns a copy of s with new pushed-down columns, predicate and limit.
func (s *Scan) WithPushdown(columns []string, predicate Expr, limit int64) *Scan {
	c := *s
	c.Columns, c.Predicate, c.Limit = columns, predicate, limit
	if !slices.Equal(columns, s.Columns) || (columns == nil) != (s.Columns == nil) {
		c.schema = projectSchema(s.Source.Schema(), columns)
	}
	return &c
}

func projectSchema(s *arrow.Schema, columns []string) *arrow.Schema {
	if columns == nil {
		return s
	}
	fields := make([]arrow.Field, 0, len(columns))
	for _, c := range columns {
		fields = append(fields, s.Field(s.FieldIndices(c)[0]))
	}
	return arrow.NewSchema(fields, nil)
}

func (s *Scan) Schema() *arrow.Schema      { return s.schema }
func (s *Scan) Children() []Plan           { return nil }
func (s *Scan) WithChildren(_ []Plan) Plan { c := *s; return &c }

// Filter keeps the rows for which Predicate is true (null counts as false).
type Filter struct {
	Input     Plan
	Predicate Expr
}

// NewFilter resolves predicate against input and checks that it is Boolean.
func NewFilter(input Plan, predicate Expr) (*Filter, error) {
	p, err := Resolve(predicate, input.Schema())
	if err != nil {
		return nil, err
	}
	if t := p.DataType(); t.ID() != arrow.BOOL {
		return nil, core.Errorf(core.KindCompute,
			"filter predicate must be Boolean, got %s from expression %s", dtypeName(t), predicate)
	}
	return &Filter{Input: input, Predicate: p}, nil
}

// NewFilterPlan is NewFilter, except that a predicate with windows or
// aggregates (filter(col("x") > col("x").mean())) is computed over a
// WindowNode and the helper columns are dropped again.
func NewFilterPlan(input Plan, predicate Expr) (Plan, error) {
	p, err := Resolve(predicate, input.Schema())
	if err != nil {
		return nil, err
	}
	if !needsWindow(p, true) {
		if t := p.DataType(); t.ID() != arrow.BOOL {
			return nil, core.Errorf(core.KindCompute,
				"filter predicate must be Boolean, got %s from expression %s", dtypeName(t), predicate)
		}
		return &Filter{Input: input, Predicate: p}, nil // NewFilter, resolved once
	}
	wn, rew := extractWindows(input, []Expr{p}, true)
	if t := rew[0].DataType(); t.ID() != arrow.BOOL {
		return nil, core.Errorf(core.KindCompute,
			"filter predicate must be Boolean, got %s from expression %s", dtypeName(t), predicate)
	}
	f := &Filter{Input: wn, Predicate: rew[0]}
	keep := make([]Expr, input.Schema().NumFields())
	for i, fld := range input.Schema().Fields() {
		keep[i] = &Column{Name: fld.Name, Type: fld.Type}
	}
	return newProjectResolved(f, keep)
}

func (f *Filter) Schema() *arrow.Schema { return f.Input.Schema() }
func (f *Filter) Children() []Plan      { return []Plan{f.Input} }
func (f *Filter) WithChildren(ch []Plan) Plan {
	c := *f
	c.Input = ch[0]
	return &c
}

// Project computes one output column per expression, named by OutputName.
type Project struct {
	Input Plan
	Exprs []Expr
	// RowWise keeps one output row per input row even when no expression
	// reads a column: set by SQL (SELECT 5 FROM t gives a row per row of t)
	// and by rewrites that leave only such expressions of a projection that
	// read columns (with_columns(lit(5)).select("c") keeps the frame's height).
	RowWise bool
	schema  *arrow.Schema
}

// NewSelect plans a select: a projection, or, when the expressions
// aggregate, a global aggregation (one row).
func NewSelect(input Plan, exprs []Expr) (Plan, error) {
	resolved := make([]Expr, len(exprs))
	anyAgg, anyWindow, allScalar := false, false, true
	for i, e := range exprs {
		r, err := Resolve(e, input.Schema())
		if err != nil {
			return nil, err
		}
		resolved[i] = r
		switch {
		case windowOutsideAggs(r):
			anyWindow, allScalar = true, false
		case ContainsAgg(r):
			anyAgg = true
			if len(columnsOutsideAggs(r)) > 0 {
				allScalar = false
			}
		case len(ColumnsUsed(r)) > 0:
			allScalar = false
		}
	}
	if anyAgg && allScalar {
		// One row: a global aggregation (of window results, if any inside).
		wn, rew := extractWindows(input, resolved, false)
		if wn == nil {
			return NewGroupBy(input, nil, exprs)
		}
		return NewGroupBy(wn, nil, keepNames(resolved, rew))
	}
	if !anyAgg && !anyWindow {
		return newProjectResolved(input, resolved) // NewProject, resolved once
	}
	// Aggregates beside row-wise columns broadcast, as in Polars.
	wn, rew := extractWindows(input, resolved, true)
	return newProjectResolved(wn, keepNames(resolved, rew))
}

// columnsOutsideAggs lists the columns e reads outside any aggregate.
func columnsOutsideAggs(e Expr) []string {
	var out []string
	var walk func(Expr)
	walk = func(x Expr) {
		switch n := x.(type) {
		case *Agg:
			return
		case *Column:
			out = append(out, n.Name)
		}
		for _, c := range x.Children() {
			walk(c)
		}
	}
	walk(e)
	return out
}

// NewProject resolves exprs against input (a select).
func NewProject(input Plan, exprs []Expr) (*Project, error) {
	resolved := make([]Expr, len(exprs))
	for i, e := range exprs {
		r, err := Resolve(e, input.Schema())
		if err != nil {
			return nil, err
		}
		resolved[i] = r
	}
	return newProjectResolved(input, resolved)
}

// settleLiteral gives a projected dynamic literal its final type: an
// integer that fits is Int32, as in Polars' select(lit(1)).
func settleLiteral(e Expr) Expr {
	if a, ok := e.(*Alias); ok {
		return &Alias{X: settleLiteral(a.X), Name: a.Name}
	}
	if l, ok := e.(*Literal); ok && l.Dynamic {
		if v, ok := l.Value.(int64); ok && intFits(v, arrow.PrimitiveTypes.Int32) {
			return &Literal{Value: v, Type: arrow.PrimitiveTypes.Int32}
		}
		return &Literal{Value: l.Value, Type: l.Type}
	}
	return e
}

func newProjectResolved(input Plan, exprs []Expr) (*Project, error) {
	exprs = append([]Expr(nil), exprs...)
	for i, e := range exprs {
		exprs[i] = settleLiteral(e)
	}
	fields := make([]arrow.Field, len(exprs))
	seen := make(map[string]int, len(exprs))
	for i, e := range exprs {
		name := OutputName(e)
		if j, dup := seen[name]; dup {
			return nil, core.Errorf(core.KindSchema,
				"the name '%s' is produced twice (by %s and %s); use .alias() to give one a new name",
				name, exprs[j], e).With("column", name)
		}
		seen[name] = i
		t := e.DataType()
		fields[i] = arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return &Project{Input: input, Exprs: exprs, schema: arrow.NewSchema(fields, nil)}, nil
}

// NewWithColumns resolves exprs against input and returns a Project that keeps
// every input column, replacing those with the same name in place and
// appending new ones (Polars' with_columns).
func NewWithColumns(input Plan, exprs []Expr) (*Project, error) {
	in := input.Schema()
	out := make([]Expr, in.NumFields())
	for i, f := range in.Fields() {
		out[i] = &Column{Name: f.Name, Type: f.Type}
	}
	seen := map[string]bool{}
	for _, e := range exprs {
		r, err := Resolve(e, in)
		if err != nil {
			return nil, err
		}
		name := OutputName(r)
		if seen[name] {
			return nil, core.Errorf(core.KindSchema,
				"with_columns sets '%s' twice; use .alias() to give one a new name", name).With("column", name)
		}
		seen[name] = true
		if _, isCol := r.(*Column); !isCol {
			if _, isAlias := r.(*Alias); !isAlias && OutputName(r) != name {
				r = &Alias{X: r, Name: name}
			}
		}
		if idx := in.FieldIndices(name); len(idx) > 0 {
			out[idx[0]] = r
		} else {
			out = append(out, r)
		}
	}
	var p *Project
	var err error
	if wn, rew := extractWindows(input, out, true); wn != nil {
		p, err = newProjectResolved(wn, keepNames(out, rew))
	} else {
		p, err = newProjectResolved(input, out)
	}
	if err != nil {
		return nil, err
	}
	// with_columns keeps the frame's height even when no expression reads a
	// column (every column dropped, then with_columns(lit(1))).
	p.RowWise = true
	return p, nil
}

// WithExprs returns a copy of p computing exprs (already resolved against
// the input) instead.
func (p *Project) WithExprs(exprs []Expr) *Project {
	np, err := newProjectResolved(p.Input, exprs)
	if err != nil {
		panic(err) // callers only drop or reorder expressions of a valid Project
	}
	np.RowWise = p.RowWise
	return np
}

func (p *Project) Schema() *arrow.Schema { return p.schema }
func (p *Project) Children() []Plan      { return []Plan{p.Input} }
func (p *Project) WithChildren(ch []Plan) Plan {
	c := *p
	c.Input = ch[0]
	return &c
}

// IsScalar reports whether p computes only values that read no column (such
// as literals) and is not RowWise: as in Polars, such a select gives one row
// whatever its input.
func (p *Project) IsScalar() bool {
	if len(p.Exprs) == 0 || p.RowWise {
		return false
	}
	for _, e := range p.Exprs {
		if len(ColumnsUsed(e)) > 0 {
			return false
		}
	}
	return true
}

// IsPassThrough reports whether every expression is a plain column reference
// (possibly renamed): such a projection moves no data.
func (p *Project) IsPassThrough() bool {
	for _, e := range p.Exprs {
		if _, ok := StripAlias(e).(*Column); !ok {
			return false
		}
	}
	return true
}

// Slice keeps Length rows starting at Offset (Length -1: to the end).
type Slice struct {
	Input  Plan
	Offset int64
	Length int64
}

func (s *Slice) Schema() *arrow.Schema { return s.Input.Schema() }
func (s *Slice) Children() []Plan      { return []Plan{s.Input} }
func (s *Slice) WithChildren(ch []Plan) Plan {
	c := *s
	c.Input = ch[0]
	return &c
}

// Sources lists the sources scanned anywhere in p.
func Sources(p Plan) []Source {
	var out []Source
	var walk func(Plan)
	walk = func(p Plan) {
		if s, ok := p.(*Scan); ok {
			src := s.Source
			if u, ok := src.(interface{ Unwrap() Source }); ok {
				src = u.Unwrap() // a frame with an attached vector index
			}
			out = append(out, src)
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(p)
	return out
}

// ReadColumns lists the columns a scan reads from its source: its output
// columns and those its predicate needs, in source order.
func ReadColumns(s *Scan) []string {
	src, out := s.Source.Schema(), s.Schema()
	// (Schema.Fields copies the fields: read them one by one.)
	if out.NumFields() == src.NumFields() {
		// Every column is read: no set of names is needed.
		cols := make([]string, src.NumFields())
		for i := range cols {
			cols[i] = src.Field(i).Name
		}
		return cols
	}
	need := make(map[string]bool, out.NumFields())
	for i := range out.NumFields() {
		need[out.Field(i).Name] = true
	}
	if s.Predicate != nil {
		for _, c := range ColumnsUsed(s.Predicate) {
			need[c] = true
		}
	}
	var cols []string
	for i := range src.NumFields() {
		if name := src.Field(i).Name; need[name] {
			cols = append(cols, name)
		}
	}
	return cols
}

// SchemaOf is the schema of the named columns of schema, all of which it
// must hold. Every column in order (a plain read of a whole source) gives
// schema itself: building a schema builds a name index, a cost per column
// that a wide source must not pay again for each scan or piece.
func SchemaOf(schema *arrow.Schema, cols []string) *arrow.Schema {
	if len(cols) == schema.NumFields() {
		same := true
		for i, c := range cols {
			if schema.Field(i).Name != c {
				same = false
				break
			}
		}
		if same {
			return schema
		}
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = schema.Field(schema.FieldIndices(c)[0])
	}
	return arrow.NewSchema(fields, nil)
}

// windowOutsideAggs reports a window (or order-dependent call) in e that is
// not inside an aggregate.
func windowOutsideAggs(e Expr) bool {
	found := false
	var walk func(Expr)
	walk = func(x Expr) {
		if found {
			return
		}
		switch n := x.(type) {
		case *Agg:
			return
		case *Window:
			found = true
			return
		case *Call:
			if IsWindowFunction(n.Name) {
				found = true
				return
			}
		}
		for _, c := range x.Children() {
			walk(c)
		}
	}
	walk(e)
	return found
}
