package sqlexec

import (
	"context"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Execute and ExecuteMany are the statement API of a DB-API cursor: the
// statement reads only stored tables and views (no frames in scope), is
// prepared once per text (prepared.go), and a query's rows come back as
// Go values for a compact encoding (compact.go) rather than as Arrow.

// Result is what Execute returns: a query's columns and rows, or the number
// of rows a statement inserted, updated or deleted.
type Result struct {
	Query bool
	Names []string
	Types []arrow.DataType
	// RowsAffected is -1 for a query (as sqlite3's rowcount).
	RowsAffected int64

	rows  [][]any     // the point path's rows as Go values (columnar tables)
	table *core.Table // the general path's rows
	// enc holds the point path's rows already in the compact encoding
	// (nEnc of them): read straight from the stored values.
	enc  *[]byte
	nEnc int
	// gen is the read generation a point read of the latest state read at
	// (storage.LatestRead.Generation), when genOK: the result stays what
	// the statement gives while the database's generation is gen.
	gen   uint64
	genOK bool
	// key1 and keys1 hold a point read's single key (pointPlan.keyValues).
	key1  [1]any
	keys1 [1][]any
}

// Release frees the result's rows.
func (r *Result) Release() {
	if r.table != nil {
		r.table.Release()
		r.table = nil
	}
	if r.enc != nil {
		if cap(*r.enc) <= 1<<20 { // a very large buffer goes back to the GC
			*r.enc = (*r.enc)[:0]
			encBufs.Put(r.enc)
		}
		r.enc, r.nEnc = nil, 0
	}
}

// encBufs recycles the buffers the point path encodes rows into: a point
// read then allocates none.
var encBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// pointResult is an empty result of a point plan's columns.
func pointResult(pp *pointPlan) *Result {
	return &Result{Query: true, Names: pp.names, Types: pp.types, RowsAffected: -1}
}

// pointRows returns the function GetManyFunc passes pp's rows to: it
// encodes them into r.
func (r *Result) pointRows(pp *pointPlan) func(storage.Row) error {
	return func(row storage.Row) error {
		if r.enc == nil {
			r.enc = encBufs.Get().(*[]byte)
		}
		*r.enc = pp.appendRow(*r.enc, row)
		r.nEnc++
		return nil
	}
}

// dropRows forgets the rows encoded so far (a read that goes another way).
func (r *Result) dropRows() {
	if r.enc != nil {
		*r.enc = (*r.enc)[:0]
	}
	r.nEnc = 0
}

// Execute runs one statement: a query returns its rows, other statements
// run as Exec runs them. ? placeholders take params in order.
func (s *Session) Execute(ctx context.Context, query string, params []lazy.Expr, opener lazy.Opener) (*Result, error) {
	ps, err := s.prepared.get(query)
	if err != nil {
		return nil, err
	}
	switch ps.p.stmt.(type) {
	case *ast.ExplainStmt:
		return nil, core.Errorf(core.KindInvalidInput, "EXPLAIN returns the plan as text, not rows: run it with db.sql()")
	case ast.ResultSetNode:
		return s.query(ctx, ps, params, opener)
	}
	req := Request{Query: query, Params: params, Opener: opener}
	n, ok, err := s.autocommit(ctx, ps, req)
	if !ok {
		n, err = s.execParsed(ctx, ps.p, ps, req)
	}
	if err != nil {
		return nil, err
	}
	return &Result{RowsAffected: n}, nil
}

// maxAutocommitRetries bounds the reruns of an autocommit statement that
// lost a write conflict (after autocommitShared it runs alone in its session,
// so only other sessions' transactions can still make it lose).
const maxAutocommitRetries = 32

// autocommit runs a statement that changes data in a transaction of its own
// when the session has none open (ok false otherwise: the caller runs it
// as Exec does). Unlike Exec it does not hold the session's lock: autocommit
// statements of one connection run side by side, and their commits share
// fsyncs (pebble's group commit). A statement that loses a write conflict
// to a concurrent one is run again on a new snapshot, which is what running
// them one after the other would have given; its writes were never visible.
func (s *Session) autocommit(ctx context.Context, ps *prepared, req Request) (n int64, ok bool, err error) {
	switch ps.p.stmt.(type) {
	case *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt:
	default:
		return 0, false, nil
	}
	if n := ps.p.nParams(); n != len(req.Params) {
		return 0, false, nil // Exec reports it
	}
	s.mu.Lock()
	open := s.txn != nil
	s.mu.Unlock()
	if open {
		return 0, false, nil
	}
	for attempt := 0; ; attempt++ {
		alone := attempt >= autocommitShared
		if alone {
			s.autoMu.Lock()
		} else {
			s.autoMu.RLock()
		}
		n, err = s.autocommitOnce(ctx, ps, req)
		if alone {
			s.autoMu.Unlock()
		} else {
			s.autoMu.RUnlock()
		}
		if core.KindOf(err) == core.KindTransactionConflict && attempt < maxAutocommitRetries {
			continue
		}
		return n, true, err
	}
}

// autocommitShared is how many times an autocommit statement runs beside the
// session's others before it runs alone (Session.autoMu).
const autocommitShared = 3

// autocommitOnce runs the statement in a transaction of its own and commits.
func (s *Session) autocommitOnce(ctx context.Context, ps *prepared, req Request) (int64, error) {
	txn, err := s.db.Begin()
	if err != nil {
		return 0, err
	}
	x := &stmtExec{ctx: ctx, txn: txn, req: req, funcs: ps.p.funcs, own: true}
	n, ok, err := s.fastWrite(x, ps)
	if !ok {
		ps.planMu.Lock() // the statement's tree is walked while it runs
		n, err = x.run(ps.p.stmt)
		ps.planMu.Unlock()
	}
	if err != nil {
		txn.Rollback()
		return 0, err
	}
	return n, txn.Commit()
}

func (s *Session) query(ctx context.Context, ps *prepared, params []lazy.Expr, opener lazy.Opener) (*Result, error) {
	if n := ps.p.nParams(); n != len(params) {
		return nil, core.Errorf(core.KindInvalidInput,
			"the query has %d ? placeholder(s) but %d parameter value(s) were given", n, len(params))
	}
	res, err := s.pointQuery(ps, params)
	if err != nil || res != nil {
		return res, err
	}
	st := s.Statement()
	defer st.Release()
	plan, err := ps.plan(st, params, opener)
	if err != nil {
		return nil, err
	}
	tbl, err := exec.Run(ctx, memory.DefaultAllocator, exec.Optimize(plan))
	if err != nil {
		return nil, err
	}
	res = &Result{Query: true, RowsAffected: -1, table: tbl}
	for _, f := range tbl.Schema().Fields() {
		res.Names = append(res.Names, f.Name)
		res.Types = append(res.Types, f.Type)
	}
	return res, nil
}

// pointQuery answers a point-get statement (pointget.go), or returns nil
// to send it the general way. Outside a transaction it reads the latest
// committed state without a snapshot (storage.LatestRead), falling back to
// a snapshot of its own when the table's descriptor is not in the shared
// catalog cache or the catalog changed during the read.
func (s *Session) pointQuery(ps *prepared, params []lazy.Expr) (*Result, error) {
	s.mu.Lock()
	open := s.txn != nil
	s.mu.Unlock()
	if !open {
		if r, ok := s.db.BeginLatest(); ok {
			pp, known := ps.pointPlanFor(r.Table)
			if known && pp == nil {
				return nil, nil // not a point get
			}
			if pp != nil {
				if res := pointResult(pp); pp.runLatest(r, params, res) {
					return res, nil
				}
			}
		}
	}
	var res *Result
	err := s.reading(func(txn *storage.Txn) error {
		table := func(name string) (*storage.TableDesc, bool) {
			d, err := txn.Table(name)
			return d, err == nil
		}
		if pp, _ := ps.pointPlanFor(table); pp != nil {
			if r := pointResult(pp); pp.run(txn, params, r) {
				res = r
			}
		}
		return nil
	})
	return res, err
}

// plan compiles the query on the tables and views of st.
func (ps *prepared) plan(st *Statement, params []lazy.Expr, opener lazy.Opener) (lazy.Plan, error) {
	ps.planMu.Lock()
	defer ps.planMu.Unlock()
	tables, err := catalog{use: st.use, search: st.s.vectorSettings()}.tablesIn(ps.p.stmt, ps.p.funcs, nil)
	if err != nil {
		return nil, err
	}
	return compileParsed(ps.p, tables, params, opener)
}

// reading runs fn with the session's open transaction, or a snapshot of its
// own that ends with fn.
func (s *Session) reading(fn func(txn *storage.Txn) error) error {
	s.mu.Lock()
	if s.txn != nil {
		defer s.mu.Unlock()
		return fn(s.txn)
	}
	s.mu.Unlock()
	txn, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer txn.Rollback()
	return fn(txn)
}

// ExecuteMany runs one statement that changes data once per row of params,
// all in one transaction: the session's open one, or one of its own that
// commits when every row succeeded and otherwise leaves no trace. It
// returns the total of the rows changed. An error names the parameter row
// (counted from 0) that failed.
func (s *Session) ExecuteMany(ctx context.Context, query string, rows [][]lazy.Expr, opener lazy.Opener) (int64, error) {
	ps, err := s.prepared.get(query)
	if err != nil {
		return 0, err
	}
	switch ps.p.stmt.(type) {
	case ast.ResultSetNode, *ast.ExplainStmt:
		return 0, core.Errorf(core.KindInvalidInput, "executemany() runs statements that change data; run a query with execute()")
	case *ast.BeginStmt, *ast.CommitStmt, *ast.RollbackStmt:
		return 0, core.Errorf(core.KindInvalidInput, "executemany() cannot run BEGIN, COMMIT or ROLLBACK; use execute()")
	}
	n := ps.p.nParams()
	for i, r := range rows {
		if len(r) != n {
			return 0, core.Errorf(core.KindInvalidInput,
				"executemany() parameter row %d has %d value(s) but the statement has %d ? placeholder(s)", i, len(r), n).With("row", i)
		}
	}
	return s.inTxn(func(txn *storage.Txn) (int64, error) {
		if ins, ok := ps.p.stmt.(*ast.InsertStmt); ok {
			x := &stmtExec{ctx: ctx, txn: txn, req: Request{Query: query, Opener: opener}, funcs: ps.p.funcs}
			// A failed columnar insert has no effect: the rows then run one
			// at a time, to name the row at fault.
			if n, ok, err := x.insertMany(ins, rows); ok && err == nil {
				return n, nil
			}
		}
		var total int64
		fast := s.fastWrites()
		for i, r := range rows {
			x := &stmtExec{ctx: ctx, txn: txn, req: Request{Query: query, Params: r, Opener: opener}, funcs: ps.p.funcs}
			var k int64
			var ok bool
			var err error
			if fast {
				k, ok, err = x.fastWrite(ps)
			}
			if !ok {
				k, err = x.run(ps.p.stmt)
			}
			if err != nil {
				return 0, rowError(i, err)
			}
			total += k
		}
		return total, nil
	})
}

// rowError names the parameter row of executemany() an error comes from,
// keeping its kind and details.
func rowError(row int, err error) error {
	e := core.Errorf(core.KindOf(err), "executemany() parameter row %d: %s", row, err.Error())
	if ce, ok := err.(*core.Error); ok {
		for k, v := range ce.Details {
			e = e.With(k, v)
		}
	}
	return e.With("param_row", row)
}
