package fn

import (
	"strings"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The string functions of Polars' Expr.str namespace, named "str.<method>"
// (explain shows col("s").str.contains("a", literal=false, strict=true)).
// The first argument is the String input; the rules check the other
// arguments and cast them to the types the kernels read (String for
// patterns, Int64 for counts and lengths). The evaluators get the input as
// an array (a scalar input is broadcast) and the other arguments as they
// come, scalar or column.

// strArg describes one argument after the input.
type strArg struct {
	what     string // shown in errors: "pattern", "length"
	integer  bool   // an Int64 argument; otherwise String
	noColumn bool   // only a literal is supported
	notNull  bool   // a null literal is an error
}

var (
	strPatternArg = strArg{what: "pattern"}
	strLengthArg  = strArg{what: "length", integer: true}
	strNArg       = strArg{what: "n", integer: true}
	strCharsArg   = strArg{what: "characters"}
	// As Polars, a null replacement keeps the string in str.replace and is
	// an error in str.replace_all; the pattern must be a literal.
	strReplacePattern = strArg{what: "pattern", noColumn: true, notNull: true}
)

var (
	boolean = arrow.FixedWidthTypes.Boolean
	u32     = arrow.PrimitiveTypes.Uint32
	str     = arrow.BinaryTypes.String
	i64     = arrow.PrimitiveTypes.Int64
)

var stringFunctions = []*Scalar{
	// matching
	strFn("contains", boolean, NullsFromArgsIfStrict, nil, regexCheck(true), []strArg{strPatternArg},
		func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrContains(mem, a, args[0], isLiteral(c), c.Opts.Bool("strict", true))
		}),
	strFn("find", u32, NullsAny, nil, regexCheck(true), []strArg{strPatternArg},
		func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrFind(mem, a, args[0], isLiteral(c), c.Opts.Bool("strict", true))
		}),
	strFn("count_matches", u32, NullsFromArgs, nil, regexCheck(false), []strArg{strPatternArg},
		func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrCountMatches(mem, a, args[0], isLiteral(c))
		}),
	strFn("replace", str, NullsFromArgs, nil, regexCheck(false), []strArg{strReplacePattern, {what: "value"}},
		func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrReplace(mem, a, args[0], args[1], isLiteral(c), int(c.Opts.Float("n", 1)))
		}),
	strFn("replace_all", str, NullsFromArgs, nil, regexCheck(false),
		[]strArg{strReplacePattern, {what: "value", notNull: true}},
		func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrReplace(mem, a, args[0], args[1], isLiteral(c), -1)
		}),
	strFn("starts_with", boolean, NullsFromArgs, nil, nil, []strArg{{what: "prefix"}},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrStartsWith(mem, a, args[0], false), nil
		}),
	strFn("ends_with", boolean, NullsFromArgs, nil, nil, []strArg{{what: "suffix"}},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrStartsWith(mem, a, args[0], true), nil
		}),

	// case, length, order
	strFn("to_lowercase", str, NullsFromArgs, []string{"lower", "lcase"}, nil, nil,
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrToCase(mem, a, false)
		}),
	strFn("to_uppercase", str, NullsFromArgs, []string{"upper", "ucase"}, nil, nil,
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrToCase(mem, a, true)
		}),
	strFn("reverse", str, NullsFromArgs, []string{"reverse"}, nil, nil,
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrReverse(mem, a)
		}),
	strFn("len_chars", u32, NullsFromArgs, []string{"char_length", "character_length"}, nil, nil,
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrLenChars(mem, a), nil
		}),
	strFn("len_bytes", u32, NullsFromArgs, []string{"length", "octet_length"}, nil, nil,
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrLenBytes(mem, a), nil
		}),

	// slicing and padding
	strFn("slice", str, NullsFromArgs, nil, nil, []strArg{{what: "offset", integer: true}, strLengthArg},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrSlice(mem, a, args[0], args[1])
		}),
	strFn("head", str, NullsFromArgs, nil, nil, []strArg{strNArg},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrHead(mem, a, args[0], false)
		}),
	strFn("tail", str, NullsFromArgs, nil, nil, []strArg{strNArg},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrHead(mem, a, args[0], true)
		}),
	strFn("zfill", str, NullsFromArgs, nil, nil, []strArg{strLengthArg},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrZfill(mem, a, args[0])
		}),
	strPad("pad_start", true),
	strPad("pad_end", false),
	strStrip("strip_chars", true, true),
	strStrip("strip_chars_start", true, false),
	strStrip("strip_chars_end", false, true),

	// parsing
	{Name: "str.to_integer", Python: []string{"Expr.str.to_integer"}, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgsIfStrict, Type: typeStrToInteger,
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			base, _ := args[0].Scalar.(int64)
			return kernels.StrToInteger(mem, a, int(base), c.Type, c.Opts.Bool("strict", true))
		})},
	{Name: "str.to_date", Python: []string{"Expr.str.to_date"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgsIfStrict,
		Type: func(b *Binding) error { return typeStrToTemporal(b, false) },
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrToDate(mem, a, c.Opts.String("format", ""), c.Opts.Bool("strict", true))
		})},
	{Name: "str.to_datetime", Python: []string{"Expr.str.to_datetime"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgsIfStrict,
		Type: func(b *Binding) error { return typeStrToTemporal(b, true) },
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.StrToDatetime(mem, a, c.Opts.String("format", ""), c.Type.(*arrow.TimestampType),
				c.Opts.Bool("strict", true))
		})},
}

