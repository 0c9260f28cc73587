package sqlexec

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// Errors that help: a message about the SQL text shows the line of the
// query with a caret under the place and, when it can tell, what to write
// instead. The engine below the SQL front end reports type errors over its
// own expressions (col("hired") > 20200101); the builder remembers which
// SQL node each translated expression came from, so that such an error is
// said again in the words of the query.

// excerpt is the line of query holding byte offset off, and a caret under
// off, each indented by two spaces (tabs are kept so the caret lines up).
func excerpt(query string, off int) string {
	off = max(0, min(off, len(query)))
	start := strings.LastIndexByte(query[:off], '\n') + 1
	end := strings.IndexByte(query[off:], '\n')
	if end < 0 {
		end = len(query)
	} else {
		end += off
	}
	line := strings.TrimRight(query[start:end], " \t\r")
	var pad strings.Builder
	for _, c := range query[start:off] {
		if c == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	return "\n  " + line + "\n  " + pad.String() + "^"
}

var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range parser.Keywords {
		if k.Reserved {
			m[k.Word] = true
		}
	}
	return m
}()

// clauseWords start a clause: after a comma they mean the list before was
// left open ("SELECT a, FROM t").
var clauseWords = map[string]bool{"FROM": true, "WHERE": true, "GROUP": true, "ORDER": true, "HAVING": true,
	"LIMIT": true, "UNION": true, "JOIN": true, "ON": true, "WINDOW": true}

// keywordTypos are the words a misspelling of which is worth naming.
var keywordTypos = []string{"SELECT", "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "JOIN", "INNER",
	"LEFT", "RIGHT", "OUTER", "UNION", "DISTINCT", "BETWEEN", "EXISTS", "WITH", "OFFSET", "INSERT", "UPDATE",
	"DELETE", "VALUES", "CREATE", "TABLE", "CASE", "WHEN", "THEN", "ELSE", "END", "OVER", "PARTITION", "INTERVAL"}

// nameAfter are the tokens after which the parser wants a name (of a
// column, a table or an alias).
var nameAfter = map[string]bool{"SELECT": true, "FROM": true, "JOIN": true, "AS": true, ",": true, ".": true,
	"BY": true, "(": true, "INTO": true, "UPDATE": true, "TABLE": true, "DISTINCT": true, "=": true}

// exprAfter are the tokens after which the parser wants an expression.
var exprAfter = map[string]bool{"WHERE": true, "AND": true, "OR": true, "NOT": true, "ON": true, "HAVING": true,
	"=": true, "<": true, ">": true, "<=": true, ">=": true, "<>": true, "!=": true, "+": true, "-": true, "*": true,
	"/": true, "%": true, ",": true, "(": true, "SELECT": true, "LIKE": true, "IN": true, "BETWEEN": true,
	"THEN": true, "ELSE": true, "WHEN": true, "CASE": true, "IS": true}

var (
	intervalUnitRe = regexp.MustCompile(`(?i)\bINTERVAL\s+\S+\s*$`)
	windowCallRe   = regexp.MustCompile(`(?i)\b(ROW_NUMBER|RANK|DENSE_RANK|NTILE|LAG|LEAD|FIRST_VALUE|LAST_VALUE|NTH_VALUE|PERCENT_RANK|CUME_DIST)\s*\([^()]*\)\s*$`)
	anyAllRe       = regexp.MustCompile(`(?i)\b(ANY|ALL|SOME)\s*\(\s*$`)
)

// lastToken is the token of s that ends last: a word (upper-cased), or
// the operator or punctuation character(s) there.
func lastToken(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if s == "" {
		return ""
	}
	isWord := func(c byte) bool {
		return c == '_' || c == '$' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
	}
	i := len(s)
	for i > 0 && isWord(s[i-1]) {
		i--
	}
	if i < len(s) {
		return strings.ToUpper(s[i:])
	}
	for _, op := range []string{"<=", ">=", "<>", "!="} {
		if strings.HasSuffix(s, op) {
			return op
		}
	}
	return s[len(s)-1:]
}

// firstWord is the word near starts with, upper-cased ("" when it starts
// with something else).
func firstWord(near string) string {
	i := 0
	for i < len(near) {
		c := near[i]
		if !(c == '_' || (c >= '0' && c <= '9' && i > 0) || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			break
		}
		i++
	}
	return strings.ToUpper(near[:i])
}

