package sqlexec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // value expressions for the parser
)

// A TiDB parser is not safe for concurrent use: each goroutine takes one
// from the pool for the duration of a parse.
var parsers = sync.Pool{New: func() any { return parser.New() }}

// tableFunc is a table function call found in the query text, such as
// read_parquet('data/*.parquet'): MySQL has no table functions, so the text
// is rewritten before parsing and the call is replaced by a placeholder
// table name of the same length.
type tableFunc struct {
	kind string // "parquet" or "csv"
	path string
}

// parsed is a parsed statement with the table functions it calls.
type parsed struct {
	stmt  ast.StmtNode
	funcs map[string]tableFunc // placeholder name (lower case) → call
	// params is the number of ? placeholders, numbered once at parse time
	// (countParams writes their order into the tree, which is then only read).
	params int
	// query is the text as written (after the sql_mode prefix) and edits
	// map the parser's offsets back to it; query is "" when the parser read
	// a text whose offsets do not map back (a derived-table column list or
	// a row alias was rewritten away).
	query string
	edits []textEdit
}

// offset maps an offset of the text the parser read to one of query.
func (p *parsed) offset(parserOffset int) int {
	return max(0, min(originalOffset(parserOffset, p.edits), len(p.query)))
}

func (p *parsed) nParams() int { return p.params }

// parse parses one SQL statement, in the parser modes its text asks for
// (splitMode).
func parse(query string) (*parsed, error) {
	mode, query, err := splitMode(query)
	if err != nil {
		return nil, err
	}
	if err := checkParens(query); err != nil {
		return nil, err
	}
	text, err := rewriteVectorIndex(rewriteColumnar(query))
	if err != nil {
		return nil, err
	}
	text, funcs, err := rewriteTableFuncs(text)
	if err != nil {
		return nil, err
	}
	text = dropIntervalPrecision(text)
	text, edits, err := rewriteFullJoins(text)
	if err != nil {
		return nil, err
	}
	stmts, err := parseText(text, mode)
	positions := err == nil
	if err != nil {
		aliased, ok, aerr := parseRowAlias(text, mode)
		if aerr != nil {
			return nil, aerr
		}
		if !ok {
			aliased, ok = parseDerivedColumns(text, mode)
		}
		if !ok {
			return nil, syntaxError(query, text, edits, err)
		}
		stmts = aliased
	}
	switch len(stmts) {
	case 0:
		return nil, core.Errorf(core.KindSQLSyntax, "the SQL text holds no statement").
			With("line", 1).With("column", 0).With("near", "")
	case 1:
	default:
		return nil, core.Errorf(core.KindNotSupported, "the SQL text holds %d statements; run one at a time", len(stmts))
	}
	if err := checkStmtDepth(stmts[0]); err != nil {
		return nil, err
	}
	stmt := rewritePairAggregates(stmts[0])
	p := &parsed{stmt: stmt, funcs: funcs, params: countParams(stmt)}
	if positions {
		p.query, p.edits = query, edits
	}
	return p, nil
}

// intervalPrecisionRe finds the SQL standard's leading field precision of
// an interval, INTERVAL '90' DAY (3) as the TPC-H text writes it, which
// MySQL's grammar does not have (it never changes the value).
var intervalPrecisionRe = regexp.MustCompile(
	`(?i)\binterval\s+(?:'[^']*'|\d+)\s+(?:year|month|day|hour|minute|second)(\s*\(\s*\d+\s*\))`)

// dropIntervalPrecision blanks such precisions with spaces, so positions
// in the text do not move.
func dropIntervalPrecision(text string) string {
	blank := blankStringsAndComments(text, false)
	ms := intervalPrecisionRe.FindAllStringSubmatchIndex(text, -1)
	if ms == nil {
		return text
	}
	b := []byte(text)
	for _, m := range ms {
		// Only where the match is code, not inside a string or a comment
		// (there the blanked text differs).
		if blank[m[0]:m[0]+8] != text[m[0]:m[0]+8] {
			continue
		}
		for k := m[2]; k < m[3]; k++ {
			b[k] = ' '
		}
	}
	return string(b)
}

