// Package lazy holds the one logical plan that both the DataFrame API and SQL
// compile to: immutable plan nodes and expressions, their resolution against
// input schemas (names, types, coercion), the optimizer rules and the plan's
// text form shown by explain().
package lazy

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Expr is a scalar expression evaluated row by row over a plan's input.
// Expressions are immutable: WithChildren returns a copy. An expression built
// by the front ends is untyped; Resolve returns the typed form, in which
// every node knows its DataType and implicit casts are explicit.
type Expr interface {
	// DataType is the type of the expression's values; nil until resolved.
	DataType() arrow.DataType
	Children() []Expr
	WithChildren(children []Expr) Expr
	String() string
}

// Column refers to an input column by name.
type Column struct {
	Name string
	Type arrow.DataType
}

// Literal is a constant. Value holds nil, bool, int64 (signed integers),
// uint64 (unsigned), float64, or string. Dynamic marks a literal written
// without a type (a Python int or float), which takes the type of the other
// operand when it fits, as in Polars.
type Literal struct {
	Value   any
	Type    arrow.DataType
	Dynamic bool
}

// BinaryOp names an operator of Binary.
type BinaryOp string

// The binary operators.
const (
	OpAdd      BinaryOp = "add"
	OpSub      BinaryOp = "sub"
	OpMul      BinaryOp = "mul"
	OpTrueDiv  BinaryOp = "truediv"
	OpFloorDiv BinaryOp = "floordiv"
	OpMod      BinaryOp = "mod"
	// OpRem is the truncated remainder, which has the sign of the dividend
	// (C's fmod, SQL's MOD); OpMod's has the divisor's (Python, Polars).
	OpRem   BinaryOp = "rem"
	OpEq    BinaryOp = "eq"
	OpNotEq BinaryOp = "neq"
	OpLt    BinaryOp = "lt"
	OpLtEq  BinaryOp = "le"
	OpGt    BinaryOp = "gt"
	OpGtEq  BinaryOp = "ge"
	OpAnd   BinaryOp = "and"
	OpOr    BinaryOp = "or"
	OpXor   BinaryOp = "xor"
)

var binarySymbols = map[BinaryOp]string{
	OpAdd: "+", OpSub: "-", OpMul: "*", OpTrueDiv: "/", OpFloorDiv: "//", OpMod: "%", OpRem: "rem",
	OpEq: "==", OpNotEq: "!=", OpLt: "<", OpLtEq: "<=", OpGt: ">", OpGtEq: ">=",
	OpAnd: "&", OpOr: "|", OpXor: "^",
}

// IsComparison reports whether op compares its operands.
func (op BinaryOp) IsComparison() bool {
	switch op {
	case OpEq, OpNotEq, OpLt, OpLtEq, OpGt, OpGtEq:
		return true
	}
	return false
}

// IsArithmetic reports whether op is an arithmetic operator.
func (op BinaryOp) IsArithmetic() bool {
	switch op {
	case OpAdd, OpSub, OpMul, OpTrueDiv, OpFloorDiv, OpMod, OpRem:
		return true
	}
	return false
}

// IsLogical reports whether op is a boolean connective.
func (op BinaryOp) IsLogical() bool { return op == OpAnd || op == OpOr || op == OpXor }

// Binary applies an operator to two operands of the same type (after
// resolution; Type is the result type).
type Binary struct {
	Op          BinaryOp
	Left, Right Expr
	Type        arrow.DataType
}

// UnaryOp names an operator of Unary.
type UnaryOp string

// The unary operators.
const (
	OpNot       UnaryOp = "not"
	OpNeg       UnaryOp = "neg"
	OpIsNull    UnaryOp = "is_null"
	OpIsNotNull UnaryOp = "is_not_null"
)

// Unary applies an operator to one operand.
type Unary struct {
	Op   UnaryOp
	X    Expr
	Type arrow.DataType
}

// Alias renames the output of an expression.
type Alias struct {
	X    Expr
	Name string
}

// Cast converts an expression to another type. A strict cast fails on values
// that do not fit; a non-strict one turns them into nulls.
type Cast struct {
	X      Expr
	To     arrow.DataType
	Strict bool
}

func (e *Column) DataType() arrow.DataType  { return e.Type }
func (e *Literal) DataType() arrow.DataType { return e.Type }
func (e *Binary) DataType() arrow.DataType  { return e.Type }
func (e *Unary) DataType() arrow.DataType   { return e.Type }
func (e *Alias) DataType() arrow.DataType   { return e.X.DataType() }
func (e *Cast) DataType() arrow.DataType    { return e.To }

func (e *Column) Children() []Expr  { return nil }
func (e *Literal) Children() []Expr { return nil }
func (e *Binary) Children() []Expr  { return []Expr{e.Left, e.Right} }
func (e *Unary) Children() []Expr   { return []Expr{e.X} }
func (e *Alias) Children() []Expr   { return []Expr{e.X} }
func (e *Cast) Children() []Expr    { return []Expr{e.X} }

