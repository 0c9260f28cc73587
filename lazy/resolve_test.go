package lazy_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// resolveSchema has a column of every type the resolver treats differently.
var resolveSchema = fields(
	"i8", arrow.PrimitiveTypes.Int8,
	"i16", arrow.PrimitiveTypes.Int16,
	"i32", arrow.PrimitiveTypes.Int32,
	"i64", arrow.PrimitiveTypes.Int64,
	"u8", arrow.PrimitiveTypes.Uint8,
	"u16", arrow.PrimitiveTypes.Uint16,
	"u32", arrow.PrimitiveTypes.Uint32,
	"u64", arrow.PrimitiveTypes.Uint64,
	"f32", arrow.PrimitiveTypes.Float32,
	"f64", arrow.PrimitiveTypes.Float64,
	"s", arrow.BinaryTypes.String,
	"ls", arrow.BinaryTypes.LargeString,
	"b", arrow.FixedWidthTypes.Boolean,
	"n", arrow.Null,
	"d", arrow.FixedWidthTypes.Date32,
	"price", arrow.PrimitiveTypes.Float64,
)

func mustResolve(t *testing.T, e lazy.Expr) lazy.Expr {
	t.Helper()
	r, err := lazy.Resolve(e, resolveSchema)
	if err != nil {
		t.Fatalf("Resolve(%s): %v", e, err)
	}
	return r
}

// checkTyped fails when any node of a resolved expression has no type.
func checkTyped(t *testing.T, e lazy.Expr) {
	t.Helper()
	lazy.Walk(e, func(x lazy.Expr) bool {
		if x.DataType() == nil {
			t.Errorf("node %s of %s has no type after Resolve", x, e)
		}
		return true
	})
}

