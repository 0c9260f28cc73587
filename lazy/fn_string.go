package lazy

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// The string functions of Polars' Expr.str namespace, named "str.<method>"
// (explain shows col("s").str.contains("a", literal=false, strict=true)).
// The first argument is the String input; the resolvers below check the
// other arguments and cast them to the types the kernels read (String for
// patterns, Int64 for counts and lengths). Each is evaluated by the
// function of the same name in lazy/exec/fn_string.go.

// CheckRegex and CheckTimeFormat check, at plan time, a regular
// expression and a strftime format that a string function will compile when
// it runs. The executor (lazy/exec) installs them with the kernels'
// compilers, so that planning and execution accept exactly the same text
// (lazy cannot import the kernels); when they are nil nothing is checked.
// CheckTimeFormat reports whether the format reads a UTC offset.
var (
	CheckRegex      func(pattern string) error
	CheckTimeFormat func(format string, datetime bool) (hasOffset bool, err error)
)

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
)

func init() {
	boolean, u32, str := arrow.FixedWidthTypes.Boolean, arrow.PrimitiveTypes.Uint32, arrow.BinaryTypes.String
	regexFn := func(name string, out arrow.DataType, hasStrict bool, args ...strArg) {
		RegisterFunction(strFunction(name, out, args, func(args []Expr, opts map[string]any) error {
			return checkStrPattern(args[1], opts, hasStrict)
		}))
	}
	regexFn("str.contains", boolean, true, strPatternArg)
	regexFn("str.find", u32, true, strPatternArg)
	regexFn("str.count_matches", u32, false, strPatternArg)
	// As Polars, a null replacement keeps the string in str.replace and is
	// an error in str.replace_all.
	pattern := strArg{what: "pattern", noColumn: true, notNull: true}
	regexFn("str.replace", str, false, pattern, strArg{what: "value"})
	regexFn("str.replace_all", str, false, pattern, strArg{what: "value", notNull: true})

	plain := func(name string, out arrow.DataType, args ...strArg) {
		RegisterFunction(strFunction(name, out, args, nil))
	}
	plain("str.starts_with", boolean, strArg{what: "prefix"})
	plain("str.ends_with", boolean, strArg{what: "suffix"})
	plain("str.to_lowercase", str)
	plain("str.to_uppercase", str)
	plain("str.reverse", str)
	plain("str.len_chars", u32)
	plain("str.len_bytes", u32)
	plain("str.slice", str, strArg{what: "offset", integer: true}, strLengthArg)
	plain("str.head", str, strArg{what: "n", integer: true})
	plain("str.tail", str, strArg{what: "n", integer: true})
	plain("str.zfill", str, strLengthArg)
	for _, name := range []string{"str.strip_chars", "str.strip_chars_start", "str.strip_chars_end"} {
		plain(name, str, strArg{what: "characters"})
	}
	for _, name := range []string{"str.pad_start", "str.pad_end"} {
		RegisterFunction(strFunction(name, str, []strArg{strLengthArg}, func(_ []Expr, opts map[string]any) error {
			if fill := OptString(opts, "fill_char", " "); len([]rune(fill)) != 1 {
				return core.Errorf(core.KindInvalidInput, "%s fill_char must be a single character, got %q", name, fill)
			}
			return nil
		}))
	}

	RegisterFunction(&Function{Name: "str.to_integer", Resolve: resolveStrToInteger})
	RegisterFunction(&Function{Name: "str.to_date", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		return resolveStrToTemporal("str.to_date", args, opts, false)
	}})
	RegisterFunction(&Function{Name: "str.to_datetime", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		return resolveStrToTemporal("str.to_datetime", args, opts, true)
	}})
}

// strFunction builds the resolver of a string function taking args after
// the input; check (optional) validates the resolved arguments.
func strFunction(name string, out arrow.DataType, spec []strArg,
	check func(args []Expr, opts map[string]any) error) *Function {
	return &Function{Name: name, Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount(name, args, 1+len(spec), 1+len(spec)); err != nil {
			return nil, nil, err
		}
		if err := checkStringInput(name, args[0]); err != nil {
			return nil, nil, err
		}
		resolved := append([]Expr{args[0]}, make([]Expr, len(spec))...)
		for i, s := range spec {
			a, err := s.resolve(name, args[i+1])
			if err != nil {
				return nil, nil, err
			}
			resolved[i+1] = a
		}
		if check != nil {
			if err := check(resolved, opts); err != nil {
				return nil, nil, err
			}
		}
		return out, resolved, nil
	}}
}

func checkStringInput(name string, x Expr) error {
	if t := x.DataType(); !core.IsString(t) {
		return core.Errorf(core.KindCompute, "%s needs a String input, got %s", name, dtypeName(t))
	}
	return nil
}