// parseText runs a pooled TiDB parser over text. The parser panics on some
// inputs (a numeric literal of more than 65 digits, beyond the decimal type
// of its test driver): that is a syntax error here, and the parser, whose
// state is then unknown, is not returned to the pool. syntaxError makes
// the error a SQLSyntaxError.
func parseText(text string, mode mysql.SQLMode) (stmts []ast.StmtNode, err error) {
	p := parsers.Get().(*parser.Parser)
	p.SetSQLMode(mode)
	defer func() {
		if r := recover(); r != nil {
			stmts = nil
			err = fmt.Errorf("the parser cannot read this text (%v); numeric literals may have at most 65 digits", r)
		}
		parsers.Put(p)
	}()
	stmts, _, err = p.ParseSQL(text)
	// The parser returns its own result buffer, which its next parse
	// overwrites: once the parser is back in the pool, that may be another
	// goroutine's parse at once. Hand out a copy.
	return append([]ast.StmtNode(nil), stmts...), err
}

// DefaultSQLMode is the parser's mode when the text does not choose one:
// IGNORE_SPACE (a function name may be followed by a space, as in
// substring (c from 1 for 2)) and PIPES_AS_CONCAT (a || b concatenates, as
// in standard SQL, DuckDB and PostgreSQL; MySQL reads it as OR). ANSI_QUOTES
// stays off: in MySQL "x" is a string, and queries written for MySQL say
// WHERE name = "Bob"; with it on, that would read a column Bob.
const DefaultSQLMode = mysql.ModeIgnoreSpace | mysql.ModePipesAsConcat

// sqlModes are the parser modes a query may choose, by MySQL's names.
var sqlModes = map[string]mysql.SQLMode{
	"IGNORE_SPACE":    mysql.ModeIgnoreSpace,
	"PIPES_AS_CONCAT": mysql.ModePipesAsConcat,
	"ANSI_QUOTES":     mysql.ModeANSIQuotes,
}

// modePrefix starts the text that chooses the parser modes of a statement:
// "/*alopex sql_mode=ANSI_QUOTES,PIPES_AS_CONCAT*/" followed by the
// statement (an empty list: plain MySQL). Python's sql_mode options of
// ax.sql, SQLContext and db.sql write it, so the modes travel with the text
// through every path that parses it (inspection, compilation, prepared
// statements, DDL and DML).
const modePrefix = "/*alopex sql_mode="

// WithSQLMode returns query prefixed to be parsed in the given modes
// (names as in MySQL's sql_mode: IGNORE_SPACE, PIPES_AS_CONCAT, ANSI_QUOTES).
func WithSQLMode(query string, modes []string) string {
	return modePrefix + strings.Join(modes, ",") + "*/" + query
}

// splitMode reads the mode prefix of a query: the modes and the statement
// text after it (error positions count from there). A text without the
// prefix has DefaultSQLMode.
func splitMode(query string) (mysql.SQLMode, string, error) {
	if !strings.HasPrefix(query, modePrefix) {
		return DefaultSQLMode, query, nil
	}
	end := strings.Index(query, "*/")
	if end < 0 {
		return 0, "", core.Errorf(core.KindInvalidInput, "the sql_mode prefix of the query is not closed")
	}
	var mode mysql.SQLMode
	for _, name := range strings.Split(query[len(modePrefix):end], ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		m, ok := sqlModes[name]
		if !ok {
			return 0, "", core.Errorf(core.KindInvalidInput,
				"unknown sql_mode %q: the modes are IGNORE_SPACE, PIPES_AS_CONCAT and ANSI_QUOTES", name)
		}
		mode |= m
	}
	return mode, query[end+2:], nil
}

var tidbSyntaxRe = regexp.MustCompile(`line (\d+) column (\d+) near "((?s).*)"`)

