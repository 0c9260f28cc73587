package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Union stacks its inputs vertically (Polars' concat(how="vertical")):
// rows of the first input, then of the second, and so on. Inputs must have
// the same column names in the same order; with Relaxed, columns of
// different types are cast to their supertype.
type Union struct {
	Inputs []Plan
	schema *arrow.Schema
}

// NewUnion checks the inputs' schemas and, when relaxed, casts them to a
// common one.
func NewUnion(inputs []Plan, relaxed bool) (*Union, error) {
	if len(inputs) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "concat needs at least one frame")
	}
	first := inputs[0].Schema()
	fields := append([]arrow.Field(nil), first.Fields()...)
	for k, in := range inputs[1:] {
		s := in.Schema()
		if s.NumFields() != first.NumFields() {
			return nil, core.Errorf(core.KindSchema,
				"concat: frame %d has %d columns, the first has %d", k+1, s.NumFields(), first.NumFields())
		}
		for i, f := range s.Fields() {
			if f.Name != fields[i].Name {
				return nil, core.Errorf(core.KindSchema,
					"concat: column %d is '%s' in frame %d but '%s' in the first frame", i, f.Name, k+1, fields[i].Name)
			}
			if arrow.TypeEqual(f.Type, fields[i].Type) || (core.IsString(f.Type) && core.IsString(fields[i].Type)) {
				continue
			}
			st, ok := core.Supertype(fields[i].Type, f.Type)
			if !relaxed || !ok {
				return nil, core.Errorf(core.KindSchema,
					"concat: column '%s' is %s in frame %d but %s in the first frame; use how=vertical_relaxed to cast to a common type",
					f.Name, dtypeName(f.Type), k+1, dtypeName(fields[i].Type))
			}
			fields[i].Type = st
		}
	}
	target := arrow.NewSchema(fields, nil)
	out := make([]Plan, len(inputs))
	for i, in := range inputs {
		out[i] = castInputTo(in, target)
	}
	return &Union{Inputs: out, schema: target}, nil
}

// castInputTo projects in onto the target schema's types (nothing to do when
// they already match).
func castInputTo(in Plan, target *arrow.Schema) Plan {
	s := in.Schema()
	same := true
	exprs := make([]Expr, s.NumFields())
	for i, f := range s.Fields() {
		var e Expr = &Column{Name: f.Name, Type: f.Type}
		if t := target.Field(i).Type; !arrow.TypeEqual(f.Type, t) && !(core.IsString(f.Type) && core.IsString(t)) {
			e = &Alias{X: castTo(e, t), Name: f.Name}
			same = false
		}
		exprs[i] = e
	}
	if same {
		return in
	}
	p, err := newProjectResolved(in, exprs)
	if err != nil {
		panic(err)
	}
	return p
}

func (u *Union) Schema() *arrow.Schema { return u.schema }
func (u *Union) Children() []Plan      { return u.Inputs }
func (u *Union) WithChildren(ch []Plan) Plan {
	c := *u
	c.Inputs = ch
	return &c
}

// RowIndex prepends a UInt32 column numbering the rows from Offset
// (Polars' with_row_index).
type RowIndex struct {
	Input  Plan
	Name   string
	Offset int64
	schema *arrow.Schema
}

// NewRowIndex checks that the name is free.
func NewRowIndex(input Plan, name string, offset int64) (*RowIndex, error) {
	if len(input.Schema().FieldIndices(name)) > 0 {
		return nil, core.Errorf(core.KindSchema, "with_row_index: a column named '%s' exists already; pass another name", name)
	}
	if offset < 0 {
		return nil, core.Errorf(core.KindInvalidInput, "with_row_index: offset must not be negative, got %d", offset)
	}
	fields := append([]arrow.Field{{Name: name, Type: arrow.PrimitiveTypes.Uint32}}, input.Schema().Fields()...)
	return &RowIndex{Input: input, Name: name, Offset: offset, schema: arrow.NewSchema(fields, nil)}, nil
}

func (r *RowIndex) Schema() *arrow.Schema { return r.schema }
func (r *RowIndex) Children() []Plan      { return []Plan{r.Input} }
func (r *RowIndex) WithChildren(ch []Plan) Plan {
	c := *r
	c.Input = ch[0]
	fields := append([]arrow.Field{{Name: r.Name, Type: arrow.PrimitiveTypes.Uint32}}, ch[0].Schema().Fields()...)
	c.schema = arrow.NewSchema(fields, nil)
	return &c
}

// Tail keeps the last N rows of its input. With Length >= 0 it keeps the
// positions [0, Length) of a window of N rows that ends at the last row,
// positions before the first row being empty: Polars' slice with a
// negative offset (slice(-3, 2) of 5 rows is rows 2 and 3; slice(-10, 7)
// is rows 0 and 1).
type Tail struct {
	Input  Plan
	N      int64
	Length int64
}

func (t *Tail) Schema() *arrow.Schema { return t.Input.Schema() }
func (t *Tail) Children() []Plan      { return []Plan{t.Input} }
func (t *Tail) WithChildren(ch []Plan) Plan {
	c := *t
	c.Input = ch[0]
	return &c
}
