package sqlexec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// Compile translates one SQL statement (a query, or EXPLAIN of one: the
// plan of the query is returned and the caller prints it) into a lazy plan.
// tables maps table names, matched case-insensitively, to their plans;
// params are the values of the ? placeholders in order; opener opens the
// files of read_parquet('…') and read_csv('…') (nil: not available).
func Compile(query string, tables map[string]lazy.Plan, params []lazy.Expr, opener lazy.Opener) (lazy.Plan, error) {
	p, err := parse(query)
	if err != nil {
		return nil, err
	}
	return compileParsed(p, tables, params, opener)
}

// compileParsed is Compile of a statement already parsed (a prepared one:
// the tree is only read, so several goroutines may compile it at once).
func compileParsed(p *parsed, tables map[string]lazy.Plan, params []lazy.Expr, opener lazy.Opener) (lazy.Plan, error) {
	b := newBuilder(tables, params, opener, p.funcs)
	if p.query != "" {
		b.src = p
	}
	if n := p.nParams(); n != len(params) {
		return nil, core.Errorf(core.KindInvalidInput,
			"the query has %d ? placeholder(s) but %d parameter value(s) were given", n, len(params))
	}
	stmt := p.stmt
	if ex, ok := stmt.(*ast.ExplainStmt); ok {
		// EXPLAIN [ANALYZE] compiles to the statement it explains: Python
		// renders the plan (ANALYZE after running it, with each node's
		// rows and time), as Inspect tells it to.
		if err := checkExplainFormat(ex); err != nil {
			return nil, err
		}
		stmt = ex.Stmt
	}
	rs, ok := stmt.(ast.ResultSetNode)
	if !ok {
		return nil, core.Errorf(core.KindNotSupported,
			"only queries (SELECT, set operations, WITH) are supported here, not %s", stmtKind(stmt))
	}
	rel, err := b.query(rs, nil)
	if err != nil {
		return nil, b.explainError(err)
	}
	out, err := rel.output()
	if err != nil {
		return nil, b.explainError(err)
	}
	// The translation may nest deeper than the text did (a CASE is a chain
	// of when-calls, MOD a few operators): hold the plan to the limits the
	// decoded DataFrame plans meet.
	if err := lazy.CheckDepth(out); err != nil {
		return nil, err
	}
	return out, nil
}

func stmtKind(s ast.StmtNode) string {
	name := fmt.Sprintf("%T", s)
	name = strings.TrimPrefix(name, "*ast.")
	return strings.ToUpper(strings.TrimSuffix(name, "Stmt"))
}

// paramCounter numbers the ? placeholders in text order.
type paramCounter struct {
	marks []*test_driver.ParamMarkerExpr
}

func (c *paramCounter) Enter(n ast.Node) (ast.Node, bool) {
	if p, ok := n.(*test_driver.ParamMarkerExpr); ok {
		c.marks = append(c.marks, p)
	}
	return n, false
}
func (c *paramCounter) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// countParams numbers the placeholders by their position in the text
// (the Order field of the parser's markers) and returns how many there are.
func countParams(s ast.StmtNode) int {
	c := &paramCounter{}
	s.Accept(c)
	sort.Slice(c.marks, func(i, j int) bool { return c.marks[i].Offset < c.marks[j].Offset })
	for i, m := range c.marks {
		m.Order = i
	}
	return len(c.marks)
}

// builder translates one statement. It is used by one goroutine.
type builder struct {
	tables     map[string]lazy.Plan // lower-case name → plan
	tableNames []string
	params     []lazy.Expr
	opener     lazy.Opener
	funcs      map[string]tableFunc
	ctes       []map[string]*cte // innermost WITH last
	nextName   int
	// positional are the SELECT lists whose columns are taken by position
	// (INSERT … SELECT, CREATE TABLE … AS SELECT): a repeated output name
	// gets a fresh one instead of failing (positional.go); true marks the
	// list that names the result.
	positional map[*ast.SelectStmt]bool
	// duplicate is the first output name such a list repeated ("": none).
	duplicate string
	// groupings are the arguments of the GROUPING(…) calls, by the name of
	// the column that stands for each until the grouping is planned (group.go).
	groupings map[string][]lazy.Expr
	// windows are the named windows of the WINDOW clauses in scope, the
	// innermost SELECT's last.
	windows []map[string]*ast.WindowSpec
	// src is the parsed statement when its text positions are known, and
	// origins the SQL nodes of the expressions translated so far, inner
	// ones first (errhelp.go).
	src     *parsed
	origins []origin
}

func newBuilder(tables map[string]lazy.Plan, params []lazy.Expr, opener lazy.Opener, funcs map[string]tableFunc) *builder {
	b := &builder{tables: map[string]lazy.Plan{}, params: params, opener: opener, funcs: funcs}
	for name, t := range tables {
		b.tables[strings.ToLower(name)] = t
		b.tableNames = append(b.tableNames, name)
	}
	sort.Strings(b.tableNames)
	return b
}

// cte is a common table expression, compiled once where it is defined.
type cte struct {
	rel *relation
}

// fresh returns an internal column name unused by the statement so far.
func (b *builder) fresh(prefix string) string {
	b.nextName++
	return fmt.Sprintf("__%s%d", prefix, b.nextName)
}