// syntaxError turns a TiDB parse error into a SQLSyntaxError with the
// line, the column and the text near the problem. The parser read text,
// which is query after edits of different lengths: positions and the text
// near are mapped back to query.
func syntaxError(query, text string, edits []textEdit, err error) error {
	m := tidbSyntaxRe.FindStringSubmatch(err.Error())
	if m == nil {
		return core.Errorf(core.KindSQLSyntax, "SQL syntax error: %v", err)
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	near := m[3]
	// The parser reports the end of the last token it read; with
	// IGNORE_SPACE it has read past the spaces after an identifier (looking
	// for a "(" of a function call): step back over them, so the position is
	// the same in every mode.
	off := offsetOf(text, line, col)
	for off > 0 && strings.IndexByte(" \t\r\n", text[off-1]) >= 0 {
		off--
	}
	line, col = lineCol(text, off)
	// The parser's near text is the rest of its text from the offending
	// token: where it starts is where the caret goes.
	at := off
	if rest := strings.TrimRight(near, " \t\r\n"); rest != "" {
		if i := strings.LastIndex(text[:min(len(text), off+len(near))], rest); i >= 0 && i <= off {
			at = i
		}
	}
	qat := originalOffset(at, edits)
	if len(edits) > 0 {
		line, col = lineCol(query, originalOffset(off, edits))
		if near != "" {
			near = query[qat:]
		}
	}
	near = strings.TrimSpace(near)
	hint := syntaxHint(query, qat, near)
	if len(near) > 40 {
		near = near[:40] + "…"
	}
	msg := fmt.Sprintf("SQL syntax error at line %d, column %d", line, col)
	if near != "" {
		msg += fmt.Sprintf(" near %q", near)
	} else {
		msg += " at the end of the query"
		qat = len(strings.TrimRight(query, " \t\r\n"))
	}
	msg += excerpt(query, qat)
	if hint != "" {
		msg += "\n" + hint
	}
	err2 := core.Errorf(core.KindSQLSyntax, "%s", msg).With("line", line).With("column", col).With("near", near)
	if hint != "" {
		err2 = err2.With("hint", hint)
	}
	return err2
}

var tableFuncNames = map[string]string{"read_parquet": "parquet", "read_csv": "csv"}

// rewriteTableFuncs replaces read_parquet('…') and read_csv('…') outside
// strings and comments by placeholder names padded to the same length, so
// that error positions stay right.
func rewriteTableFuncs(q string) (string, map[string]tableFunc, error) {
	var out strings.Builder
	funcs := map[string]tableFunc{}
	isIdent := func(c byte) bool {
		return c == '_' || c == '$' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
	}
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := skipQuoted(q, i)
			out.WriteString(q[i:j])
			i = j
			continue
		case c == '#' || (c == '-' && strings.HasPrefix(q[i:], "-- ")):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			out.WriteString(q[i : i+j])
			i += j
			continue
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			end := len(q)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			out.WriteString(q[i:end])
			i = end
			continue
		case isIdent(c):
			j := i
			for j < len(q) && isIdent(q[j]) {
				j++
			}
			word := q[i:j]
			kind, isFunc := tableFuncNames[strings.ToLower(word)]
			k := j
			for k < len(q) && (q[k] == ' ' || q[k] == '\t' || q[k] == '\n' || q[k] == '\r') {
				k++
			}
			if !isFunc || (i > 0 && q[i-1] == '.') || k >= len(q) || q[k] != '(' {
				out.WriteString(word)
				i = j
				continue
			}
			path, end, err := tableFuncArg(q, k+1)
			if err != nil {
				return "", nil, core.Errorf(core.KindSQLSyntax, "%s: %s", word, err.Error()).
					With("line", 1+strings.Count(q[:i], "\n")).With("column", i-strings.LastIndexByte(q[:i], '\n')).
					With("near", word)
			}
			name := fmt.Sprintf("__tf%d", len(funcs))
			funcs[name] = tableFunc{kind: kind, path: path}
			out.WriteString(name)
			for _, r := range q[i+len(name) : end] {
				if r == '\n' {
					out.WriteByte('\n')
				} else {
					out.WriteByte(' ')
				}
			}
			i = end
			continue
		}
		out.WriteByte(c)
		i++
	}
	return out.String(), funcs, nil
}

// skipQuoted returns the index after the quoted text starting at q[i]
// (doubled quotes and backslash escapes stay inside).
func skipQuoted(q string, i int) int {
	quote := q[i]
	j := i + 1
	for j < len(q) {
		switch {
		case q[j] == '\\' && quote != '`':
			j += 2
			continue
		case q[j] == quote:
			if j+1 < len(q) && q[j+1] == quote {
				j += 2
				continue
			}
			return j + 1
		}
		j++
	}
	return len(q)
}

// tableFuncArg reads one quoted path and the closing parenthesis starting
// at q[i]; it returns the path and the index after ')'.
func tableFuncArg(q string, i int) (string, int, error) {
	skip := func() {
		for i < len(q) && strings.IndexByte(" \t\r\n", q[i]) >= 0 {
			i++
		}
	}
	skip()
	if i >= len(q) || (q[i] != '\'' && q[i] != '"') {
		return "", 0, fmt.Errorf("expected a quoted path as the only argument")
	}
	j := skipQuoted(q, i)
	raw := q[i+1 : j-1]
	quote := string(q[i])
	path := strings.ReplaceAll(raw, quote+quote, quote)
	i = j
	skip()
	if i >= len(q) || q[i] != ')' {
		return "", 0, fmt.Errorf("takes one argument, the path (a file, a glob or a directory)")
	}
	return path, i + 1, nil
}