func (e *Column) WithChildren([]Expr) Expr  { c := *e; return &c }
func (e *Literal) WithChildren([]Expr) Expr { c := *e; return &c }
func (e *Binary) WithChildren(ch []Expr) Expr {
	c := *e
	c.Left, c.Right = ch[0], ch[1]
	return &c
}
func (e *Unary) WithChildren(ch []Expr) Expr { c := *e; c.X = ch[0]; return &c }
func (e *Alias) WithChildren(ch []Expr) Expr { c := *e; c.X = ch[0]; return &c }
func (e *Cast) WithChildren(ch []Expr) Expr  { c := *e; c.X = ch[0]; return &c }

// exprWriter appends an expression's text form to a builder. Every
// expression implements it so that String of a deep tree is one pass:
// concatenating the children's String at each level would copy the text
// once per level, quadratic in the depth (a 4,000-term sum took minutes).
type exprWriter interface {
	writeTo(b *strings.Builder)
}

// writeExpr appends e's text form to b.
func writeExpr(b *strings.Builder, e Expr) {
	if w, ok := e.(exprWriter); ok {
		w.writeTo(b)
		return
	}
	b.WriteString(e.String())
}

// exprString is the String of every expression: its text form, built once.
func exprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func (e *Column) String() string  { return exprString(e) }
func (e *Literal) String() string { return exprString(e) }
func (e *Binary) String() string  { return exprString(e) }
func (e *Unary) String() string   { return exprString(e) }
func (e *Alias) String() string   { return exprString(e) }
func (e *Cast) String() string    { return exprString(e) }

func (e *Column) writeTo(b *strings.Builder) {
	b.WriteString("col(")
	b.WriteString(strconv.Quote(e.Name))
	b.WriteString(")")
}

func (e *Literal) writeTo(b *strings.Builder) { b.WriteString(e.text()) }

// text is the literal as explain shows it.
func (e *Literal) text() string {
	if v, ok := e.Value.(int64); ok && e.Type != nil && IsTemporal(e.Type) {
		return dtypeName(e.Type) + "(" + describeTemporal(v, e.Type) + ")"
	}
	switch v := e.Value.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case []float32:
		return vectorLiteralString(v)
	case decimal128.Num:
		if dt, ok := e.Type.(*arrow.Decimal128Type); ok {
			return v.ToString(dt.Scale)
		}
		return v.BigInt().String()
	case float64:
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "inf"
		case math.IsInf(v, -1):
			return "-inf"
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return s
	default:
		return fmt.Sprint(v)
	}
}

func (e *Binary) writeTo(b *strings.Builder) {
	b.WriteString("(")
	writeExpr(b, e.Left)
	b.WriteString(" " + binarySymbols[e.Op] + " ")
	writeExpr(b, e.Right)
	b.WriteString(")")
}

func (e *Unary) writeTo(b *strings.Builder) {
	switch e.Op {
	case OpNot:
		b.WriteString("~")
		writeExpr(b, e.X)
	case OpNeg:
		b.WriteString("-")
		writeExpr(b, e.X)
	default:
		writeExpr(b, e.X)
		b.WriteString("." + string(e.Op) + "()")
	}
}

func (e *Alias) writeTo(b *strings.Builder) {
	writeExpr(b, e.X)
	b.WriteString(".alias(" + strconv.Quote(e.Name) + ")")
}

func (e *Cast) writeTo(b *strings.Builder) {
	writeExpr(b, e.X)
	if e.To == nil {
		b.WriteString(".cast(?)")
		return
	}
	b.WriteString(".cast(" + dtypeName(e.To) + ")")
}

// OutputName is the name a column computed by e gets: the alias if any, else
// the name of its leftmost leaf: a column's name, or "literal" (Polars' rule:
// col("x") + 1 is "x", 1 - col("x") is "literal").
func OutputName(e Expr) string {
	switch e := e.(type) {
	case *Alias:
		return e.Name
	case *Column:
		return e.Name
	case *Literal:
		return "literal"
	case *Agg:
		if e.X == nil {
			return string(e.Func)
		}
	}
	if ch := e.Children(); len(ch) > 0 {
		return OutputName(ch[0])
	}
	return "literal"
}

// Walk calls fn on e and all its descendants, parents first, until fn returns false.
func Walk(e Expr, fn func(Expr) bool) {
	if !fn(e) {
		return
	}
	for _, c := range e.Children() {
		Walk(c, fn)
	}
}

// Transform rebuilds e bottom-up, replacing each node by fn's result.
func Transform(e Expr, fn func(Expr) Expr) Expr {
	ch := e.Children()
	if len(ch) > 0 {
		next := make([]Expr, len(ch))
		for i, c := range ch {
			next[i] = Transform(c, fn)
		}
		e = e.WithChildren(next)
	}
	return fn(e)
}

// ColumnsUsed returns the distinct input column names e reads, in first-use order.
func ColumnsUsed(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*Column); ok && !seen[c.Name] {
			seen[c.Name] = true
			out = append(out, c.Name)
		}
		return true
	})
	return out
}

// StripAlias returns the expression under any aliases.
func StripAlias(e Expr) Expr {
	for {
		a, ok := e.(*Alias)
		if !ok {
			return e
		}
		e = a.X
	}
}
