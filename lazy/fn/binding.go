package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Arg is one argument of a call as a type rule sees it: already resolved
// (its type known), and a constant when it is a literal.
type Arg interface {
	DataType() arrow.DataType
	// Constant returns the value of a literal argument (nil for a null
	// literal; int64, uint64, float64, string or bool otherwise) and
	// whether the argument is a literal.
	Constant() (any, bool)
	// String is the argument's text, for error messages.
	String() string
}

// Binding is one call being typed. The type rule reads Args and Opts, sets
// Out, and asks with Cast for arguments the evaluator needs in another type.
type Binding struct {
	Name string
	Args []Arg
	Opts Opts
	// Out is the result type the rule sets.
	Out arrow.DataType
	// Casts has, per argument, the type to cast it to (nil: none).
	Casts []arrow.DataType
	// Constants has, per argument, the constant to replace it with (nil:
	// none); see Replace.
	Constants []*Constant
	// Order, when set, lists the arguments (by index) in the order the
	// evaluator takes them.
	Order []int
	// Supertype returns the type the arguments at idx all convert to, as
	// the planner's operators find it (a dynamic literal adapts to the
	// others), and false when they have none; the planner sets it.
	Supertype func(idx ...int) (arrow.DataType, bool)
}

// Cast asks for argument i as type t.
func (b *Binding) Cast(i int, t arrow.DataType) {
	if b.Casts == nil {
		b.Casts = make([]arrow.DataType, len(b.Args))
	}
	b.Casts[i] = t
}

// Constant is a value of a type, as a literal in the plan holds it.
type Constant struct {
	Value any
	Type  arrow.DataType
}

// Replace asks for argument i to be replaced by the constant v of type t:
// the rule has read a constant argument into the value the evaluator
// wants (vector text into a vector).
func (b *Binding) Replace(i int, v any, t arrow.DataType) {
	if b.Constants == nil {
		b.Constants = make([]*Constant, len(b.Args))
	}
	b.Constants[i] = &Constant{Value: v, Type: t}
}

// Count checks the number of arguments: from min to max (max < 0: no
// upper bound).
func (b *Binding) Count(min, max int) error {
	switch n := len(b.Args); {
	case max < 0 && n < min:
		return core.Errorf(core.KindInvalidInput, "%s takes at least %d argument(s), got %d", b.Name, min, n)
	case n < min || (max >= 0 && n > max):
		return core.Errorf(core.KindInvalidInput, "%s takes %d to %d arguments, got %d", b.Name, min, max, n)
	}
	return nil
}

// Opts are a call's non-expression options (a regex flag, a format): values
// are JSON-like (bool, float64 or int64, string, []any).
type Opts map[string]any

// String reads a string option.
func (o Opts) String(key, def string) string {
	if v, ok := o[key].(string); ok {
		return v
	}
	return def
}

// Bool reads a boolean option.
func (o Opts) Bool(key string, def bool) bool {
	if v, ok := o[key].(bool); ok {
		return v
	}
	return def
}

// Float reads a numeric option.
func (o Opts) Float(key string, def float64) float64 {
	switch v := o[key].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case int:
		return float64(v)
	}
	return def
}
