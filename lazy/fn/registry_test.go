package fn

import (
	"strings"
	"testing"
)

// Every entry is complete: a name, a type rule, an evaluator, a sane
// arity, and a Python method unless only the engine or SQL builds it.
func TestEntriesComplete(t *testing.T) {
	for _, s := range All() {
		if s.Type == nil || s.Eval == nil {
			t.Errorf("%s: no type rule or evaluator", s.Name)
		}
		if s.MinArgs < 0 || (s.MaxArgs >= 0 && s.MaxArgs < s.MinArgs) {
			t.Errorf("%s: arity %d..%d", s.Name, s.MinArgs, s.MaxArgs)
		}
		if len(s.Python) == 0 && !strings.HasPrefix(s.Name, "sql.") && !s.Internal {
			t.Errorf("%s: no Python method", s.Name)
		}
		for _, m := range s.Python {
			if !strings.HasPrefix(m, "Expr.") && !strings.HasPrefix(m, "ax.") {
				t.Errorf("%s: Python name %q is neither an Expr method nor a function of the package", s.Name, m)
			}
		}
		for _, alias := range s.SQL {
			if got, ok := LookupSQL(alias); !ok || got != s {
				t.Errorf("%s: SQL name %q does not find it", s.Name, alias)
			}
		}
		if got, ok := Lookup(s.Name); !ok || got != s {
			t.Errorf("%s: Lookup does not find it", s.Name)
		}
	}
}

// Every window function is complete too, and no name is both a scalar and
// a window function.
func TestWindowEntriesComplete(t *testing.T) {
	if len(AllWindows()) == 0 {
		t.Fatal("no window functions")
	}
	for _, w := range AllWindows() {
		if w.Type == nil || w.Eval == nil {
			t.Errorf("%s: no type rule or evaluator", w.Name)
		}
		if len(w.Python) == 0 && !w.Internal {
			t.Errorf("%s: no Python method", w.Name)
		}
		if _, clash := Lookup(w.Name); clash {
			t.Errorf("%s: both a scalar and a window function", w.Name)
		}
	}
}

// The arity is checked before the rule, with the function's name.
func TestBindChecksArity(t *testing.T) {
	s, _ := Lookup("str.to_uppercase")
	err := s.Bind(&Binding{Name: s.Name, Args: nil})
	if err == nil || !strings.Contains(err.Error(), "str.to_uppercase takes 1 to 1 arguments, got 0") {
		t.Fatalf("got %v", err)
	}
}

func TestNullRules(t *testing.T) {
	yes := func(int) bool { return true }
	contains, _ := Lookup("str.contains")
	if !contains.NeverNull(nil, 2, yes) || contains.NeverNull(map[string]any{"strict": false}, 2, yes) {
		t.Error("str.contains: null only from its arguments when strict, not otherwise")
	}
	if contains.NeverNull(nil, 2, func(i int) bool { return i == 0 }) {
		t.Error("str.contains of a nullable pattern can be null")
	}
	find, _ := Lookup("str.find")
	if find.NeverNull(nil, 2, yes) {
		t.Error("str.find is null where nothing matches")
	}
	coalesce, _ := Lookup("coalesce")
	if !coalesce.NeverNull(nil, 3, func(i int) bool { return i == 2 }) || coalesce.NeverNull(nil, 2, func(int) bool { return false }) {
		t.Error("coalesce is never null when one of its arguments is never null, only then")
	}
	dec, _ := Lookup(SQLDecimalArith)
	if !dec.NeverNull(map[string]any{"op": "mul"}, 2, yes) || dec.NeverNull(map[string]any{"op": "div"}, 2, yes) {
		t.Error("SQL decimal arithmetic is null only from its operands, except a division (by zero)")
	}
	when, _ := Lookup("when")
	values := func(i int) bool { return i != 0 && i != 2 } // conditions nullable, values not
	if !when.NeverNull(nil, 5, values) || when.NeverNull(nil, 5, func(i int) bool { return i != 3 }) {
		t.Error("when is never null when its values are never null, whatever its conditions")
	}
}
