package sqlexec

import (
	"container/list"
	"sync"

	"github.com/alopexdb/alopex/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// stmtCacheSize bounds the statements a session keeps parsed.
const stmtCacheSize = 256

// A prepared statement is a parsed statement kept by its text, so that a
// statement run again (with new ? values) skips the parser, and, for the
// shapes pointget.go recognizes, the planner too.
//
// A parsed tree does not depend on the catalog, so it never goes stale;
// what does (the point plan, which names a table's key columns and column
// positions) is checked against the table's descriptor at each execution:
// any DDL on the table (ALTER, DROP and CREATE again, CREATE INDEX)
// replaces its descriptor, and the point plan is then made again.
type prepared struct {
	text string
	p    *parsed

	mu        sync.Mutex
	point     *pointPlan         // see pointPlanFor; nil: not a point get on pointDesc
	pointDesc *storage.TableDesc // the descriptor point was planned on
	shape     *pointShape
	// noShape is set once the statement is known not to have a point
	// shape, so that it is not analyzed again.
	noShape bool

	// The fast write (writefast.go): the shape (nil: none), read once
	// (wshapeRead), and its plan on writeDesc (nil: the general path).
	wshape     *writeShape
	wshapeRead bool
	write      *writePlan
	writeDesc  *storage.TableDesc

	// planMu is held while the general path plans a query from the tree:
	// the parser's tree walker (ast.Node.Accept) stores the children it
	// visits back into their parents, so two walks of one tree at once
	// would race. Statements that are not queries run under the session's
	// lock already.
	planMu sync.Mutex
}

// stmtCache is a bounded LRU of prepared statements by text. It is safe for
// concurrent use.
type stmtCache struct {
	mu    sync.Mutex
	order *list.List // of *prepared, most recently used first
	byKey map[string]*list.Element
}

// get returns the prepared statement of text, parsing it on a miss.
func (c *stmtCache) get(text string) (*prepared, error) {
	c.mu.Lock()
	if e, ok := c.byKey[text]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*prepared), nil
	}
	c.mu.Unlock()
	p, err := parse(text) // outside the lock: parsing is the slow part
	if err != nil {
		return nil, err
	}
	ps := &prepared{text: text, p: p}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]*list.Element{}
		c.order = list.New()
	}
	if e, ok := c.byKey[text]; ok { // another goroutine parsed it meanwhile
		return e.Value.(*prepared), nil
	}
	c.byKey[text] = c.order.PushFront(ps)
	for c.order.Len() > stmtCacheSize {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*prepared).text)
	}
	return ps, nil
}

// lookup returns the prepared statement of text when the cache holds it
// (nil otherwise: get parses it). text is not kept, so it may be memory
// the caller reuses.
func (c *stmtCache) lookup(text string) *prepared {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[text]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*prepared)
}

// len is the number of statements cached (for tests).
func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

// pointPlanFor returns the statement's point plan on the table as table
// (a lookup of descriptors by name, of a transaction or of the latest
// catalog) gives it, or nil when the statement has no point shape (or the
// table is not a stored table with a primary key, or table does not know
// it: known is then false). The plan made for an older descriptor of the
// table is replaced.
func (ps *prepared) pointPlanFor(table func(name string) (*storage.TableDesc, bool)) (pp *pointPlan, known bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.noShape {
		return nil, true
	}
	if ps.shape == nil {
		sel, ok := ps.p.stmt.(*ast.SelectStmt)
		if ok {
			ps.shape = selectShape(sel)
		}
		if ps.shape == nil {
			ps.noShape = true
			return nil, true
		}
	}
	desc, ok := table(ps.shape.table)
	if !ok {
		return nil, false // a view, or no such table: the general path says which
	}
	if ps.pointDesc != desc {
		ps.point, ps.pointDesc = ps.shape.plan(desc), desc
	}
	return ps.point, true
}
