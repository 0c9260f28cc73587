package sqlexec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// checkParens rejects text whose parentheses nest deeper than
// lazy.MaxExprDepth, in one pass before the parser sees it (the parser and
// every later pass recurse once per level). Parentheses inside quoted
// strings, quoted identifiers and comments do not count.
func checkParens(q string) error {
	depth := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; c {
		case '\'', '"', '`':
			// Skip to the closing quote; a doubled quote is two strings in a
			// row, which skips the same way. MySQL strings take backslash
			// escapes.
			for i++; i < len(q) && q[i] != c; i++ {
				if q[i] == '\\' && c != '`' {
					i++
				}
			}
		case '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case '-':
			if i+1 < len(q) && q[i+1] == '-' {
				for i < len(q) && q[i] != '\n' {
					i++
				}
			}
		case '/':
			if i+1 < len(q) && q[i+1] == '*' {
				for i += 2; i+1 < len(q) && !(q[i] == '*' && q[i+1] == '/'); i++ {
				}
				i++
			}
		case '(':
			if depth++; depth > lazy.MaxExprDepth {
				return tooDeep()
			}
		case ')':
			depth--
		}
	}
	return nil
}

// depthChecker walks a parsed statement and stops at the first node
// deeper than it allows, so a deep tree costs no more than the limit.
type depthChecker struct {
	depth, limit int
	tooDeep      bool
}

func (c *depthChecker) Enter(n ast.Node) (ast.Node, bool) {
	c.depth++
	if c.depth > c.limit {
		c.tooDeep = true
		return n, true
	}
	return n, false
}

func (c *depthChecker) Leave(n ast.Node) (ast.Node, bool) {
	c.depth--
	return n, !c.tooDeep
}

// checkStmtDepth rejects a statement whose syntax tree is deeper than the
// plan and expression limits allow (operators without parentheses, such as
// NOT NOT … or - - …, nest without any parenthesis in the text).
func checkStmtDepth(s ast.StmtNode) error {
	c := &depthChecker{limit: lazy.MaxExprDepth + lazy.MaxPlanDepth}
	s.Accept(c)
	if c.tooDeep {
		return tooDeep()
	}
	return nil
}

func tooDeep() error {
	return core.Errorf(core.KindInvalidInput,
		"the query nests more than %d levels deep (the limit for expressions; docs/sql.md): "+
			"split it into steps, for example with WITH clauses", lazy.MaxExprDepth)
}
