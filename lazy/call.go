package lazy

import (
	"sort"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
)

// Call applies a named scalar function (from the function registry) to its
// arguments, row by row. Opts carries non-expression options (a regex
// flag, a rounding mode); values are JSON-like (bool, float64, string,
// []any). After resolution Type is the result type and Args are cast as the
// function wants them.
type Call struct {
	Name string
	Args []Expr
	Opts map[string]any
	Type arrow.DataType
}

func (e *Call) DataType() arrow.DataType { return e.Type }
func (e *Call) Children() []Expr         { return e.Args }
func (e *Call) WithChildren(ch []Expr) Expr {
	c := *e
	c.Args = ch
	return &c
}

func (e *Call) String() string { return exprString(e) }

func (e *Call) writeTo(b *strings.Builder) {
	args := e.Args
	if len(args) > 0 {
		writeExpr(b, args[0])
		b.WriteString(".")
		args = args[1:]
	}
	b.WriteString(e.Name)
	b.WriteString("(")
	sep := ""
	for _, a := range args {
		b.WriteString(sep)
		writeExpr(b, a)
		sep = ", "
	}
	keys := make([]string, 0, len(e.Opts))
	for k := range e.Opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(sep + k + "=" + formatOpt(e.Opts[k]))
		sep = ", "
	}
	b.WriteString(")")
}

func formatOpt(v any) string {
	switch x := v.(type) {
	case string:
		return `"` + x + `"`
	case nil:
		return "null"
	case []any:
		if s, ok := formatInts(x); ok {
			return s
		}
	}
	return (&Literal{Value: normalizeOpt(v)}).text()
}

// formatInts is fmt.Sprint of a list of int64s (an is_in list of keys),
// without fmt's reflection: the optimizer keys plans by their text, and
// printing 100k keys through fmt cost as much as looking them up.
func formatInts(vs []any) (string, bool) {
	b := make([]byte, 0, 2+8*len(vs))
	b = append(b, '[')
	for i, v := range vs {
		n, ok := v.(int64)
		if !ok {
			return "", false
		}
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return string(append(b, ']')), true
}

func normalizeOpt(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}

func (r *resolver) call(e *Call) (Expr, error) {
	var bind func(*fn.Binding) error
	if f, ok := fn.Lookup(e.Name); ok {
		bind = f.Bind
	} else if w, ok := fn.LookupWindow(e.Name); ok {
		bind = w.Bind
	} else {
		return nil, core.Errorf(core.KindNotSupported, "function %q is not supported", e.Name)
	}
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := r.resolve(a)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	if dt, ok := decimalCall(e.Name, args, e.Opts); ok && dt != nil {
		return &Call{Name: e.Name, Args: args, Opts: e.Opts, Type: dt}, nil // abs, round: exact
	} else if !ok && !strings.HasPrefix(e.Name, "str.") {
		for i, a := range args {
			args[i] = floatIfDecimal(a)
		}
	}
	args, hadCategorical := categoricalArgsAsString(args)
	t, args, err := bindCall(e.Name, bind, args, e.Opts)
	if err != nil {
		if ce, ok := err.(*core.Error); ok && ce.Details["expression"] == nil {
			return nil, core.Errorf(ce.Kind, "%s (in expression %s)", ce.Message, e).With("expression", e.String())
		}
		return nil, err
	}
	var out Expr = &Call{Name: e.Name, Args: args, Opts: e.Opts, Type: t}
	if hadCategorical && keepsCategorical[e.Name] && core.IsString(t) {
		out = castTo(out, core.Categorical)
	}
	return out, nil
}

// keepsCategorical lists the functions that pass their input values through
// (choosing among them), so that their result over Categorical inputs is
// Categorical again, as in Polars.
var keepsCategorical = map[string]bool{"fill_null": true, "coalesce": true, "when": true, "shift": true}

// categoricalArgsAsString casts Categorical arguments to String: functions
// work on values, and a code means nothing outside its batch's dictionary.
func categoricalArgsAsString(args []Expr) ([]Expr, bool) {
	had := false
	for i, a := range args {
		if core.IsCategorical(a.DataType()) {
			args[i] = castTo(a, arrow.BinaryTypes.String)
			had = true
		}
	}
	return args, had
}

// bindCall types a call of a registry function with its entry's Bind: the
// result type and the arguments cast as the rule asks.
func bindCall(name string, bind func(*fn.Binding) error, args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
	b := &fn.Binding{Name: name, Args: make([]fn.Arg, len(args)), Opts: opts}
	for i, a := range args {
		b.Args[i] = ruleArg{a}
	}
	b.Supertype = func(idx ...int) (arrow.DataType, bool) {
		if idx == nil {
			return CommonType(args)
		}
		pick := make([]Expr, len(idx))
		for k, i := range idx {
			pick[k] = args[i]
		}
		return CommonType(pick)
	}
	if err := bind(b); err != nil {
		return nil, nil, err
	}
	for i, t := range b.Casts {
		if t != nil {
			args[i] = castTo(args[i], t)
		}
	}
	for i, c := range b.Constants {
		if c != nil {
			args[i] = &Literal{Value: c.Value, Type: c.Type}
		}
	}
	if b.Order != nil {
		ordered := make([]Expr, len(b.Order))
		for k, i := range b.Order {
			ordered[k] = args[i]
		}
		args = ordered
	}
	return b.Out, args, nil
}

// ruleArg is an argument as a type rule sees it.
type ruleArg struct{ Expr }

func (a ruleArg) Constant() (any, bool) {
	if l, ok := a.Expr.(*Literal); ok {
		return l.Value, true
	}
	return nil, false
}

// Helpers for function resolvers.

// ArgCount checks the number of arguments of a call.
func ArgCount(name string, args []Expr, min, max int) error {
	if len(args) < min || (max >= 0 && len(args) > max) {
		return core.Errorf(core.KindInvalidInput, "%s takes %d to %d arguments, got %d", name, min, max, len(args))
	}
	return nil
}

// CastArg casts an argument to t (a literal is converted at plan time).
func CastArg(e Expr, t arrow.DataType) Expr { return castTo(e, t) }

// CommonType returns the supertype of the arguments (dynamic literals adapt).
func CommonType(args []Expr) (arrow.DataType, bool) {
	var t arrow.DataType
	var typed Expr
	for _, a := range args {
		if a.DataType().ID() == arrow.NULL {
			continue
		}
		if t == nil {
			t, typed = a.DataType(), a
			continue
		}
		st, ok := operandTypes(typed, a)
		if !ok {
			return nil, false
		}
		t = st
		typed = &Column{Type: t}
	}
	if t == nil {
		return arrow.Null, true
	}
	if l, ok := typed.(*Literal); ok && l.Dynamic {
		t = settleLiteral(l).DataType()
	}
	return t, true
}

// OptString reads a string option (see fn.Opts).
func OptString(opts map[string]any, key, def string) string { return fn.Opts(opts).String(key, def) }

// OptBool reads a boolean option.
func OptBool(opts map[string]any, key string, def bool) bool { return fn.Opts(opts).Bool(key, def) }

// OptFloat reads a numeric option.
func OptFloat(opts map[string]any, key string, def float64) float64 {
	return fn.Opts(opts).Float(key, def)
}
