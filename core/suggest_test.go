package core_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

func TestSuggest(t *testing.T) {
	cases := []struct {
		name       string
		candidates []string
		want       []string
	}{
		// One typo away.
		{"vlaue", []string{"id", "value", "category"}, []string{"value"}},
		{"prce", []string{"price", "qty"}, []string{"price"}},
		// Case does not matter, and the candidate keeps its own spelling.
		{"ID", []string{"id", "name"}, []string{"id"}},
		{"Price", []string{"PRICE", "cost"}, []string{"PRICE"}},
		// Closest first; ties keep the schema's order.
		{"total", []string{"totals", "total_amount", "tota", "x"}, []string{"totals", "tota", "total_amount"}},
		{"ab", []string{"abd", "abc", "xyz"}, []string{"abd", "abc"}},
		// A name contained in a candidate (or the other way round) is suggested however far.
		{"amount", []string{"id", "total_amount_in_euros"}, []string{"total_amount_in_euros"}},
		{"customer_name_full", []string{"name", "id"}, []string{"name"}},
		// At most three.
		{"a", []string{"a1", "a2", "a3", "a4", "a5"}, []string{"a1", "a2", "a3"}},
		// Nothing close.
		{"revenue", []string{"id", "category", "price"}, []string{}},
		{"x", nil, []string{}},
		// Non-ASCII names are compared by rune, not byte.
		{"größe", []string{"grösse", "gewicht"}, []string{"grösse"}},
		{"naïve", []string{"naive", "nave"}, []string{"naive", "nave"}},
	}
	for _, c := range cases {
		got := core.Suggest(c.name, c.candidates)
		if got == nil {
			t.Errorf("Suggest(%q, %q) = nil, want an empty slice", c.name, c.candidates)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Suggest(%q, %q) = %q, want %q", c.name, c.candidates, got, c.want)
		}
	}
}

// The allowed distance grows with the name: a third of its length, at least 2.
func TestSuggestDistanceLimit(t *testing.T) {
	cases := []struct {
		name, candidate string
		want            bool
	}{
		{"abc", "xyc", true},                         // distance 2, limit 2
		{"abc", "xyz", false},                        // distance 3, limit 2
		{"abcdefghi", "abcxyzghi", true},             // distance 3, limit 3
		{"abcdefghi", "abwxyzghi", false},            // distance 4, limit 3
		{"transaction_date", "transation_dat", true}, // distance 2
	}
	for _, c := range cases {
		got := len(core.Suggest(c.name, []string{c.candidate})) == 1
		if got != c.want {
			t.Errorf("Suggest(%q, [%q]) suggested=%v, want %v", c.name, c.candidate, got, c.want)
		}
	}
}

func TestColumnNotFound(t *testing.T) {
	err := core.ColumnNotFound("vlaue", []string{"id", "value", "category"})
	if err.Kind != core.KindColumnNotFound {
		t.Fatalf("kind %s, want ColumnNotFoundError", err.Kind)
	}
	want := "column 'vlaue' not found; did you mean 'value'? Available columns: 'id', 'value', 'category'"
	if err.Error() != want {
		t.Errorf("message\n got %q\nwant %q", err.Error(), want)
	}
	if err.Details["column"] != "vlaue" {
		t.Errorf("details column = %v", err.Details["column"])
	}
	if s, ok := err.Details["suggestions"].([]string); !ok || !slices.Equal(s, []string{"value"}) {
		t.Errorf("details suggestions = %#v", err.Details["suggestions"])
	}

	// Without a close match there is no "did you mean", and suggestions is empty, not nil.
	err = core.ColumnNotFound("zzz", []string{"id", "value"})
	if strings.Contains(err.Error(), "did you mean") || !strings.HasPrefix(err.Error(), "column 'zzz' not found") ||
		!strings.HasSuffix(err.Error(), "Available columns: 'id', 'value'") {
		t.Errorf("message %q", err.Error())
	}
	if s, ok := err.Details["suggestions"].([]string); !ok || s == nil || len(s) != 0 {
		t.Errorf("details suggestions = %#v, want an empty []string", err.Details["suggestions"])
	}

	// Several suggestions are listed closest first.
	err = core.ColumnNotFound("nme", []string{"name", "names", "id"})
	if !strings.Contains(err.Error(), "did you mean 'name', 'names'?") {
		t.Errorf("message %q", err.Error())
	}
}

func TestColumnNotFoundListsAtMostTwentyColumns(t *testing.T) {
	cols := make([]string, 30)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%02d", i)
	}
	msg := core.ColumnNotFound("zzzzzz", cols).Error()
	if !strings.Contains(msg, "'c19', …") || strings.Contains(msg, "c20") {
		t.Errorf("message should list c00..c19 then an ellipsis: %q", msg)
	}
}

func TestKindOf(t *testing.T) {
	if k := core.KindOf(nil); k != core.KindOK {
		t.Errorf("KindOf(nil) = %s", k)
	}
	e := core.Errorf(core.KindSchema, "bad %s", "schema")
	if k := core.KindOf(e); k != core.KindSchema {
		t.Errorf("KindOf(*Error) = %s", k)
	}
	if k := core.KindOf(fmt.Errorf("wrapped: %w", e)); k != core.KindSchema {
		t.Errorf("KindOf(wrapped *Error) = %s", k)
	}
	if k := core.KindOf(fmt.Errorf("query: %w", context.Canceled)); k != core.KindCancelled {
		t.Errorf("KindOf(context.Canceled) = %s", k)
	}
	if k := core.KindOf(context.DeadlineExceeded); k != core.KindCancelled {
		t.Errorf("KindOf(context.DeadlineExceeded) = %s", k)
	}
	if k := core.KindOf(fmt.Errorf("plain")); k != core.KindInternal {
		t.Errorf("KindOf(plain error) = %s", k)
	}
	if e.Error() != "bad schema" {
		t.Errorf("message %q", e.Error())
	}
}

// Kind values cross the C boundary: they must never be renumbered.
func TestKindValuesAreStable(t *testing.T) {
	want := map[core.Kind]int32{
		core.KindOK: 0, core.KindInternal: 1, core.KindInvalidInput: 2, core.KindColumnNotFound: 3,
		core.KindTableNotFound: 4, core.KindSchema: 5, core.KindCompute: 6, core.KindNotSupported: 7,
		core.KindSQLSyntax: 8, core.KindTransactionConflict: 9, core.KindFileNotFound: 10, core.KindCancelled: 11,
		core.KindConstraint: 12, core.KindDatabaseLocked: 13,
	}
	for k, v := range want {
		if int32(k) != v {
			t.Errorf("%s = %d, want %d", k, int32(k), v)
		}
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("kind %d has no name", v)
		}
	}
	if s := core.Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
}
