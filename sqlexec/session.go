package sqlexec

import (
	"context"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Session runs statements on an embedded database. A statement runs in the
// session's open transaction, or, when none is open (autocommit), in a
// transaction of its own that commits when the statement succeeds and
// rolls back when it fails.
//
// A session is safe for concurrent use: statements on one session run one
// at a time, as a storage.Txn is used by one goroutine at a time. Sessions
// on the same storage.DB run in parallel.
type Session struct {
	db *storage.DB
	// prepared caches the statements the session parsed, by text.
	prepared stmtCache
	// owned sessions (Python's db.transaction()) were begun by their
	// creator, which commits or rolls them back: SQL BEGIN, COMMIT and
	// ROLLBACK are refused in them.
	owned bool

	mu  sync.Mutex // held while a statement or a scan uses txn
	txn *storage.Txn

	// autoMu orders autocommit statements that keep losing write conflicts:
	// each attempt holds it shared, and a statement that lost
	// autocommitShared times runs its next attempts holding it alone, so
	// that under any load it stops competing with its own session.
	autoMu sync.RWMutex

	// vars are the session's variables (SET, settings.go).
	varsMu sync.Mutex
	vars   vectorSettings
	// generalWrites turns the write fast path off (write_fast_path = 0).
	generalWrites bool
}

// NewSession returns an autocommit session on db.
func NewSession(db *storage.DB) *Session { return &Session{db: db} }

// BeginSession returns a session inside a new transaction that its caller
// ends with Commit or Rollback.
func BeginSession(db *storage.DB) (*Session, error) {
	txn, err := db.Begin()
	if err != nil {
		return nil, err
	}
	return &Session{db: db, owned: true, txn: txn}, nil
}

// DB returns the database the session runs on.
func (s *Session) DB() *storage.DB { return s.db }

// InTransaction reports whether a transaction is open.
func (s *Session) InTransaction() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.txn != nil
}

// Begin opens a transaction (SQL BEGIN / START TRANSACTION).
func (s *Session) Begin() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.txn != nil {
		return core.Errorf(core.KindInvalidInput,
			"a transaction is already open; COMMIT or ROLLBACK it before BEGIN (transactions do not nest)")
	}
	txn, err := s.db.Begin()
	if err != nil {
		return err
	}
	s.txn = txn
	// Point reads kept in front of the store (Python's row cache) must not
	// answer for this session while its transaction is open.
	s.db.InvalidateLatest()
	return nil
}

// Commit commits the open transaction. A write-write conflict with a
// transaction that committed first is a TransactionConflictError, and
// nothing of this one is applied; the transaction is over either way.
func (s *Session) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.txn == nil {
		return core.Errorf(core.KindInvalidInput, "COMMIT without an open transaction; start one with BEGIN")
	}
	txn := s.txn
	s.txn = nil
	return txn.Commit()
}

// Rollback discards the open transaction's writes.
func (s *Session) Rollback() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.txn == nil {
		return core.Errorf(core.KindInvalidInput, "ROLLBACK without an open transaction; start one with BEGIN")
	}
	s.txn.Rollback()
	s.txn = nil
	return nil
}

// Close rolls back an open transaction. The session cannot be used after.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.txn != nil {
		s.txn.Rollback()
		s.txn = nil
	}
}

// Request is one statement to execute: its text, the plans of the frames
// in the caller's scope it may read (stored tables and views win over
// them), the values of its ? placeholders, and the opener of table
// functions.
type Request struct {
	Query  string
	Tables map[string]lazy.Plan
	Params []lazy.Expr
	Opener lazy.Opener
}

// Exec runs one statement that is not a query: DDL, DML, or transaction
// control. It returns the number of rows the statement inserted, updated
// or deleted (0 for the others).
func (s *Session) Exec(ctx context.Context, req Request) (int64, error) {
	p, err := parse(req.Query)
	if err != nil {
		return 0, err
	}
	return s.execParsed(ctx, p, nil, req)
}

// execParsed is Exec of a parsed statement; ps is its prepared statement
// when it has one (Execute), which may then take the write fast path.
func (s *Session) execParsed(ctx context.Context, p *parsed, ps *prepared, req Request) (int64, error) {
	if n := p.nParams(); n != len(req.Params) {
		return 0, core.Errorf(core.KindInvalidInput,
			"the statement has %d ? placeholder(s) but %d parameter value(s) were given", n, len(req.Params))
	}
	switch st := p.stmt.(type) {
	case *ast.SetStmt:
		return 0, s.set(st)
	case *ast.BeginStmt:
		if s.owned {
			return 0, core.Errorf(core.KindInvalidInput, "BEGIN inside db.transaction(): the transaction is already open")
		}
		return 0, s.Begin()
	case *ast.CommitStmt:
		if s.owned {
			return 0, core.Errorf(core.KindInvalidInput,
				"COMMIT inside db.transaction(): leave the with block to commit, or call tx.commit()")
		}
		return 0, s.Commit()
	case *ast.RollbackStmt:
		if s.owned {
			return 0, core.Errorf(core.KindInvalidInput,
				"ROLLBACK inside db.transaction(): raise an exception in the with block, or call tx.rollback()")
		}
		if st.SavepointName != "" {
			return 0, notSupported("ROLLBACK TO SAVEPOINT is not supported")
		}
		return 0, s.Rollback()
	case ast.ResultSetNode:
		return 0, core.Errorf(core.KindInvalidInput, "a query cannot be executed as a statement; run it with sql()")
	case *ast.ExplainStmt:
		return 0, core.Errorf(core.KindInvalidInput, "EXPLAIN is a query; run it with sql()")
	}
	return s.inTxn(func(txn *storage.Txn) (int64, error) {
		// own: inTxn began txn for this statement alone (it holds s.mu).
		x := &stmtExec{ctx: ctx, txn: txn, req: req, funcs: p.funcs, own: s.txn == nil}
		if n, ok, err := s.fastWrite(x, ps); ok {
			return n, err
		}
		return x.run(p.stmt)
	})
}

// Statement returns the catalog one query reads through: the session's open
// transaction, or a snapshot of its own (a transaction that only reads).
// Release ends the statement.
func (s *Session) Statement() *Statement {
	return &Statement{s: s}
}

// Statement is the catalog of one query (a lazy.Catalog): every stored
// table it scans is read from the same snapshot.
type Statement struct {
	s    *Session
	mu   sync.Mutex
	own  *storage.Txn // the statement's snapshot when the session has no transaction
	done bool
}

var _ lazy.Catalog = (*Statement)(nil)

// use runs fn with the transaction the statement reads, holding the lock
// that keeps it on one goroutine at a time.
func (st *Statement) use(fn func(txn *storage.Txn) error) error {
	st.s.mu.Lock()
	if st.s.txn != nil {
		defer st.s.mu.Unlock()
		return fn(st.s.txn)
	}
	st.s.mu.Unlock()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return core.Errorf(core.KindInvalidInput, "this query's snapshot was already released")
	}
	if st.own == nil {
		txn, err := st.s.db.Begin()
		if err != nil {
			return err
		}
		st.own = txn
	}
	return fn(st.own)
}

// Release ends the statement's own snapshot, if it took one.
func (st *Statement) Release() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.own != nil {
		st.own.Rollback()
		st.own = nil
	}
	st.done = true
}

// TablePlan implements lazy.Catalog.
func (st *Statement) TablePlan(name string) (lazy.Plan, error) {
	return catalog{use: st.use, search: st.s.vectorSettings()}.tablePlan(name, false)
}