// openParens counts the parentheses of query opened and not closed,
// outside strings, quoted names and comments.
func openParens(query string) int {
	n := 0
	for i := 0; i < len(query); i++ {
		switch c := query[i]; c {
		case '\'', '"', '`':
			i = skipQuoted(query, i) - 1
		case '(':
			n++
		case ')':
			n--
		}
	}
	return n
}

// syntaxHint says what the parser wanted at byte offset at of query, where
// the text near begins (near is "" at the end of the query), when the
// text before tells: "" when it cannot.
func syntaxHint(query string, at int, near string) string {
	before := query[:max(0, min(at, len(query)))]
	prev := lastToken(before)
	word := firstWord(near)
	switch {
	case near == "":
		if n := openParens(query); n > 0 {
			return fmt.Sprintf("the query ends with %d parenthesis(es) not closed: add ')'", n)
		}
		if prev == "FROM" || prev == "JOIN" {
			return fmt.Sprintf("the query ends early: expected a table name after %s", prev)
		}
		if exprAfter[prev] {
			return fmt.Sprintf("the query ends early: expected an expression after %s", prev)
		}
		return "the query ends early"
	case (near[0] == '\'' || near[0] == '"') && !strings.Contains(near[1:], near[:1]):
		return fmt.Sprintf("the string that starts here is not closed: add the closing %s", near[:1])
	case prev == "IS":
		return "IS takes NULL, NOT NULL, TRUE, FALSE or UNKNOWN; compare values with ="
	case (prev == "LIMIT" || prev == "OFFSET") && strings.HasPrefix(near, "-"):
		return prev + " takes a count of rows, 0 or more"
	case intervalUnitRe.MatchString(before):
		return "an INTERVAL unit is one of MICROSECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR " +
			"(or a compound one such as DAY_HOUR); write INTERVAL 14 DAY for two weeks"
	case windowCallRe.MatchString(before):
		m := windowCallRe.FindStringSubmatch(before)
		return fmt.Sprintf("%s is a window function: add OVER (…), e.g. %s() OVER (ORDER BY …)",
			strings.ToUpper(m[1]), strings.ToUpper(m[1]))
	case anyAllRe.MatchString(before):
		return "ANY and ALL take a subquery: for a list of values write IN (…)"
	case word != "" && prev == "," && clauseWords[word]:
		return fmt.Sprintf("remove the comma before %s", word)
	case word != "" && reservedWords[word] && nameAfter[prev]:
		return fmt.Sprintf("%s is a reserved word: to use it as a name, quote it with backticks: `%s`",
			word, strings.ToLower(word))
	}
	if len(word) >= 3 && !reservedWords[word] {
		for _, k := range core.Suggest(word, keywordTypos) {
			if d := len(k) - len(word); d >= -1 && d <= 1 && k != word {
				return fmt.Sprintf("did you mean %s?", k)
			}
		}
	}
	return ""
}

// origin is a translated expression and the SQL node it came from.
type origin struct {
	e lazy.Expr
	n ast.ExprNode
	t *translator
}

// note remembers that e was translated from n (only when the statement's
// text positions are known).
func (t *translator) note(n ast.ExprNode, e lazy.Expr) {
	if t.b.src != nil && e != nil {
		t.b.origins = append(t.b.origins, origin{e, n, t})
	}
}

// locate adds to an error of translating n the place of n in the query:
// its line and column and the line with a caret. The innermost node
// locates: an error that has a place keeps it.
func (b *builder) locate(err error, n ast.Node) error {
	var ce *core.Error
	// A node the compiler made itself (the aggregates of a quantified
	// comparison) has no place: offset 0, where no expression of a query
	// can start. The node around it locates instead.
	if b.src == nil || !errors.As(err, &ce) || ce.Details["line"] != nil || n.OriginTextPosition() == 0 {
		return err
	}
	switch ce.Kind {
	case core.KindColumnNotFound, core.KindTableNotFound, core.KindInvalidInput, core.KindNotSupported, core.KindCompute:
	default:
		return err
	}
	at := b.src.offset(n.OriginTextPosition())
	line, col := b.src.lineCol(at)
	out := &core.Error{Kind: ce.Kind, Message: fmt.Sprintf("%s\nat line %d, column %d:%s", ce.Message, line, col,
		excerpt(b.src.query, at))}
	for k, v := range ce.Details {
		out = out.With(k, v)
	}
	return out.With("line", line).With("column", col)
}

