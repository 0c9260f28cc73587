package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// catalog resolves stored tables and views in one transaction. use runs a
// function with the transaction, on one goroutine at a time.
type catalog struct {
	use func(fn func(txn *storage.Txn) error) error
	// expanding lists the views being expanded, to stop a view that reads
	// itself.
	expanding []string
	// search tunes the vector-index searches of the tables it resolves
	// (the session's SET hnsw_ef_search).
	search vectorSettings
}

// has reports whether name is a stored table or view.
func (c catalog) has(name string) bool {
	found := false
	_ = c.use(func(txn *storage.Txn) error {
		found = hasTable(txn, name) || hasView(txn, name)
		return nil
	})
	return found
}

// tablePlan returns the plan reading a stored table (with the hidden row
// id column when withRowID and the table has no primary key) or a view.
func (c catalog) tablePlan(name string, withRowID bool) (lazy.Plan, error) {
	var (
		viewSQL string
		isView  bool
		src     lazy.Source
	)
	err := c.use(func(txn *storage.Txn) error {
		if viewSQL, isView = viewOf(txn, name); isView {
			return nil
		}
		desc, err := txn.Table(name)
		if err != nil {
			return err
		}
		ts := newTableSource(c.use, desc, withRowID)
		ts.search = c.search
		src = ts
		if desc.IsColumnar() {
			src, err = newColumnarSource(txn, ts)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !isView {
		return lazy.NewScan(src), nil
	}
	for _, v := range c.expanding {
		if strings.EqualFold(v, name) {
			return nil, core.Errorf(core.KindInvalidInput, "view %s refers to itself (through %s)",
				name, strings.Join(c.expanding, " → "))
		}
	}
	inner := catalog{use: c.use, search: c.search, expanding: append(append([]string{}, c.expanding...), name)}
	tables, err := inner.tablesOf(viewSQL, nil)
	if err != nil {
		return nil, err
	}
	p, err := Compile(viewSQL, tables, nil, nil)
	if err != nil {
		return nil, core.Errorf(core.KindOf(err), "view %s: %s", name, err.Error())
	}
	return p, nil
}

// tablesOf returns the tables a query reads: stored tables and views
// first, then the frames in scope.
func (c catalog) tablesOf(query string, scope map[string]lazy.Plan) (map[string]lazy.Plan, error) {
	p, err := parse(query)
	if err != nil {
		return nil, err
	}
	return c.tablesIn(p.stmt, p.funcs, scope)
}

// tablesIn returns the tables statement stmt names: stored tables and
// views first, then the frames in scope.
func (c catalog) tablesIn(stmt ast.Node, funcs map[string]tableFunc, scope map[string]lazy.Plan) (map[string]lazy.Plan, error) {
	out := make(map[string]lazy.Plan, len(scope))
	for name, p := range scope {
		out[name] = p
	}
	for _, name := range baseTables(stmt, funcs) {
		if !c.has(name) {
			continue
		}
		p, err := c.tablePlan(name, false)
		if err != nil {
			return nil, err
		}
		for k := range out { // the stored table hides a frame of the same name
			if strings.EqualFold(k, name) {
				delete(out, k)
			}
		}
		out[name] = p
	}
	return out, nil
}