func TestResolveTypes(t *testing.T) {
	cases := []struct {
		e        lazy.Expr
		wantType string
		wantExpr string // the resolved expression, implicit casts shown
	}{
		{col("i8"), "Int8", `col("i8")`},
		{alias(col("f32"), "x"), "Float32", `col("f32").alias("x")`},
		{un(lazy.OpIsNull, col("s")), "Boolean", `col("s").is_null()`},
		{un(lazy.OpIsNotNull, col("n")), "Boolean", `col("n").is_not_null()`},
		{un(lazy.OpNot, col("b")), "Boolean", `~col("b")`},
		{un(lazy.OpNot, col("n")), "Boolean", `~col("n")`},
		{un(lazy.OpNeg, col("f64")), "Float64", `-col("f64")`},
		{un(lazy.OpNeg, dyn(int64(5))), "Int64", `-5`}, // folded
		{un(lazy.OpNeg, dyn(2.5)), "Float64", `-2.5`},

		// Columns of different types meet at their supertype.
		{bin(lazy.OpAdd, col("i64"), col("f64")), "Float64", `(col("i64").cast(Float64) + col("f64"))`},
		{bin(lazy.OpAdd, col("i16"), col("f32")), "Float32", `(col("i16").cast(Float32) + col("f32"))`},
		{bin(lazy.OpAdd, col("i32"), col("f32")), "Float64", `(col("i32").cast(Float64) + col("f32").cast(Float64))`},
		{bin(lazy.OpMul, col("u8"), col("i8")), "Int16", `(col("u8").cast(Int16) * col("i8").cast(Int16))`},
		{bin(lazy.OpLt, col("u64"), col("i64")), "Boolean", `(col("u64") < col("i64"))`},
		{bin(lazy.OpAnd, col("i64"), col("i8")), "Int64", `(col("i64") & col("i8").cast(Int64))`},
		{un(lazy.OpNot, col("i64")), "Int64", `~col("i64")`},
		{bin(lazy.OpAdd, col("i8"), col("n")), "Int8", `(col("i8") + col("n").cast(Int8))`},
		{bin(lazy.OpAdd, col("n"), col("n")), "Int64", `(col("n").cast(Int64) + col("n").cast(Int64))`},

		// True division always gives a float; floor division and modulo keep integers.
		{bin(lazy.OpTrueDiv, col("i64"), col("i64")), "Float64", `(col("i64").cast(Float64) / col("i64").cast(Float64))`},
		{bin(lazy.OpTrueDiv, col("i16"), dyn(int64(2))), "Float64", `(col("i16").cast(Float64) / 2.0)`},
		{bin(lazy.OpTrueDiv, col("f32"), dyn(int64(2))), "Float32", `(col("f32") / 2.0)`},
		{bin(lazy.OpFloorDiv, col("i32"), dyn(int64(2))), "Int32", `(col("i32") // 2)`},
		{bin(lazy.OpMod, col("u16"), col("u8")), "UInt16", `(col("u16") % col("u8").cast(UInt16))`},

		// Strings concatenate with +, whatever their layout.
		{bin(lazy.OpAdd, col("s"), col("ls")), "String", `(col("s") + col("ls"))`},
		{bin(lazy.OpAdd, lit("x"), col("s")), "String", `("x" + col("s"))`},
		{bin(lazy.OpAdd, col("s"), col("n")), "String", `(col("s") + col("n").cast(String))`}, // null concatenates to null
		{bin(lazy.OpAdd, col("n"), lit("x")), "String", `(col("n").cast(String) + "x")`},

		// Comparisons give Boolean over the operands' supertype.
		{bin(lazy.OpLt, col("i64"), col("f32")), "Boolean", `(col("i64").cast(Float64) < col("f32").cast(Float64))`},
		{bin(lazy.OpEq, col("s"), lit("a")), "Boolean", `(col("s") == "a")`},
		{bin(lazy.OpEq, col("ls"), col("s")), "Boolean", `(col("ls") == col("s"))`},
		{bin(lazy.OpGtEq, col("d"), col("d")), "Boolean", `(col("d") >= col("d"))`},
		{bin(lazy.OpEq, col("b"), lit(true)), "Boolean", `(col("b") == true)`},
		// A comparison with null is null for every row; the null takes the other side's type.
		{bin(lazy.OpEq, col("i64"), lit(nil)), "Boolean", `(col("i64") == null)`},
		{bin(lazy.OpNotEq, lit(nil), col("s")), "Boolean", `(null != col("s"))`},

		// Boolean connectives; a null literal becomes a Boolean null.
		{bin(lazy.OpAnd, col("b"), lit(nil)), "Boolean", `(col("b") & null)`},
		{bin(lazy.OpOr, col("b"), col("n")), "Boolean", `(col("b") | col("n").cast(Boolean))`},
		{bin(lazy.OpXor, col("b"), lit(false)), "Boolean", `(col("b") ^ false)`},

		// Explicit casts: literal casts fold when the value fits.
		{cast(col("i64"), arrow.PrimitiveTypes.Int8, true), "Int8", `col("i64").cast(Int8)`},
		{cast(col("s"), arrow.PrimitiveTypes.Float64, false), "Float64", `col("s").cast(Float64)`},
		{cast(dyn(int64(3)), arrow.PrimitiveTypes.Int8, true), "Int8", `3`},
		{cast(dyn(int64(300)), arrow.PrimitiveTypes.Int8, true), "Int8", `300.cast(Int8)`},
		{cast(dyn(int64(-1)), arrow.PrimitiveTypes.Uint32, false), "UInt32", `-1.cast(UInt32)`},
		{cast(dyn(2.5), arrow.PrimitiveTypes.Int64, true), "Int64", `2.5.cast(Int64)`},
		{cast(lit(nil), arrow.BinaryTypes.String, true), "String", `null`},
		{cast(col("b"), arrow.PrimitiveTypes.Int32, true), "Int32", `col("b").cast(Int32)`},
		{cast(col("n"), arrow.FixedWidthTypes.Date32, true), "Date", `col("n").cast(Date)`},
	}
	for _, c := range cases {
		r := mustResolve(t, c.e)
		checkTyped(t, r)
		if got := core.DTypeName(r.DataType()); got != c.wantType {
			t.Errorf("Resolve(%s) has type %s, want %s", c.e, got, c.wantType)
		}
		if got := r.String(); got != c.wantExpr {
			t.Errorf("Resolve(%s) = %s, want %s", c.e, got, c.wantExpr)
		}
		// Resolving a resolved expression changes nothing.
		again := mustResolve(t, r)
		if again.String() != r.String() || !arrow.TypeEqual(again.DataType(), r.DataType()) {
			t.Errorf("Resolve is not idempotent on %s: got %s", r, again)
		}
	}
}