// tableCollector gathers the base table names a statement reads.
type tableCollector struct {
	names []string
	seen  map[string]bool
	ctes  map[string]bool
}

func (c *tableCollector) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.TableName:
		l := x.Name.L
		if !c.seen[l] {
			c.seen[l] = true
			c.names = append(c.names, x.Name.O)
		}
	case *ast.WithClause:
		for _, cte := range x.CTEs {
			c.ctes[cte.Name.L] = true
		}
	}
	return n, false
}

func (c *tableCollector) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// Info describes a statement before it is compiled: the base tables it
// reads (not CTEs, not table functions), which the caller resolves, and
// whether it is an EXPLAIN.
type Info struct {
	Tables  []string `json:"tables"`
	Explain bool     `json:"explain"`
	// Analyze is set for EXPLAIN ANALYZE: the query runs and its plan is
	// printed with each node's rows and time.
	Analyze bool `json:"analyze"`
	// Query is false for statements that are not queries (DDL, DML,
	// transaction control), which an embedded database executes.
	Query bool `json:"query"`
	// View is set for CREATE VIEW and DROP VIEW, which a SQLContext runs
	// itself (python/alopex/sql.py): it keeps its views as named queries.
	View *ViewInfo `json:"view,omitempty"`
}

// ViewInfo is a CREATE VIEW or DROP VIEW statement.
type ViewInfo struct {
	Drop bool `json:"drop"`
	// Names are the views: one to create, one or more to drop.
	Names []string `json:"names"`
	// Query is the text of the view's query as the parser writes it back
	// (names in backticks, strings in single quotes, so any parser mode
	// reads it the same), its columns renamed by the view's column list.
	Query     string `json:"query,omitempty"`
	OrReplace bool   `json:"or_replace,omitempty"`
	IfExists  bool   `json:"if_exists,omitempty"`
}

// viewInfo describes stmt when it is CREATE VIEW or DROP VIEW.
func viewInfo(stmt ast.StmtNode) *ViewInfo {
	switch x := stmt.(type) {
	case *ast.CreateViewStmt:
		q := restore(x.Select)
		if len(x.Cols) > 0 {
			// A derived table's column list renames (sqlexec/derived.go).
			var b strings.Builder
			for i, c := range x.Cols {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("`" + strings.ReplaceAll(c.O, "`", "``") + "`")
			}
			q = "SELECT * FROM (" + q + ") AS `_view` (" + b.String() + ")"
		}
		return &ViewInfo{Names: []string{x.ViewName.Name.O}, Query: q, OrReplace: x.OrReplace}
	case *ast.DropTableStmt:
		if !x.IsView {
			return nil
		}
		v := &ViewInfo{Drop: true, IfExists: x.IfExists}
		for _, t := range x.Tables {
			v.Names = append(v.Names, t.Name.O)
		}
		return v
	}
	return nil
}

// Inspect parses a query and reports what Info says; a syntax error is a
// SQLSyntaxError.
func Inspect(query string) (*Info, error) {
	p, err := parse(query)
	if err != nil {
		return nil, err
	}
	info := &Info{Tables: baseTables(p.stmt, p.funcs)}
	if ex, ok := p.stmt.(*ast.ExplainStmt); ok {
		info.Explain, info.Analyze = true, ex.Analyze
	}
	_, isQuery := p.stmt.(ast.ResultSetNode)
	info.Query = isQuery || info.Explain
	info.View = viewInfo(p.stmt)
	return info, nil
}

// baseTables lists the tables a statement names that are not CTEs or
// table functions, in order of first appearance.
func baseTables(stmt ast.Node, funcs map[string]tableFunc) []string {
	c := &tableCollector{seen: map[string]bool{}, ctes: map[string]bool{}}
	stmt.Accept(c)
	out := []string{}
	for _, n := range c.names {
		l := strings.ToLower(n)
		if c.ctes[l] {
			continue
		}
		if _, isFunc := funcs[l]; isFunc {
			continue
		}
		out = append(out, n)
	}
	return out
}