// column is one column of a relation as SQL sees it: a qualifier (the
// table or alias it comes from; "" for computed columns), its SQL name,
// and the name it has in the plan (which differs after a join renamed it,
// or for internal helper columns).
type column struct {
	qual   string // lower case
	name   string
	phys   string
	hidden bool // helper columns: not expanded by *, not in the output
	// qualOnly columns answer only qualified references (t.k): the sides'
	// keys of FULL JOIN … USING (k), whose plain k is their COALESCE.
	qualOnly bool
	// outer columns are the outer query's in the pairs of a correlated
	// subquery (apply.go): a name resolves to them only when no column of
	// the subquery's own FROM has it, as SQL scopes nest.
	outer bool
}

// relation is a plan with the SQL names of its columns.
type relation struct {
	plan lazy.Plan
	cols []column
}

func newRelation(p lazy.Plan, qual string) *relation {
	s := p.Schema()
	r := &relation{plan: p, cols: make([]column, s.NumFields())}
	lq := strings.ToLower(qual)
	for i := range r.cols {
		name := s.Field(i).Name
		r.cols[i] = column{qual: lq, name: name, phys: name}
	}
	return r
}

// visible lists the columns * expands to.
func (r *relation) visible() []column {
	var out []column
	for _, c := range r.cols {
		if !c.hidden && !c.qualOnly {
			out = append(out, c)
		}
	}
	return out
}

// find returns the indexes of the visible columns named name (qualified
// by qual unless it is empty), matching case-insensitively; exact-case
// matches win when several differ only in case.
func (r *relation) find(qual, name string) []int {
	var out, exact []int
	lq := qual
	if qual != "" {
		lq = strings.ToLower(qual)
	}
	for i, c := range r.cols {
		if c.hidden || !strings.EqualFold(c.name, name) || (qual != "" && c.qual != lq) || (qual == "" && c.qualOnly) {
			continue
		}
		out = append(out, i)
		if c.name == name {
			exact = append(exact, i)
		}
	}
	if len(out) > 1 && len(exact) == 1 {
		return exact
	}
	if len(out) > 1 {
		return innerFirst(r, out)
	}
	return out
}

// innerFirst drops the outer-scope candidates of a name when an inner one exists.
func innerFirst(r *relation, idx []int) []int {
	var inner []int
	for _, i := range idx {
		if !r.cols[i].outer {
			inner = append(inner, i)
		}
	}
	if len(inner) == 0 {
		return idx
	}
	return inner
}

func (r *relation) names() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.visible() {
		n := c.name
		if c.qual != "" {
			if !seen[n] {
				out = append(out, n)
				seen[n] = true
			}
			n = c.qual + "." + c.name
		}
		if !seen[n] {
			out = append(out, n)
			seen[n] = true
		}
	}
	return out
}

// shownNames are the visible columns for a message, each once: by its
// name, qualified only when columns of several tables share the name.
func (r *relation) shownNames() []string {
	vis := r.visible()
	count := map[string]int{}
	for _, c := range vis {
		count[strings.ToLower(c.name)]++
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range vis {
		n := c.name
		if c.qual != "" && count[strings.ToLower(c.name)] > 1 {
			n = c.qual + "." + c.name
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// columnNotFound is the error for a name that is none of r's columns: it
// suggests from the names written the same way (qualified or not) and
// lists each column once.
func (r *relation) columnNotFound(name string) error {
	candidates := r.shownNames()
	if strings.Contains(name, ".") {
		candidates = nil
		for _, n := range r.names() {
			if strings.Contains(n, ".") {
				candidates = append(candidates, n)
			}
		}
	}
	return core.ColumnNotFoundAmong(name, candidates, r.shownNames())
}

// output is the relation's plan restricted to its visible columns, named
// by their SQL names.
func (r *relation) output() (lazy.Plan, error) {
	vis := r.visible()
	same := len(vis) == r.plan.Schema().NumFields()
	for i, c := range vis {
		if !same {
			break
		}
		same = r.plan.Schema().Field(i).Name == c.phys && c.phys == c.name
	}
	if same {
		return r.plan, nil
	}
	exprs := make([]lazy.Expr, len(vis))
	seen := map[string]bool{}
	for i, c := range vis {
		if seen[c.name] {
			return nil, core.Errorf(core.KindSchema,
				"the query's result has two columns named '%s'; give one an alias with AS", c.name).With("column", c.name)
		}
		seen[c.name] = true
		exprs[i] = colAs(c.phys, c.name)
	}
	return lazy.NewProject(r.plan, exprs)
}

func col(name string) lazy.Expr { return &lazy.Column{Name: name} }

func colAs(phys, name string) lazy.Expr {
	if phys == name {
		return col(phys)
	}
	return &lazy.Alias{X: col(phys), Name: name}
}

func notSupported(format string, args ...any) error {
	return core.Errorf(core.KindNotSupported, format, args...)
}

// restore renders an AST node as SQL text, for error messages.
func restore(n ast.Node) string {
	var sb strings.Builder
	if err := n.Restore(newRestoreCtx(&sb)); err != nil {
		return fmt.Sprintf("%T", n)
	}
	return sb.String()
}
