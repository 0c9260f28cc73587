package sqlexec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
)

// Derived-table column lists, (SELECT …) AS t (x, y) and
// (VALUES ROW(1, 2)) AS t (a, b): the TiDB parser's AST has them
// (TableSource.ColumnNames) but its grammar reads them only after LATERAL.
// Text that fails to parse is read again with each such list cut out and
// its alias replaced by a placeholder name of the same length where it
// fits; the parse is kept only if every placeholder then names a derived
// table (a subquery in FROM) and nothing else, so the text read is the
// text written with the list moved into the AST. Anything else keeps the
// original syntax error.

// derivedListRe finds ") [AS] alias (col, …)" in text whose strings and
// comments are blanked. Group 1 is the alias, group 2 the names.
var derivedListRe = regexp.MustCompile("(?i)\\)\\s*(?:AS\\s+)?(" + identRe + ")\\s*\\(\\s*(" + identRe + "(?:\\s*,\\s*" + identRe + ")*)\\s*\\)")

const identRe = "(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\\pL_$][\\pL\\pN_$]*)"

var identListRe = regexp.MustCompile(identRe)

// derivedList is one cut column list.
type derivedList struct {
	placeholder string
	alias       string
	cols        []string
}

// parseDerivedColumns parses text that failed to parse with its derived
// tables' column lists moved into the AST, or returns ok false.
func parseDerivedColumns(text string, mode mysql.SQLMode) ([]ast.StmtNode, bool) {
	ansi := mode.HasANSIQuotesMode()
	blank := blankStringsAndComments(text, ansi)
	ms := derivedListRe.FindAllStringSubmatchIndex(blank, -1)
	if len(ms) == 0 {
		return nil, false
	}
	prefix := "_dt"
	for strings.Contains(strings.ToLower(text), strings.ToLower(prefix)) {
		prefix = "_" + prefix
	}
	var out strings.Builder
	var lists []derivedList
	last := 0
	for _, m := range ms {
		// The ")" must close a subquery: its "(" is followed by SELECT,
		// WITH, VALUES, TABLE or another "(".
		open := matchingOpen(blank, m[0])
		if open < 0 || !startsQuery(blank[open+1:m[0]]) {
			continue
		}
		alias := unquoteIdent(text[m[2]:m[3]], ansi)
		var cols []string
		for _, c := range identListRe.FindAllString(text[m[4]:m[5]], -1) {
			cols = append(cols, unquoteIdent(c, ansi))
		}
		ph := fmt.Sprintf("%s%d", prefix, len(lists))
		region := m[1] - m[2]
		out.WriteString(text[last:m[2]])
		out.WriteString(ph)
		if region > len(ph) {
			// Keep the length, and the line breaks, so that positions hold.
			for _, r := range text[m[2]+len(ph) : m[1]] {
				if r == '\n' {
					out.WriteByte('\n')
				} else {
					out.WriteByte(' ')
				}
			}
		}
		last = m[1]
		lists = append(lists, derivedList{placeholder: strings.ToLower(ph), alias: alias, cols: cols})
	}
	if len(lists) == 0 {
		return nil, false
	}
	out.WriteString(text[last:])
	stmts, err := parseText(out.String(), mode)
	if err != nil || len(stmts) != 1 {
		return nil, false
	}
	f := &derivedFixer{lists: map[string]derivedList{}}
	for _, l := range lists {
		f.lists[l.placeholder] = l
	}
	stmts[0].Accept(f)
	if f.bad || f.fixed != len(lists) {
		return nil, false
	}
	// No placeholder may remain anywhere else (a column or table name).
	rest := strings.ToLower(restore(stmts[0]))
	for _, l := range lists {
		if strings.Contains(rest, l.placeholder) {
			return nil, false
		}
	}
	return stmts, true
}

// derivedFixer puts each cut list back on its derived table.
type derivedFixer struct {
	lists map[string]derivedList
	fixed int
	bad   bool
}

func (f *derivedFixer) Enter(n ast.Node) (ast.Node, bool) {
	ts, ok := n.(*ast.TableSource)
	if !ok {
		return n, false
	}
	l, ok := f.lists[ts.AsName.L]
	if !ok {
		return n, false
	}
	switch ts.Source.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
	default:
		f.bad = true
		return n, false
	}
	if ts.Lateral || len(ts.ColumnNames) > 0 {
		f.bad = true
		return n, false
	}
	delete(f.lists, ts.AsName.L)
	ts.AsName = ast.NewCIStr(l.alias)
	for _, c := range l.cols {
		ts.ColumnNames = append(ts.ColumnNames, ast.NewCIStr(c))
	}
	f.fixed++
	return n, false
}

