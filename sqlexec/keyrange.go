package sqlexec

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// accessPath is how a scan of a stored table reads: the whole table (no
// ranges), key ranges of the primary key, or ranges of a secondary index
// (index set). Each range bounds a prefix of columns.
type accessPath struct {
	index   string
	columns []string
	ranges  []keyRange
	// keys, when set, are the values of the table's one key column to
	// read (a key set: keyset.go), instead of ranges.
	keys *keySet
}

// keyRange bounds keys by values of a prefix of the key columns; a nil
// bound is open. A bound shorter than the key covers every key it is a
// prefix of (lower: from the first such key; upper: to the last).
type keyRange struct {
	lower, upper         []any
	lowerIncl, upperIncl bool
}

// String renders r over the key columns: "id = 5", "id >= 3 AND id < 10".
func (r keyRange) String(cols []string) string {
	var parts []string
	n := max(len(r.lower), len(r.upper))
	for i := 0; i < n; i++ {
		lo, hi := i < len(r.lower), i < len(r.upper)
		switch {
		case lo && hi && r.lower[i] == r.upper[i] && (i < n-1 || (r.lowerIncl && r.upperIncl)):
			parts = append(parts, fmt.Sprintf("%s = %s", cols[i], showValue(r.lower[i])))
		default:
			if lo {
				op := ">"
				if r.lowerIncl {
					op = ">="
				}
				parts = append(parts, fmt.Sprintf("%s %s %s", cols[i], op, showValue(r.lower[i])))
			}
			if hi {
				op := "<"
				if r.upperIncl {
					op = "<="
				}
				parts = append(parts, fmt.Sprintf("%s %s %s", cols[i], op, showValue(r.upper[i])))
			}
		}
	}
	return "[" + strings.Join(parts, " AND ") + "]"
}

func showValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("'%s'", strings.ReplaceAll(s, "'", "''"))
	}
	return fmt.Sprint(v)
}

// colBounds is what a predicate's conjuncts say about one column: a set of
// values it equals (from = and IN), or bounds.
type colBounds struct {
	eq             []any
	hasEq          bool
	set            *keySet // the key set of an is_in on the table's one key column
	lo, hi         any
	loIncl, hiIncl bool
	hasLo, hasHi   bool
}

// maxPoints caps the point ranges a conjunction of IN lists may expand to.
const maxPoints = 100_000

// accessPath chooses how a scan with predicate pred reads: primary-key
// ranges when the predicate bounds the key's first column, else an index
// whose first column it bounds (equalities preferred), else the whole
// table. The executor applies pred to the rows read, so a path only has
// to cover the matching rows.
func (s *tableSource) accessPath(pred lazy.Expr) accessPath {
	bounds := map[string]*colBounds{}
	get := func(c string) *colBounds {
		if bounds[c] == nil {
			bounds[c] = &colBounds{}
		}
		return bounds[c]
	}
	for _, c := range lazy.Conjuncts(pred) {
		s.collectBounds(c, get)
	}
	if len(bounds) == 0 {
		return accessPath{}
	}
	if len(s.pk) == 1 && bounds[s.pk[0]] != nil && bounds[s.pk[0]].set != nil {
		return accessPath{columns: s.pk, keys: bounds[s.pk[0]].set}
	}
	if r := rangesOn(s.pk, bounds); r != nil {
		return accessPath{columns: s.pk, ranges: r}
	}
	best := -1
	for i, ix := range s.indexes {
		b := bounds[ix.columns[0]]
		if b == nil {
			continue
		}
		if best < 0 || (b.hasEq && !bounds[s.indexes[best].columns[0]].hasEq) {
			best = i
		}
	}
	if best >= 0 {
		ix := s.indexes[best]
		if r := rangesOn(ix.columns, bounds); r != nil {
			return accessPath{index: ix.name, columns: ix.columns, ranges: r}
		}
	}
	return accessPath{}
}

// collectBounds records what one conjunct says about a column.
func (s *tableSource) collectBounds(e lazy.Expr, get func(string) *colBounds) {
	switch x := e.(type) {
	case *lazy.Binary:
		name, lit, op, ok := lazy.ColumnComparison(x)
		if !ok {
			return
		}
		t := s.columnType(name)
		if t == nil {
			return
		}
		v, exact := keyValue(t, lit)
		if v == nil {
			return
		}
		b := get(name)
		switch op {
		case lazy.OpEq:
			if exact && !b.hasEq {
				b.eq, b.hasEq = []any{v}, true
			}
		case lazy.OpGt, lazy.OpGtEq:
			// An inexact value (2.5 against an integer) becomes an
			// inclusive bound at its floor, which still covers the rows.
			if !b.hasLo {
				b.lo, b.loIncl, b.hasLo = v, op == lazy.OpGtEq || !exact, true
			}
		case lazy.OpLt, lazy.OpLtEq:
			if !b.hasHi {
				if !exact {
					v = ceilKey(v)
				}
				b.hi, b.hiIncl, b.hasHi = v, op == lazy.OpLtEq || !exact, true
			}
		}
	case *lazy.Call:
		if x.Name == "when" && len(x.Args) == 3 {
			// SQL's x IN (list): CASE WHEN x IS NULL THEN NULL ELSE is_in(x).
			if l, ok := x.Args[1].(*lazy.Literal); ok && l.Value == nil {
				s.collectBounds(x.Args[2], get)
			}
			return
		}
		if x.Name != "is_in" || len(x.Args) != 1 {
			return
		}
		c, ok := lazy.StripCast(x.Args[0]).(*lazy.Column)
		if !ok {
			return
		}
		t := s.columnType(c.Name)
		values, _ := x.Opts["values"].([]any)
		if t == nil || len(values) == 0 {
			return
		}
		if len(s.pk) == 1 && c.Name == s.pk[0] {
			if set := newKeySet(t, values); set != nil {
				if b := get(c.Name); !b.hasEq {
					b.eq, b.hasEq, b.set = nil, true, set
				}
			}
			return
		}
		if len(values) > maxPoints {
			return
		}
		var eq []any
		seen := map[any]bool{}
		for _, raw := range values {
			v, exact := keyValue(t, &lazy.Literal{Value: raw})
			if v == nil {
				return
			}
			if exact && !seen[v] {
				seen[v] = true
				eq = append(eq, v)
			}
		}
		sortKeys(eq)
		if b := get(c.Name); !b.hasEq {
			b.eq, b.hasEq = eq, true
		}
	}
}