// inputEval evaluates a function on its input a (its first argument, an
// array of the batch's rows) and the remaining arguments.
type inputEval func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error)

// onInput is the evaluator of a function that works on its input as an
// array: a scalar input is broadcast over the rows first.
func onInput(f inputEval) Eval {
	return func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		a, err := args[0].Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		return f(mem, c, a, args[1:])
	}
}

// strFn is the entry of Expr.str.<method>, with the arguments after the
// input described by spec; check (optional) validates them further.
func strFn(method string, out arrow.DataType, nulls Nulls, sql []string, check func(b *Binding) error,
	spec []strArg, eval inputEval) *Scalar {
	return &Scalar{
		Name: "str." + method, Python: []string{"Expr.str." + method}, SQL: sql, Nulls: nulls,
		MinArgs: 1 + len(spec), MaxArgs: 1 + len(spec),
		Type: func(b *Binding) error {
			if err := checkStringInput(b); err != nil {
				return err
			}
			for i, s := range spec {
				if err := s.bind(b, i+1); err != nil {
					return err
				}
			}
			b.Out = out
			if check != nil {
				return check(b)
			}
			return nil
		},
		Eval: onInput(eval),
	}
}

func strPad(method string, start bool) *Scalar {
	name := "str." + method
	check := func(b *Binding) error {
		if fill := b.Opts.String("fill_char", " "); utf8.RuneCountInString(fill) != 1 {
			return core.Errorf(core.KindInvalidInput, "%s fill_char must be a single character, got %q", name, fill)
		}
		return nil
	}
	return strFn(method, str, NullsFromArgs, nil, check, []strArg{strLengthArg},
		func(mem memory.Allocator, c *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			fill, _ := utf8.DecodeRuneInString(c.Opts.String("fill_char", " "))
			return kernels.StrPad(mem, a, args[0], fill, start)
		})
}

func strStrip(method string, start, end bool) *Scalar {
	return strFn(method, str, NullsFromArgs, nil, nil, []strArg{strCharsArg},
		func(mem memory.Allocator, _ *Invocation, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrStrip(mem, a, args[0], start, end)
		})
}

func isLiteral(c *Invocation) bool { return c.Opts.Bool("literal", false) }

func checkStringInput(b *Binding) error {
	if t := b.Args[0].DataType(); !core.IsString(t) {
		return core.Errorf(core.KindCompute, "%s needs a String input, got %s", b.Name, core.DTypeName(t))
	}
	return nil
}

