package lazy

import (
	"fmt"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// JoinType is how a join keeps rows.
type JoinType string

// The join types, with Polars' meaning.
const (
	JoinInner JoinType = "inner"
	JoinLeft  JoinType = "left"
	JoinRight JoinType = "right"
	JoinFull  JoinType = "full"
	JoinSemi  JoinType = "semi"
	JoinAnti  JoinType = "anti"
	JoinCross JoinType = "cross"
)

// JoinSide says which input an output column of a join comes from.
type JoinSide int

// The sides of a join.
const (
	LeftSide JoinSide = iota
	RightSide
)

// JoinColumn is one output column of a join: a column of one input, under
// its output name.
type JoinColumn struct {
	Side   JoinSide
	Source string
	Name   string
}

// Join combines two inputs on equal keys (null keys never match). Output
// columns follow Polars: for inner and left joins the left columns, then the
// right ones without the right keys; for right joins the left columns
// without the left keys, then the right ones; for full joins every column
// of both; for semi and anti joins only the left columns. A right column
// whose name is taken gets Suffix. Rows come in the order of the left input
// (right input for right joins), matches of one row in the other input's
// order; a full join appends the unmatched right rows.
type Join struct {
	Left, Right     Plan
	Type            JoinType
	LeftOn, RightOn []Expr
	Suffix          string
	Columns         []JoinColumn
	// RuntimeFilterID, when not 0, names the RuntimeFilter on the probe
	// side that this join fills when its build side is read.
	RuntimeFilterID int
	schema          *arrow.Schema
}

// ProbesLeft reports whether the executor streams the left input through a
// hash table of the right one; false when it hashes the left input (a
// right join, or an inner, left, semi or anti join whose right input is
// estimated much larger). The runtime filter rule and the executor both
// decide by it, so the filter lands on the side that is probed.
func (j *Join) ProbesLeft() bool {
	// Runtime filters are left out: the choice is the same before and
	// after the rule that places them.
	left, right := withoutRuntimeFilters(j.Left), withoutRuntimeFilters(j.Right)
	switch j.Type {
	case JoinRight:
		return false
	case JoinInner:
		return !(sideRows(right) > 2*sideRows(left))
	case JoinLeft, JoinSemi, JoinAnti:
		return !(sideRows(right) > 4*sideRows(left))
	}
	return true
}

// sideRows estimates the rows of a join input for choosing the side to
// hash: EstimateRows, except that a group-by on several keys gives as many
// groups as the product of their distinct values, when source statistics
// bound them (up to its input rows), and a semi
// join keeps of its left input the share of its right input's source that
// survives the right input's filters (the keys of a filtered dimension).
func sideRows(p Plan) float64 {
	switch n := p.(type) {
	case *Filter:
		return max(sideRows(n.Input)/2, 1)
	case *Project:
		return sideRows(n.Input)
	case *Aggregate:
		in := sideRows(n.Input)
		if len(n.Keys) == 0 {
			return 1
		}
		if len(n.Keys) == 1 {
			// The min/max range of one key overstates its distinct
			// values (sparse keys); EstimateRows' tenth stands.
			return max(in/10, 1)
		}
		groups := 1.0
		for _, k := range n.Keys {
			c, ok := k.(*Column)
			if !ok {
				return max(in/10, 1)
			}
			ndv, ok := columnNDV(n.Input, c.Name)
			if !ok {
				return max(in/10, 1)
			}
			groups *= ndv
		}
		return max(min(groups, in), 1)
	case *Join:
		if n.Type == JoinSemi {
			return max(sideRows(n.Left)*min(sideRows(n.Right)/sourceRows(n.Right), 1), 1)
		}
	}
	return float64(EstimateRows(p))
}

// sourceRows is the rows of p's source before filters (for a plan other
// than filters and projections over a scan, its estimate).
func sourceRows(p Plan) float64 {
	switch n := p.(type) {
	case *Scan:
		return float64(max(n.Source.NumRows(), 1))
	case *Filter:
		return sourceRows(n.Input)
	case *Project:
		return sourceRows(n.Input)
	}
	return max(sideRows(p), 1)
}

// NewJoin resolves the key expressions against each side, casts key pairs
// of different types to their supertype, and works out the output columns.
func NewJoin(left, right Plan, how JoinType, leftOn, rightOn []Expr, suffix string) (*Join, error) {
	switch how {
	case JoinInner, JoinLeft, JoinRight, JoinFull, JoinSemi, JoinAnti, JoinCross:
	default:
		return nil, core.Errorf(core.KindInvalidInput,
			"unknown join type %q; use inner, left, right, full, semi, anti or cross", how)
	}
	if how == JoinCross {
		if len(leftOn) > 0 || len(rightOn) > 0 {
			return nil, core.Errorf(core.KindInvalidInput, "a cross join takes no join keys")
		}
	} else {
		if len(leftOn) == 0 {
			return nil, core.Errorf(core.KindInvalidInput, "a %s join needs join keys: on=, or left_on= and right_on=", how)
		}
		if len(leftOn) != len(rightOn) {
			return nil, core.Errorf(core.KindInvalidInput,
				"left_on has %d keys and right_on has %d; they must pair up", len(leftOn), len(rightOn))
		}
	}

	lk := make([]Expr, len(leftOn))
	rk := make([]Expr, len(rightOn))
	for i := range leftOn {
		l, err := Resolve(leftOn[i], left.Schema())
		if err != nil {
			return nil, err
		}
		r, err := Resolve(rightOn[i], right.Schema())
		if err != nil {
			return nil, err
		}
		for _, k := range []Expr{l, r} {
			if err := CheckKeyType("joining", k); err != nil {
				return nil, err
			}
		}
		if containsWindow(l) || containsWindow(r) || ContainsAgg(l) || ContainsAgg(r) {
			return nil, core.Errorf(core.KindNotSupported,
				"join keys with window functions or aggregates (%s, %s) are not supported; compute them in with_columns first", l, r)
		}
		lt, rt := l.DataType(), r.DataType()
		if !arrow.TypeEqual(lt, rt) && !(core.IsString(lt) && core.IsString(rt)) {
			st, ok := core.Supertype(lt, rt)
			// As Polars: integers join integers, floats join floats, nothing
			// else is converted to meet.
			// Categoricals join Categoricals and Strings by value.
			sameKind := (core.IsInteger(lt) && core.IsInteger(rt)) || (core.IsFloat(lt) && core.IsFloat(rt)) ||
				(isText(lt) && isText(rt))
			if !ok || !sameKind {
				return nil, core.Errorf(core.KindSchema,
					"join keys %s (%s) and %s (%s) have types that cannot be compared",
					l, dtypeName(lt), r, dtypeName(rt))
			}
			l, r = castTo(l, st), castTo(r, st)
		}
		lk[i], rk[i] = l, r
	}
	j := &Join{Left: left, Right: right, Type: how, LeftOn: lk, RightOn: rk, Suffix: suffix}
	if err := j.layout(); err != nil {
		return nil, err
	}
	return j, nil
}

// plainKeyNames lists the keys of one side that are bare columns (possibly
// cast to meet the other side) paired with a bare column on the other side:
// Polars drops such right keys from inner and left join output.
func plainKeyNames(keys, other []Expr) map[string]bool {
	out := map[string]bool{}
	for i, k := range keys {
		c, ok := StripCast(k).(*Column)
		if _, otherPlain := StripCast(other[i]).(*Column); ok && otherPlain {
			out[c.Name] = true
		}
	}
	return out
}

func (j *Join) layout() error {
	ls, rs := j.Left.Schema(), j.Right.Schema()
	n := ls.NumFields()
	if j.Type != JoinSemi && j.Type != JoinAnti {
		n += rs.NumFields()
	}
	cols := make([]JoinColumn, 0, n)
	fields := make([]arrow.Field, 0, n)
	taken := make(map[string]bool, n)
	add := func(side JoinSide, f arrow.Field) error {
		name := f.Name
		if taken[name] {
			if side == LeftSide {
				return core.Errorf(core.KindSchema, "join output has column '%s' twice", name)
			}
			name += j.Suffix
			if taken[name] {
				return core.Errorf(core.KindSchema,
					"join output would have column '%s' twice; choose another suffix or rename a column first", name)
			}
		}
		taken[name] = true
		cols = append(cols, JoinColumn{Side: side, Source: f.Name, Name: name})
		fields = append(fields, arrow.Field{Name: name, Type: f.Type, Nullable: true})
		return nil
	}
	leftKeys, rightKeys := plainKeyNames(j.LeftOn, j.RightOn), plainKeyNames(j.RightOn, j.LeftOn)
	for i := 0; i < ls.NumFields(); i++ {
		f := ls.Field(i)
		if j.Type == JoinRight && leftKeys[f.Name] {
			continue
		}
		if err := add(LeftSide, f); err != nil {
			return err
		}
	}
	if j.Type != JoinSemi && j.Type != JoinAnti {
		for i := 0; i < rs.NumFields(); i++ {
			f := rs.Field(i)
			if (j.Type == JoinInner || j.Type == JoinLeft) && rightKeys[f.Name] {
				continue
			}
			if err := add(RightSide, f); err != nil {
				return err
			}
		}
	}
	j.Columns = cols
	j.schema = arrow.NewSchema(fields, nil)
	return nil
}

// WithInputs returns a copy of j over new inputs. Output names stay as they
// were (a column keeps its suffix even if the column it clashed with was
// pruned away); columns whose source is gone from an input are dropped.
func (j *Join) WithInputs(left, right Plan) *Join {
	c := *j
	c.Left, c.Right = left, right
	if sameFields(j.Left.Schema(), left.Schema()) && sameFields(j.Right.Schema(), right.Schema()) {
		return &c // the output is what it was: keep the columns and schema
	}
	ls, rs := left.Schema(), right.Schema()
	c.Columns = make([]JoinColumn, 0, len(j.Columns))
	fields := make([]arrow.Field, 0, len(j.Columns))
	for _, col := range j.Columns {
		s := ls
		if col.Side == RightSide {
			s = rs
		}
		if !s.HasField(col.Source) {
			continue
		}
		c.Columns = append(c.Columns, col)
		fields = append(fields, arrow.Field{Name: col.Name, Type: s.Field(s.FieldIndices(col.Source)[0]).Type, Nullable: true})
	}
	c.schema = arrow.NewSchema(fields, nil)
	return &c
}

// sameFields reports whether two schemas have the same field names and
// types in the same order (nullability and metadata aside): what a node
// derives its own output from.
func sameFields(a, b *arrow.Schema) bool {
	if a == b {
		return true
	}
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := 0; i < a.NumFields(); i++ {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}

func (j *Join) Schema() *arrow.Schema { return j.schema }
func (j *Join) Children() []Plan      { return []Plan{j.Left, j.Right} }
func (j *Join) WithChildren(ch []Plan) Plan {
	return j.WithInputs(ch[0], ch[1])
}

func (j *Join) describe() string {
	if j.Type == JoinCross {
		return "CROSS JOIN"
	}
	pairs := make([]string, len(j.LeftOn))
	for i := range j.LeftOn {
		pairs[i] = j.LeftOn[i].String() + " = " + j.RightOn[i].String()
	}
	s := strings.ToUpper(string(j.Type)) + " JOIN ON " + strings.Join(pairs, ", ")
	if j.RuntimeFilterID != 0 {
		s += fmt.Sprintf(" RUNTIME FILTER #%d", j.RuntimeFilterID)
	}
	return s
}