// A literal written without a type (a Python int or float) takes the type of
// the other operand when its value fits; an integer that does not fit takes
// the smallest integer type holding it (unsigned beside an unsigned column
// when it is not negative) and then the supertype. Expected types are
// Polars 2.1's: pl.DataFrame(...).select(pl.col(c) <op> v).schema.
func TestResolveDynamicLiterals(t *testing.T) {
	cases := []struct {
		e    lazy.Expr
		want string
	}{
		{bin(lazy.OpMul, col("i8"), dyn(int64(100))), "Int8"},
		{bin(lazy.OpMul, col("i8"), dyn(int64(200))), "Int16"},
		{bin(lazy.OpMul, dyn(int64(200)), col("i8")), "Int16"},
		{bin(lazy.OpMul, col("i8"), dyn(int64(128))), "Int16"},
		{bin(lazy.OpMul, col("i8"), dyn(int64(-128))), "Int8"},
		{bin(lazy.OpMul, col("i8"), dyn(int64(-129))), "Int16"},
		{bin(lazy.OpMul, col("i8"), dyn(int64(40000))), "Int32"},
		{bin(lazy.OpMul, col("i8"), dyn(int64(1)<<40)), "Int64"},
		{bin(lazy.OpFloorDiv, col("i8"), dyn(int64(200))), "Int16"},
		{bin(lazy.OpMul, col("i32"), dyn(int64(1)<<40)), "Int64"},
		{bin(lazy.OpAdd, col("i64"), dyn(int64(math.MaxInt64))), "Int64"},
		{bin(lazy.OpAdd, col("u8"), dyn(int64(255))), "UInt8"},
		{bin(lazy.OpAdd, col("u8"), dyn(int64(300))), "UInt16"},
		{bin(lazy.OpAdd, col("u8"), dyn(int64(-1))), "Int16"},
		{bin(lazy.OpMul, col("u8"), dyn(int64(70000))), "UInt32"},
		{bin(lazy.OpMul, col("u8"), dyn(int64(1)<<40)), "UInt64"},
		{bin(lazy.OpSub, col("u16"), dyn(int64(1))), "UInt16"},
		{bin(lazy.OpAdd, col("u16"), dyn(int64(-1))), "Int32"},
		{bin(lazy.OpAdd, col("u32"), dyn(int64(-1))), "Int64"},
		{bin(lazy.OpMul, col("u32"), dyn(int64(-2))), "Int64"},
		{bin(lazy.OpMul, col("u32"), dyn(int64(1)<<32)), "UInt64"},
		{bin(lazy.OpAdd, col("u64"), dyn(int64(-1))), "Int64"},
		{bin(lazy.OpAdd, col("u64"), dyn(int64(7))), "UInt64"},
		// Floats: a dynamic float keeps a float column's type and turns integers into Float64.
		{bin(lazy.OpMul, col("f32"), dyn(2.5)), "Float32"},
		{bin(lazy.OpMul, col("f32"), dyn(int64(1)<<40)), "Float32"},
		{bin(lazy.OpMul, col("i8"), dyn(2.5)), "Float64"},
		{bin(lazy.OpSub, col("i8"), dyn(1.0)), "Float64"},
		{bin(lazy.OpMul, col("f64"), dyn(int64(2))), "Float64"},
		// Both sides dynamic.
		{bin(lazy.OpAdd, dyn(int64(1)), dyn(int64(2))), "Int64"},
		{bin(lazy.OpAdd, dyn(int64(1)), dyn(0.5)), "Float64"},
		// A literal with an explicit type is not dynamic: Polars' i8 + lit(200, Int64) is Int64.
		{bin(lazy.OpAdd, col("i8"), typedLit(int64(200), arrow.PrimitiveTypes.Int64)), "Int64"},
		{bin(lazy.OpAdd, col("i8"), typedLit(int64(1), arrow.PrimitiveTypes.Int64)), "Int64"},
		{bin(lazy.OpAdd, col("i8"), lit(int64(1))), "Int64"},
	}
	for _, c := range cases {
		r := mustResolve(t, c.e)
		if got := core.DTypeName(r.DataType()); got != c.want {
			t.Errorf("Resolve(%s) has type %s, want %s (resolved: %s)", c.e, got, c.want, r)
		}
		// Both operands are cast to the result type, the literal at plan time.
		b := r.(*lazy.Binary)
		for _, side := range []lazy.Expr{b.Left, b.Right} {
			if !arrow.TypeEqual(side.DataType(), r.DataType()) {
				t.Errorf("Resolve(%s): operand %s has type %s, want %s", c.e, side, side.DataType(), c.want)
			}
			if _, isCast := side.(*lazy.Cast); isCast && lazy.ColumnsUsed(side) == nil {
				t.Errorf("Resolve(%s): literal cast %s was not folded", c.e, side)
			}
		}
	}
}

