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
}

// Cast asks for argument i as type t.
func (b *Binding) Cast(i int, t arrow.DataType) {
	if b.Casts == nil {
		b.Casts = make([]arrow.DataType, len(b.Args))
	}
	b.Casts[i] = t
}

// Count checks the number of arguments: from min to max (max < 0: no
// upper bound).
func (b *Binding) Count(min, max int) error {
	if n := len(b.Args); n < min || (max >= 0 && n > max) {
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