func (s *tableSource) columnType(name string) arrow.DataType {
	idx := s.schema.FieldIndices(name)
	if len(idx) == 0 {
		return nil
	}
	return s.schema.Field(idx[0]).Type
}

// rangesOn turns column bounds into ranges over key columns cols: the
// equalities on a prefix of cols, then the bounds of the next column.
// It returns nil when the first column is not bounded.
func rangesOn(cols []string, bounds map[string]*colBounds) []keyRange {
	prefixes := [][]any{{}}
	for i, c := range cols {
		b := bounds[c]
		if b != nil && b.hasEq {
			if len(prefixes)*len(b.eq) > maxPoints {
				break
			}
			var next [][]any
			for _, p := range prefixes {
				for _, v := range b.eq {
					next = append(next, append(append([]any{}, p...), v))
				}
			}
			prefixes = next
			continue
		}
		if b != nil && (b.hasLo || b.hasHi) {
			out := make([]keyRange, len(prefixes))
			for j, p := range prefixes {
				r := keyRange{lower: p, upper: p, lowerIncl: true, upperIncl: true}
				if b.hasLo {
					r.lower, r.lowerIncl = append(append([]any{}, p...), b.lo), b.loIncl
				}
				if b.hasHi {
					r.upper, r.upperIncl = append(append([]any{}, p...), b.hi), b.hiIncl
				}
				out[j] = r
			}
			return out
		}
		if i == 0 {
			return nil
		}
		break
	}
	if len(prefixes) == 1 && len(prefixes[0]) == 0 {
		return nil
	}
	out := make([]keyRange, len(prefixes))
	for j, p := range prefixes {
		out[j] = keyRange{lower: p, upper: p, lowerIncl: true, upperIncl: true}
	}
	return out
}

// keyValue converts a literal to the Go value of a key of type t: int64
// for signed integers, dates (days) and timestamps (microseconds), uint64
// for unsigned integers, float64, string, bool. exact is false when the
// literal falls between two keys (2.5 against an integer column): the
// value is then its floor. A nil value means no conversion (the predicate
// then does not bound the key).
func keyValue(t arrow.DataType, lit *lazy.Literal) (any, bool) {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP:
		if lit.Type != nil && (lit.Type.ID() == arrow.DATE32 || lit.Type.ID() == arrow.TIMESTAMP) && lit.Type.ID() != t.ID() {
			return nil, false
		}
		switch v := lit.Value.(type) {
		case int64:
			return v, true
		case uint64:
			if v <= math.MaxInt64 {
				return int64(v), true
			}
		case float64:
			if math.IsNaN(v) || math.Abs(v) >= 1<<62 {
				return nil, false
			}
			f := math.Floor(v)
			return int64(f), f == v
		}
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		switch v := lit.Value.(type) {
		case uint64:
			return v, true
		case int64:
			if v >= 0 {
				return uint64(v), true
			}
		}
	case arrow.FLOAT32, arrow.FLOAT64:
		switch v := lit.Value.(type) {
		case float64:
			if !math.IsNaN(v) && (t.ID() == arrow.FLOAT64 || float64(float32(v)) == v) {
				return v, true
			}
		case int64:
			if math.Abs(float64(v)) < 1<<53 {
				return float64(v), true
			}
		}
	case arrow.STRING:
		if v, ok := lit.Value.(string); ok {
			return v, true
		}
	case arrow.BOOL:
		if v, ok := lit.Value.(bool); ok {
			return v, true
		}
	}
	return nil, false
}

// ceilKey is the next key after the floor of an inexact integer bound.
func ceilKey(v any) any {
	if i, ok := v.(int64); ok && i < math.MaxInt64 {
		return i + 1
	}
	return v
}

func sortKeys(vs []any) {
	sort.SliceStable(vs, func(i, j int) bool {
		switch a := vs[i].(type) {
		case int64:
			b, _ := vs[j].(int64)
			return a < b
		case uint64:
			b, _ := vs[j].(uint64)
			return a < b
		case float64:
			b, _ := vs[j].(float64)
			return a < b
		case string:
			b, _ := vs[j].(string)
			return a < b
		}
		return false
	})
}