func (f *derivedFixer) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// matchingOpen returns the index of the "(" that the ")" at close closes.
func matchingOpen(blank string, close int) int {
	depth := 0
	for i := close; i >= 0; i-- {
		switch blank[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func startsQuery(inner string) bool {
	s := strings.TrimSpace(inner)
	if strings.HasPrefix(s, "(") {
		return true
	}
	end := 0
	for end < len(s) && (s[end]|0x20 >= 'a' && s[end]|0x20 <= 'z') {
		end++
	}
	switch strings.ToUpper(s[:end]) {
	case "SELECT", "WITH", "VALUES", "TABLE":
		return true
	}
	return false
}

// blankStringsAndComments replaces string literals and comments by spaces
// (line breaks kept); quoted names stay. With ANSI_QUOTES "…" is a name.
func blankStringsAndComments(text string, ansi bool) string {
	b := []byte(text)
	fill := func(i, j int) {
		for k := i; k < j && k < len(b); k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '`' || (c == '"' && ansi):
			i = skipQuoted(text, i)
		case c == '\'' || c == '"':
			j := skipQuoted(text, i)
			fill(i, j)
			i = j
		case c == '#' || (c == '-' && strings.HasPrefix(text[i:], "-- ")):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			fill(i, i+j)
			i += j
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			end := len(text)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			fill(i, end)
			i = end
		default:
			i++
		}
	}
	return string(b)
}

func unquoteIdent(s string, ansi bool) string {
	if len(s) >= 2 && (s[0] == '`' || (s[0] == '"' && ansi)) && s[len(s)-1] == s[0] {
		q := string(s[0])
		return strings.ReplaceAll(s[1:len(s)-1], q+q, q)
	}
	return s
}

// renameColumns gives a relation's visible columns the names of a column
// list (a derived table's or a CTE's); what names the list in errors.
func renameColumns(rel *relation, names []ast.CIStr, what string) (*relation, error) {
	vis := rel.visible()
	if len(vis) != len(names) {
		return nil, core.Errorf(core.KindInvalidInput, "%s names %d columns but its query gives %d",
			what, len(names), len(vis))
	}
	seen := map[string]bool{}
	for i := range vis {
		if seen[names[i].L] {
			return nil, core.Errorf(core.KindInvalidInput, "%s names column '%s' twice", what, names[i].O)
		}
		seen[names[i].L] = true
		vis[i].name = names[i].O
	}
	return &relation{plan: rel.plan, cols: vis}, nil
}

// values compiles VALUES ROW(…), ROW(…) (also (…), (…)): each row a
// projection of its constants, concatenated with the types unified as
// UNION ALL does. Columns are named column_0, column_1, … as in MySQL.
func (b *builder) values(sel *ast.SelectStmt) (*relation, error) {
	if len(sel.Lists) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "VALUES needs at least one row")
	}
	var plans []lazy.Plan
	width := len(sel.Lists[0].Values)
	for i, row := range sel.Lists {
		if len(row.Values) != width {
			return nil, core.Errorf(core.KindInvalidInput,
				"VALUES row %d has %d values but row 1 has %d; every row must have the same number", i+1, len(row.Values), width)
		}
		d := dual()
		t := &translator{b: b, rel: d, clause: "VALUES"}
		exprs := make([]lazy.Expr, width)
		for j, v := range row.Values {
			e, err := t.expr(v)
			if err != nil {
				return nil, err
			}
			exprs[j] = &lazy.Alias{X: e, Name: fmt.Sprintf("column_%d", j)}
		}
		if len(t.pending) > 0 || len(t.pre) > 0 {
			return nil, notSupported("VALUES rows hold constants and expressions over them, not subqueries or window functions")
		}
		p, err := project(d.plan, exprs, false)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	p := plans[0]
	if len(plans) > 1 {
		u, err := lazy.NewUnion(plans, true)
		if err != nil {
			return nil, err
		}
		p = u
	}
	rel := newRelation(p, "")
	if sel.OrderBy != nil {
		return nil, notSupported("ORDER BY after VALUES is not supported; select from (VALUES …) AS t (…) and order that")
	}
	return b.limit(rel, sel.Limit)
}