func (s strArg) resolve(name string, e Expr) (Expr, error) {
	lit, isLit := e.(*Literal)
	if s.noColumn && !isLit {
		return nil, core.Errorf(core.KindNotSupported,
			"%s with a %s that is an expression (%s) is not supported; give a literal string", name, s.what, e)
	}
	if s.notNull && isLit && lit.Value == nil {
		return nil, core.Errorf(core.KindCompute, "%s %s must not be null", name, s.what)
	}
	t := e.DataType()
	switch {
	case t.ID() == arrow.NULL && s.integer:
		return CastArg(e, arrow.PrimitiveTypes.Int64), nil
	case t.ID() == arrow.NULL:
		return CastArg(e, arrow.BinaryTypes.String), nil
	case s.integer && core.IsInteger(t):
		return CastArg(e, arrow.PrimitiveTypes.Int64), nil
	case s.integer:
		return nil, core.Errorf(core.KindCompute, "%s %s must be an integer, got %s", name, s.what, dtypeName(t))
	case !core.IsString(t):
		return nil, core.Errorf(core.KindCompute, "%s %s must be a String, got %s", name, s.what, dtypeName(t))
	}
	return e, nil
}

// checkStrPattern compiles a literal regular expression pattern at plan time
// (a non-strict function turns an invalid one into nulls instead).
func checkStrPattern(pattern Expr, opts map[string]any, hasStrict bool) error {
	lit, ok := pattern.(*Literal)
	if !ok || CheckRegex == nil || OptBool(opts, "literal", false) {
		return nil
	}
	src, ok := lit.Value.(string)
	if !ok || (hasStrict && !OptBool(opts, "strict", true)) {
		return nil
	}
	return CheckRegex(src)
}

func resolveStrToInteger(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
	const name = "str.to_integer"
	if err := ArgCount(name, args, 2, 2); err != nil {
		return nil, nil, err
	}
	if err := checkStringInput(name, args[0]); err != nil {
		return nil, nil, err
	}
	base, ok := args[1].(*Literal)
	if !ok {
		return nil, nil, core.Errorf(core.KindNotSupported,
			"%s with a base that is an expression (%s) is not supported; give an integer", name, args[1])
	}
	b, ok := base.Value.(int64)
	if !ok || b < 2 || b > 36 {
		return nil, nil, core.Errorf(core.KindCompute, "%s base must be an integer from 2 to 36, got %s", name, base)
	}
	to, err := core.ParseDType(OptString(opts, "dtype", "Int64"))
	if err != nil || !core.IsInteger(to) {
		return nil, nil, core.Errorf(core.KindInvalidInput,
			"%s dtype must be an integer type (Int8 to Int64, UInt8 to UInt64), got %s", name, OptString(opts, "dtype", ""))
	}
	return to, []Expr{args[0], &Literal{Value: b, Type: arrow.PrimitiveTypes.Int64}}, nil
}

// resolveStrToTemporal types str.to_date (Date) and str.to_datetime
// (Datetime in the time unit asked for, else ns for formats with 9
// fraction digits, ms for 3, us otherwise, as Polars; UTC when the format
// reads an offset or time_zone="UTC").
func resolveStrToTemporal(name string, args []Expr, opts map[string]any, datetime bool) (arrow.DataType, []Expr, error) {
	if err := ArgCount(name, args, 1, 1); err != nil {
		return nil, nil, err
	}
	if err := checkStringInput(name, args[0]); err != nil {
		return nil, nil, err
	}
	if !OptBool(opts, "exact", true) {
		return nil, nil, core.Errorf(core.KindNotSupported, "%s with exact=False is not supported", name)
	}
	format := OptString(opts, "format", "")
	hasOffset := false
	if format != "" && CheckTimeFormat != nil {
		var err error
		if hasOffset, err = CheckTimeFormat(format, datetime); err != nil {
			return nil, nil, err
		}
	}
	if !datetime {
		return arrow.FixedWidthTypes.Date32, args, nil
	}
	unit := arrow.Microsecond
	switch tu := OptString(opts, "time_unit", ""); tu {
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
		return nil, nil, core.Errorf(core.KindInvalidInput, "%s time_unit must be \"ms\", \"us\" or \"ns\", got %q", name, tu)
	}
	tz := ""
	switch z := OptString(opts, "time_zone", ""); z {
	case "":
		if hasOffset {
			tz = "UTC"
		}
	case "UTC":
		tz = "UTC"
	default:
		return nil, nil, core.Errorf(core.KindNotSupported,
			"%s with time_zone=%q is not supported (only UTC): alopex has no time zone database", name, z)
	}
	return &arrow.TimestampType{Unit: unit, TimeZone: tz}, args, nil
}
