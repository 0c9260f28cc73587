package lazy

import "github.com/alopexdb/alopex/core"

// SQLCompiler turns SQL text into a plan. tables maps the table names the
// query may use to their plans (in-memory frames, files, other lazy
// queries); params are the values of the query's ? placeholders, in order,
// as resolved-or-not literals; opener opens the files of table functions
// such as read_parquet('…') (nil: they are not available).
type SQLCompiler func(query string, tables map[string]Plan, params []Expr, opener Opener) (Plan, error)

// sql decodes {"kind": "sql", "query": text, "params": [lit expr],
// "tables": {name: node}} and compiles it with the decoding's SQL front end.
func (d *decoder) sql(n *jsonNode) (Plan, error) {
	tables := make(map[string]Plan, len(n.Tables))
	for name, t := range n.Tables {
		p, err := d.node(t)
		if err != nil {
			return nil, err
		}
		tables[name] = p
	}
	params, err := d.exprs(n.Params)
	if err != nil {
		return nil, err
	}
	if d.compileSQL == nil {
		return nil, core.Errorf(core.KindNotSupported, "SQL plan nodes are not supported here: no SQL front end was given")
	}
	return d.compileSQL(n.Query, tables, params, d.opener)
}
