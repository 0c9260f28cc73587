package sqlexec

import (
	"regexp"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
)

// MySQL 8.0.19's row alias, INSERT … VALUES (…) AS new ON DUPLICATE KEY
// UPDATE c = new.c, which the TiDB parser does not read: the alias is cut
// from the text and its columns become VALUES(c), the older spelling of
// the same value (the row the statement tried to insert).

// rowAliasRe finds "AS alias [(columns)] ON DUPLICATE KEY UPDATE" after
// the closing parenthesis of a VALUES row, in text whose quoted parts are
// blanked.
var rowAliasRe = regexp.MustCompile("(?i)\\)\\s*(AS\\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_$]*)\\s*(\\([^)]*\\))?)\\s*ON\\s+DUPLICATE\\s+KEY\\s+UPDATE\\b")

// parseRowAlias parses text that failed to parse as an INSERT with a row
// alias, or returns ok false when it is not one.
func parseRowAlias(text string, mode mysql.SQLMode) (stmts []ast.StmtNode, ok bool, err error) {
	m := rowAliasRe.FindStringSubmatchIndex(blankQuoted(text))
	if m == nil {
		return nil, false, nil
	}
	alias := strings.Trim(text[m[4]:m[5]], "`")
	if m[6] >= 0 {
		return nil, true, notSupported("a row alias with column names (AS %s(…) ON DUPLICATE KEY UPDATE) is not supported; "+
			"write AS %s and %s.column, or VALUES(column)", alias, alias, alias)
	}
	stmts, err = parseText(text[:m[2]]+strings.Repeat(" ", m[3]-m[2])+text[m[3]:], mode)
	if err != nil || len(stmts) != 1 {
		return nil, false, nil
	}
	ins, isInsert := stmts[0].(*ast.InsertStmt)
	if !isInsert || len(ins.OnDuplicate) == 0 {
		return nil, false, nil
	}
	if ins.Select != nil || ins.Setlist {
		return nil, true, notSupported("a row alias (AS %s) is supported after VALUES rows only; write VALUES(column) instead", alias)
	}
	r := &rowAliasRewriter{alias: alias}
	for _, a := range ins.OnDuplicate {
		e, _ := a.Expr.Accept(r)
		a.Expr = e.(ast.ExprNode)
	}
	return stmts, true, nil
}

// rowAliasRewriter replaces alias.c by VALUES(c).
type rowAliasRewriter struct{ alias string }

func (r *rowAliasRewriter) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (r *rowAliasRewriter) Leave(n ast.Node) (ast.Node, bool) {
	c, ok := n.(*ast.ColumnNameExpr)
	if !ok || c.Name == nil || c.Name.Schema.O != "" || !strings.EqualFold(c.Name.Table.O, r.alias) {
		return n, true
	}
	return &ast.ValuesExpr{Column: &ast.ColumnNameExpr{Name: &ast.ColumnName{Name: c.Name.Name}}}, true
}

// blankQuoted is text with its strings replaced by spaces, so that
// patterns never match inside them; offsets are unchanged. (Quoted names
// stay: an alias may be one.)
func blankQuoted(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); {
		switch b[i] {
		case '`':
			i = skipQuoted(text, i)
		case '\'', '"':
			j := skipQuoted(text, i)
			for k := i; k < j; k++ {
				b[k] = ' '
			}
			i = j
		default:
			i++
		}
	}
	return string(b)
}
