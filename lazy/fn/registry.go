package fn

import (
	"slices"
	"sort"
	"strings"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Scalar is one scalar function: it maps each row of its arguments to one
// value of the result.
type Scalar struct {
	// Name is the function's name in the plan, as explain() shows it and
	// as Python's call nodes name it ("str.contains").
	Name string
	// Python lists the Python methods ("Expr.str.contains") or package
	// functions ("ax.coalesce") that build the call; none for a function
	// only the engine or SQL builds.
	Python []string
	// SQL lists the SQL names (lower case) that call the function with the
	// same arguments, in the same order, with the same meaning. A SQL
	// function whose arguments or meaning differ is translated in sqlexec.
	SQL []string
	// Internal marks a function only the planner builds (for an operator:
	// date + duration is temporal_add), which no Python method or SQL name
	// calls.
	Internal bool
	// MinArgs and MaxArgs bound the number of arguments, the input
	// included (MaxArgs < 0: no bound); checked before the type rule runs.
	MinArgs, MaxArgs int
	// Nulls says when the result can be null; NullsBy, when set, says it
	// instead from the call's options.
	Nulls   Nulls
	NullsBy func(Opts) Nulls
	// Type is the type rule: it checks the arguments and options, sets the
	// result type and the types the evaluator needs the arguments in.
	Type func(b *Binding) error
	// Eval computes the function over a batch.
	Eval Eval
}

// Nulls is what a function does with nulls.
type Nulls uint8

const (
	// NullsAny: the result may be null where no argument is (a lookup
	// that finds nothing, a parse that fails).
	NullsAny Nulls = iota
	// NullsFromArgs: the result is null only where an argument is null, so
	// a call over arguments that are never null is never null.
	NullsFromArgs
	// NullsFromArgsIfStrict is NullsFromArgs when the "strict" option is
	// true (the default), NullsAny otherwise.
	NullsFromArgsIfStrict
	// NullsIfAllArgs: the result is null only where every argument is
	// (coalesce), so one never-null argument makes it never null.
	NullsIfAllArgs
	// NullsFromValues: the arguments are condition/value pairs and a last
	// value (when); the result is null only where the value chosen is.
	NullsFromValues
)

// Bind types a call: b holds its arguments and options; on success b.Out
// is the result type and b.Casts the casts the arguments need.
func (s *Scalar) Bind(b *Binding) error {
	if err := b.Count(s.MinArgs, s.MaxArgs); err != nil {
		return err
	}
	return s.Type(b)
}

// NeverNull reports whether a call with these options over n arguments is
// never null, given which arguments are never null.
func (s *Scalar) NeverNull(opts map[string]any, n int, argNeverNull func(i int) bool) bool {
	all := func(pick func(i int) bool) bool {
		for i := range n {
			if pick(i) && !argNeverNull(i) {
				return false
			}
		}
		return true
	}
	rule := s.Nulls
	if s.NullsBy != nil {
		rule = s.NullsBy(opts)
	}
	switch rule {
	case NullsFromArgs:
		return all(func(int) bool { return true })
	case NullsFromArgsIfStrict:
		return Opts(opts).Bool("strict", true) && all(func(int) bool { return true })
	case NullsIfAllArgs:
		for i := range n {
			if argNeverNull(i) {
				return true
			}
		}
	case NullsFromValues:
		return all(func(i int) bool { return i%2 == 1 || i == n-1 })
	}
	return false
}

// Eval evaluates a function over n rows. args are the evaluated arguments
// in the types the rule asked for (arrays, or scalars broadcast over the n
// rows); the evaluator does not release them. The result is owned by the
// caller.
type Eval func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error)

// Invocation is what an evaluator knows of its call besides the arguments.
type Invocation struct {
	Opts Opts
	// Type is the result type the rule resolved.
	Type arrow.DataType
	// Memo keeps values for the call between the batches of a query; nil
	// keeps nothing (see Keep).
	Memo Memo
}

// Memo keeps one value per call of a plan, for as long as the call lives.
type Memo interface {
	// Keep returns the value kept for the call, made by build the first time.
	Keep(build func() any) any
}

// Keep returns a value derived from the call's options alone (an is_in
// list's hash set), built once per call of the plan rather than once per
// batch; without a Memo it is built each time.
func (c *Invocation) Keep(build func() any) any {
	if c.Memo == nil {
		return build()
	}
	return c.Memo.Keep(build)
}

// The registry: every family's entries, indexed by name and SQL name.
var (
	byName   = map[string]*Scalar{}
	bySQL    = map[string]*Scalar{}
	byWindow = indexWindows(slices.Concat(windowFunctions, fillWindowFunctions, rollingWindowFunctions, validateWindowFunctions))
	_        = index(horizontalFunctions, stringFunctions, listFunctions, sqlNumberFunctions, sqlIntFunctions, datetimeFunctions, mathFunctions, nullFunctions, vectorFunctions, sqlDecimalFunctions, isInFunctions, sqlStringFunctions, sqlStringFunctions2, sqlDateFunctions, sqlJSONFunctions, sqlRegexFunctions, sqlTrigFunctions)
)

func index(families ...[]*Scalar) bool {
	for _, s := range slices.Concat(families...) {
		if _, dup := byName[s.Name]; dup {
			panic("alopex: function defined twice: " + s.Name)
		}
		byName[s.Name] = s
		for _, alias := range s.SQL {
			if alias != strings.ToLower(alias) {
				panic("alopex: SQL name not in lower case: " + alias)
			}
			if _, dup := bySQL[alias]; dup {
				panic("alopex: SQL name defined twice: " + alias)
			}
			bySQL[alias] = s
		}
	}
	return true
}

func indexWindows(ws []*Window) map[string]*Window {
	out := make(map[string]*Window, len(ws))
	for _, w := range ws {
		if _, dup := out[w.Name]; dup {
			panic("alopex: window function defined twice: " + w.Name)
		}
		out[w.Name] = w
	}
	return out
}

// LookupWindow returns the window (order-dependent) function named name.
func LookupWindow(name string) (*Window, bool) {
	w, ok := byWindow[name]
	return w, ok
}

// AllWindows returns every window function, by name.
func AllWindows() []*Window {
	out := make([]*Window, 0, len(byWindow))
	for _, w := range byWindow {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the function named name in plans.
func Lookup(name string) (*Scalar, bool) {
	s, ok := byName[name]
	return s, ok
}

// LookupSQL returns the function a SQL name (lower case) calls directly.
func LookupSQL(name string) (*Scalar, bool) {
	s, ok := bySQL[name]
	return s, ok
}

// All returns every function, by name.
func All() []*Scalar {
	out := make([]*Scalar, 0, len(byName))
	for _, s := range byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