// The same rule decides which side a comparison casts: an Int8 column
// compared with 200 must not cast 200 to Int8 (a strict cast would fail).
func TestResolveDynamicLiteralInComparison(t *testing.T) {
	for _, c := range []struct {
		e    lazy.Expr
		want string
	}{
		{bin(lazy.OpGt, col("i8"), dyn(int64(200))), `(col("i8").cast(Int16) > 200)`},
		{bin(lazy.OpGt, col("i8"), dyn(int64(100))), `(col("i8") > 100)`},
		{bin(lazy.OpEq, col("u8"), dyn(int64(-1))), `(col("u8").cast(Int16) == -1)`},
		{bin(lazy.OpLt, col("f32"), dyn(int64(1))), `(col("f32") < 1.0)`},
		{bin(lazy.OpLt, col("i64"), dyn(0.5)), `(col("i64").cast(Float64) < 0.5)`},
	} {
		if got := mustResolve(t, c.e).String(); got != c.want {
			t.Errorf("Resolve(%s) = %s, want %s", c.e, got, c.want)
		}
	}
}

func TestResolveFoldsLiteralsToTheirTypes(t *testing.T) {
	r := mustResolve(t, bin(lazy.OpAdd, col("u8"), dyn(int64(3))))
	lit := r.(*lazy.Binary).Right.(*lazy.Literal)
	if v, ok := lit.Value.(uint64); !ok || v != 3 || lit.Type.ID() != arrow.UINT8 {
		t.Errorf("literal beside a UInt8 column = %#v of %s, want uint64(3) of UInt8", lit.Value, lit.Type)
	}
	r = mustResolve(t, bin(lazy.OpAdd, col("f32"), dyn(0.1)))
	lit = r.(*lazy.Binary).Right.(*lazy.Literal)
	if v, ok := lit.Value.(float64); !ok || v != float64(float32(0.1)) || lit.Type.ID() != arrow.FLOAT32 {
		t.Errorf("literal beside a Float32 column = %#v of %s, want float32(0.1) of Float32", lit.Value, lit.Type)
	}
	r = mustResolve(t, bin(lazy.OpAdd, col("f64"), dyn(int64(2))))
	lit = r.(*lazy.Binary).Right.(*lazy.Literal)
	if v, ok := lit.Value.(float64); !ok || v != 2 {
		t.Errorf("int literal beside a Float64 column = %#v, want float64(2)", lit.Value)
	}
}

func TestResolveColumnNotFound(t *testing.T) {
	for _, e := range []lazy.Expr{
		col("prise"),
		bin(lazy.OpGt, bin(lazy.OpAdd, col("i64"), col("prise")), dyn(int64(1))),
		alias(cast(col("prise"), arrow.PrimitiveTypes.Int64, true), "p"),
		un(lazy.OpIsNull, col("prise")),
	} {
		_, err := lazy.Resolve(e, resolveSchema)
		ce := wantKind(t, err, core.KindColumnNotFound)
		if ce.Details["column"] != "prise" {
			t.Errorf("Resolve(%s): details column = %v", e, ce.Details["column"])
		}
		if s, _ := ce.Details["suggestions"].([]string); !slices.Contains(s, "price") {
			t.Errorf("Resolve(%s): suggestions %v do not include 'price'", e, ce.Details["suggestions"])
		}
		if !strings.Contains(ce.Message, "did you mean 'price'") {
			t.Errorf("Resolve(%s): message %q has no did-you-mean", e, ce.Message)
		}
	}
}