// bind checks argument i against s and asks for the type the kernels read.
func (s strArg) bind(b *Binding, i int) error {
	e := b.Args[i]
	v, isLit := e.Constant()
	if s.noColumn && !isLit {
		return core.Errorf(core.KindNotSupported,
			"%s with a %s that is an expression (%s) is not supported; give a literal string", b.Name, s.what, e)
	}
	if s.notNull && isLit && v == nil {
		return core.Errorf(core.KindCompute, "%s %s must not be null", b.Name, s.what)
	}
	t := e.DataType()
	switch {
	case t.ID() == arrow.NULL && s.integer:
		b.Cast(i, i64)
	case t.ID() == arrow.NULL:
		b.Cast(i, str)
	case s.integer && core.IsInteger(t):
		b.Cast(i, i64)
	case s.integer:
		return core.Errorf(core.KindCompute, "%s %s must be an integer, got %s", b.Name, s.what, core.DTypeName(t))
	case !core.IsString(t):
		return core.Errorf(core.KindCompute, "%s %s must be a String, got %s", b.Name, s.what, core.DTypeName(t))
	}
	return nil
}

// regexCheck compiles a literal regular expression pattern (argument 1) at
// plan time, with the compiler the kernels run; a non-strict function
// (hasStrict, strict=false) turns an invalid one into nulls instead.
func regexCheck(hasStrict bool) func(b *Binding) error {
	return func(b *Binding) error {
		v, ok := b.Args[1].Constant()
		src, isStr := v.(string)
		if !ok || !isStr || b.Opts.Bool("literal", false) || (hasStrict && !b.Opts.Bool("strict", true)) {
			return nil
		}
		_, err := kernels.CompilePattern(src, false)
		return err
	}
}

func typeStrToInteger(b *Binding) error {
	if err := checkStringInput(b); err != nil {
		return err
	}
	v, ok := b.Args[1].Constant()
	if !ok {
		return core.Errorf(core.KindNotSupported,
			"%s with a base that is an expression (%s) is not supported; give an integer", b.Name, b.Args[1])
	}
	if base, isInt := v.(int64); !isInt || base < 2 || base > 36 {
		return core.Errorf(core.KindCompute, "%s base must be an integer from 2 to 36, got %s", b.Name, b.Args[1])
	}
	to, err := core.ParseDType(b.Opts.String("dtype", "Int64"))
	if err != nil || !core.IsInteger(to) {
		return core.Errorf(core.KindInvalidInput,
			"%s dtype must be an integer type (Int8 to Int64, UInt8 to UInt64), got %s", b.Name, b.Opts.String("dtype", ""))
	}
	b.Cast(1, i64)
	b.Out = to
	return nil
}

// typeStrToTemporal types str.to_date (Date) and str.to_datetime (Datetime
// in the time unit asked for, else ns for formats with 9 fraction digits,
// ms for 3, us otherwise, as Polars; UTC when the format reads an offset or
// time_zone="UTC").
func typeStrToTemporal(b *Binding, datetime bool) error {
	if err := checkStringInput(b); err != nil {
		return err
	}
	if !b.Opts.Bool("exact", true) {
		return core.Errorf(core.KindNotSupported, "%s with exact=False is not supported", b.Name)
	}
	format := b.Opts.String("format", "")
	hasOffset := false
	if format != "" {
		var err error
		if hasOffset, err = kernels.CheckTimeFormat(format, datetime); err != nil {
			return err
		}
	}
	if !datetime {
		b.Out = arrow.FixedWidthTypes.Date32
		return nil
	}
	unit := arrow.Microsecond
	switch tu := b.Opts.String("time_unit", ""); tu {
	case "":
		switch {
		case strings.Contains(format, "%.9f") || strings.Contains(format, "%9f"):
			unit = arrow.Nanosecond
		case strings.Contains(format, "%.3f") || strings.Contains(format, "%3f"):
			unit = arrow.Millisecond
		}
	case "ms":
		unit = arrow.Millisecond
	case "us":
	case "ns":
		unit = arrow.Nanosecond
	default:
		return core.Errorf(core.KindInvalidInput, "%s time_unit must be \"ms\", \"us\" or \"ns\", got %q", b.Name, tu)
	}
	tz := ""
	switch z := b.Opts.String("time_zone", ""); z {
	case "":
		if hasOffset {
			tz = "UTC"
		}
	case "UTC":
		tz = "UTC"
	default:
		return core.Errorf(core.KindNotSupported,
			"%s with time_zone=%q is not supported (only UTC): alopex has no time zone database", b.Name, z)
	}
	b.Out = &arrow.TimestampType{Unit: unit, TimeZone: tz}
	return nil
}
