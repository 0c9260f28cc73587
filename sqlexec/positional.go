package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/lazy"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// A query whose rows are written (INSERT … SELECT, CREATE TABLE … AS
// SELECT) gives its columns by position: MySQL accepts INSERT INTO t
// SELECT id, id, 0 FROM src, where a query alone would have two columns
// named id. Its outermost SELECT lists are compiled with the repeated names
// replaced by fresh ones; CREATE TABLE … AS SELECT then rejects them, as
// MySQL does ("Duplicate column name").

// positionalPlan compiles the query n of an INSERT … SELECT or CREATE TABLE … AS
// SELECT; duplicate is the first output name it repeats ("": none), whose
// column got a fresh name.
func (x *stmtExec) positionalPlan(n ast.ResultSetNode) (p lazy.Plan, duplicate string, err error) {
	b := x.builder()
	b.positional = map[*ast.SelectStmt]bool{}
	outerSelects(n, b.positional)
	rel, err := b.query(n, nil)
	if err != nil {
		return nil, "", err
	}
	p, err = rel.output()
	return p, b.duplicate, err
}

// outerSelects adds the SELECT lists that give n's output columns: n's
// own, or every branch of a UNION / INTERSECT / EXCEPT (not subqueries),
// the first one (which names the columns) with true.
func outerSelects(n ast.Node, into map[*ast.SelectStmt]bool) {
	switch q := n.(type) {
	case *ast.SelectStmt:
		into[q] = len(into) == 0
	case *ast.SetOprStmt:
		if q.SelectList != nil {
			outerSelects(q.SelectList, into)
		}
	case *ast.SetOprSelectList:
		for _, s := range q.Selects {
			outerSelects(s, into)
		}
	}
}

// renameRepeated gives every field whose name (case-insensitively) an
// earlier field has a fresh name; names says the list names the result,
// and then the first such name is recorded.
func (b *builder) renameRepeated(fields []outField, names bool) {
	seen := make(map[string]bool, len(fields))
	for i := range fields {
		l := strings.ToLower(fields[i].name)
		if !seen[l] {
			seen[l] = true
			continue
		}
		if names && b.duplicate == "" {
			b.duplicate = fields[i].name
		}
		fields[i].name = b.fresh("pos")
	}
}