func TestResolveTypeErrors(t *testing.T) {
	cases := []struct {
		e    lazy.Expr
		kind core.Kind
		msg  string // a part of the message
	}{
		{bin(lazy.OpAdd, col("s"), dyn(int64(1))), core.KindCompute,
			`cannot apply + to String and Int64 in expression (col("s") + 1)`},
		{bin(lazy.OpMul, col("s"), col("i64")), core.KindCompute, "String and Int64"},
		{bin(lazy.OpSub, col("s"), col("s")), core.KindCompute, "cannot apply - to String and String"},
		{bin(lazy.OpAdd, col("b"), col("i64")), core.KindCompute, "Boolean and Int64"},
		{bin(lazy.OpAdd, col("d"), col("d")), core.KindCompute, "Date and Date"},
		{bin(lazy.OpLt, col("s"), col("i64")), core.KindCompute, "cannot compare String and Int64"},
		{bin(lazy.OpEq, col("d"), col("i32")), core.KindCompute, "cannot compare Date and Int32"},
		{bin(lazy.OpAnd, col("f64"), col("b")), core.KindCompute, "cannot combine with & Float64 and Boolean"},
		{bin(lazy.OpOr, col("b"), col("s")), core.KindCompute, "String"},
		{bin(lazy.OpSub, col("u64"), col("i64")), core.KindNotSupported, "needs a 128-bit integer result"},
		{bin(lazy.OpAnd, col("i64"), col("b")), core.KindCompute, "cannot combine with &"},
		{un(lazy.OpNeg, col("u8")), core.KindCompute, "cannot negate a UInt8 value"},
		{un(lazy.OpNeg, col("s")), core.KindCompute, "cannot negate a String value"},
		{un(lazy.OpNeg, col("b")), core.KindCompute, "cannot negate a Boolean value"},
		{cast(col("b"), arrow.FixedWidthTypes.Date32, true), core.KindCompute, "cannot cast Boolean to Date"},
		{un("abs", col("i64")), core.KindNotSupported, `unary operator "abs"`},
		{bin("pow", col("i64"), col("i64")), core.KindNotSupported, `binary operator "pow"`},
	}
	for _, c := range cases {
		_, err := lazy.Resolve(c.e, resolveSchema)
		if err == nil {
			t.Errorf("Resolve(%s) succeeded, want %s", c.e, c.kind)
			continue
		}
		if k := core.KindOf(err); k != c.kind {
			t.Errorf("Resolve(%s): kind %s, want %s (%v)", c.e, k, c.kind, err)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Resolve(%s): message %q does not contain %q", c.e, err, c.msg)
		}
	}
	// Arithmetic type errors carry the expression as a detail for the Python exception.
	_, err := lazy.Resolve(bin(lazy.OpAdd, col("s"), dyn(int64(1))), resolveSchema)
	if ce := wantKind(t, err, core.KindCompute); ce.Details["expression"] != `(col("s") + 1)` {
		t.Errorf("details expression = %v", ce.Details["expression"])
	}
}

func TestOutputName(t *testing.T) {
	cases := []struct {
		e    lazy.Expr
		want string
	}{
		{col("a"), "a"},
		{alias(col("a"), "x"), "x"},
		{dyn(int64(1)), "literal"},
		{bin(lazy.OpAdd, dyn(int64(1)), col("b")), "literal"}, // Polars: the leftmost leaf
		{bin(lazy.OpAdd, col("a"), col("b")), "a"},
		{alias(bin(lazy.OpAdd, col("a"), col("b")), "sum"), "sum"},
		{cast(col("c"), arrow.PrimitiveTypes.Int8, true), "c"},
		{un(lazy.OpNeg, dyn(int64(1))), "literal"},
		{bin(lazy.OpAdd, alias(col("a"), "z"), col("b")), "z"},
	}
	for _, c := range cases {
		if got := lazy.OutputName(c.e); got != c.want {
			t.Errorf("OutputName(%s) = %q, want %q", c.e, got, c.want)
		}
	}
}

func TestColumnsUsedAndStripAlias(t *testing.T) {
	e := bin(lazy.OpAnd, bin(lazy.OpGt, col("b"), col("a")), bin(lazy.OpLt, col("a"), cast(col("c"), arrow.PrimitiveTypes.Int64, true)))
	if got := lazy.ColumnsUsed(e); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Errorf("ColumnsUsed = %v, want [b a c]", got)
	}
	if got := lazy.ColumnsUsed(dyn(int64(1))); len(got) != 0 {
		t.Errorf("ColumnsUsed(literal) = %v", got)
	}
	inner := col("a")
	if got := lazy.StripAlias(alias(alias(inner, "x"), "y")); got != inner {
		t.Errorf("StripAlias = %s", got)
	}
}

func TestLiteralString(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{nil, "null"}, {true, "true"}, {int64(-3), "-3"}, {uint64(7), "7"},
		{2.0, "2.0"}, {0.5, "0.5"}, {1e300, "1e+300"}, {math.NaN(), "NaN"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {"a\"b", `"a\"b"`},
	}
	for _, c := range cases {
		if got := lit(c.v).String(); got != c.want {
			t.Errorf("literal %#v prints %q, want %q", c.v, got, c.want)
		}
	}
}

// Transform rebuilds bottom-up and leaves the input untouched.
func TestTransformDoesNotMutate(t *testing.T) {
	e := bin(lazy.OpAdd, col("a"), col("b"))
	before := e.String()
	out := lazy.Transform(e, func(x lazy.Expr) lazy.Expr {
		if c, ok := x.(*lazy.Column); ok {
			return col(c.Name + "2")
		}
		return x
	})
	if e.String() != before {
		t.Errorf("Transform changed its input: %s", e)
	}
	if out.String() != `(col("a2") + col("b2"))` {
		t.Errorf("Transform = %s", out)
	}
}