// lineCol is the line and the column (both from 1) of byte offset at of
// the query.
func (p *parsed) lineCol(at int) (int, int) {
	line, col := lineCol(p.query, at)
	if line == 1 {
		col++ // lineCol counts the first line's columns from 0, as the parser does
	}
	return line, col
}

// explainError says a type error of the engine in the words of the query:
// the SQL text of the expression that failed, its line and column, the
// line with a caret, and what to write instead. Other errors, and errors
// whose expression is not one the query wrote, are returned as they are.
func (b *builder) explainError(err error) error {
	var ce *core.Error
	if b.src == nil || !errors.As(err, &ce) || ce.Kind != core.KindCompute {
		return err
	}
	expr, _ := ce.Details["expression"].(string)
	if expr == "" || ce.Details["line"] != nil {
		return err
	}
	// The innermost expression of the query that holds the failing one:
	// inner expressions were noted first, and the translation may have
	// wrapped the failing one (a SUM that is null over no rows).
	for _, o := range b.origins {
		if o.n.OriginTextPosition() == 0 || !strings.Contains(o.e.String(), expr) {
			continue // made by the compiler (see locate), or not the failing expression
		}
		reason := ce.Message
		if i := strings.Index(reason, " in expression "); i >= 0 {
			reason = reason[:i] + reason[i+len(" in expression ")+len(expr):]
		} else if i := strings.Index(reason, " (in expression "); i >= 0 {
			reason = reason[:i]
		}
		text := restore(o.n)
		pos := o.n.OriginTextPosition()
		at := b.src.offset(pos)
		line, col := b.src.lineCol(at)
		msg := fmt.Sprintf("%s in %s (line %d, column %d)", strings.TrimSpace(reason), text, line, col)
		msg += excerpt(b.src.query, at)
		if hint := o.t.typeHint(o.e, o.n, reason); hint != "" {
			msg += "\n" + hint
		}
		out := core.Errorf(ce.Kind, "%s", msg)
		for k, v := range ce.Details {
			out = out.With(k, v)
		}
		return out.With("sql", text).With("line", line).With("column", col)
	}
	return err
}

// typeHint says what to write instead of n, whose translation e failed to
// type ("" when there is nothing better to say than the error).
func (t *translator) typeHint(e lazy.Expr, n ast.ExprNode, reason string) string {
	isTemporal := func(dt arrow.DataType) bool {
		return dt != nil && (dt.ID() == arrow.DATE32 || dt.ID() == arrow.TIMESTAMP)
	}
	if agg, ok := n.(*ast.AggregateFuncExpr); ok {
		if strings.Contains(reason, "String") {
			return fmt.Sprintf("%s takes numbers: CAST(… AS DOUBLE) reads text as a number; "+
				"MIN, MAX, COUNT and GROUP_CONCAT take text", strings.ToUpper(agg.F))
		}
		return ""
	}
	if x, ok := e.(*lazy.Binary); ok {
		lt, rt := t.typeOf(x.Left), t.typeOf(x.Right)
		if lt == nil || rt == nil {
			return ""
		}
		if x.Op.IsComparison() {
			if isTemporal(rt) && !isTemporal(lt) {
				lt, rt = rt, lt
			}
			if isTemporal(lt) && !core.IsString(rt) {
				want := "DATE '2020-01-01'"
				if lt.ID() == arrow.TIMESTAMP {
					want = "TIMESTAMP '2020-01-01 00:00:00'"
				}
				if bo, ok := n.(*ast.BinaryOperationExpr); ok {
					for _, side := range []ast.ExprNode{bo.L, bo.R} {
						if v, ok := side.(*test_driver.ValueExpr); ok && v.Kind() == test_driver.KindInt64 {
							if s := fmt.Sprint(v.GetInt64()); len(s) == 8 {
								want = fmt.Sprintf("DATE '%s-%s-%s'", s[:4], s[4:6], s[6:])
							}
						}
					}
				}
				return "compare with " + want + " (a date literal), or a string such as '2020-01-01'"
			}
			return ""
		}
		if core.IsString(lt) || core.IsString(rt) {
			return "to compute with text that holds numbers, write CAST(… AS DOUBLE) or CAST(… AS SIGNED); " +
				"to join texts, write CONCAT(a, b)"
		}
		if isTemporal(lt) || isTemporal(rt) {
			return "to move a date, write DATE_ADD(d, INTERVAL n DAY) or d + INTERVAL n DAY; " +
				"for the days between two dates, DATEDIFF(a, b)"
		}
	}
	return ""
}
