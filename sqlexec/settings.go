package sqlexec

import (
	"math"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// Session variables, set with SET name = value (MySQL's session scope):
//
//	hnsw_ef_search   the breadth of HNSW searches of stored vector indexes
//	                 (DuckDB's vss extension has the same name); DEFAULT
//	                 is the index's own (64, at least k)
//	write_fast_path  1 (DEFAULT): INSERT/UPDATE/DELETE of the shapes
//	                 writefast.go knows skip the planner and executor;
//	                 0: every statement runs the general way (to compare
//	                 the two, or to rule the fast path out)
//
// A session's variables last until it ends; db.transaction() starts with
// those of its connection (Inherit).

// vectorSettings tune stored vector-index searches.
type vectorSettings struct {
	efSearch int // 0: the index's default
}

// maxEfSearch bounds hnsw_ef_search: a breadth beyond any table's size only
// makes the walk visit every row, which the index then does anyway.
const maxEfSearch = 1 << 24

func (s *Session) vectorSettings() vectorSettings {
	s.varsMu.Lock()
	defer s.varsMu.Unlock()
	return s.vars
}

// fastWrites reports whether the write fast path is on (write_fast_path).
func (s *Session) fastWrites() bool {
	s.varsMu.Lock()
	defer s.varsMu.Unlock()
	return !s.generalWrites
}

// Inherit gives s the variables of from (a transaction its connection's).
func (s *Session) Inherit(from *Session) {
	v, general := from.vectorSettings(), !from.fastWrites()
	s.varsMu.Lock()
	s.vars, s.generalWrites = v, general
	s.varsMu.Unlock()
}

// set runs SET: every assignment is checked before any is applied.
func (s *Session) set(st *ast.SetStmt) error {
	next, general := s.vectorSettings(), !s.fastWrites()
	for _, a := range st.Variables {
		name := strings.ToLower(a.Name)
		if !a.IsSystem {
			return notSupported("user variables (SET @%s) are not supported; alopex has the session variables hnsw_ef_search and write_fast_path", a.Name)
		}
		if a.IsGlobal || a.IsInstance {
			return notSupported("SET GLOBAL is not supported: set %s for the session (SET %s = …)", name, name)
		}
		switch name {
		case "hnsw_ef_search":
			ef, err := setInt(name, a.Value, 1, maxEfSearch)
			if err != nil {
				return err
			}
			next.efSearch = ef
		case "write_fast_path":
			on, err := setInt(name, a.Value, 0, 1)
			if err != nil {
				return err
			}
			if _, isDefault := a.Value.(*ast.DefaultExpr); isDefault {
				on = 1
			}
			general = on == 0
		default:
			return notSupported("unknown session variable %q: alopex has hnsw_ef_search and write_fast_path", a.Name)
		}
	}
	s.varsMu.Lock()
	s.vars, s.generalWrites = next, general
	s.varsMu.Unlock()
	return nil
}

// setInt reads an integer variable's value: a literal in [lo, hi], or
// DEFAULT (0).
func setInt(name string, v ast.ExprNode, lo, hi int64) (int, error) {
	if _, ok := v.(*ast.DefaultExpr); ok {
		return 0, nil
	}
	if u, ok := v.(*ast.UnaryOperationExpr); ok {
		if inner, ok := u.V.(*test_driver.ValueExpr); ok && u.Op == opcode.Minus {
			return 0, core.Errorf(core.KindInvalidInput, "%s must be between %d and %d, got -%v", name, lo, hi, inner.GetValue())
		}
	}
	lit, ok := v.(*test_driver.ValueExpr)
	if !ok {
		return 0, core.Errorf(core.KindInvalidInput, "%s takes an integer constant or DEFAULT", name)
	}
	var n int64
	switch x := lit.GetValue().(type) {
	case int64:
		n = x
	case uint64:
		n = int64(min(x, math.MaxInt64))
	default:
		return 0, core.Errorf(core.KindInvalidInput, "%s takes an integer, got %v", name, x)
	}
	if n < lo || n > hi {
		return 0, core.Errorf(core.KindInvalidInput, "%s must be between %d and %d, got %d", name, lo, hi, n)
	}
	return int(n), nil
}
