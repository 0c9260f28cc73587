package lazy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
)

func nestedFilters(n int) string {
	var b strings.Builder
	b.WriteString(`{"version": 1, "plan": `)
	for i := 0; i < n; i++ {
		b.WriteString(`{"kind": "filter", "predicate": {"kind": "binary", "op": "gt", "left": {"kind": "col", "name": "a"}, "right": {"kind": "lit", "value": `)
		fmt.Fprint(&b, i)
		b.WriteString(`}}, "input": `)
	}
	b.WriteString(`{"kind": "scan", "source": 0}`)
	b.WriteString(strings.Repeat("}", n+1))
	return b.String()
}

func nestedSum(n int) string {
	e := strings.Repeat(`{"kind": "binary", "op": "add", "right": {"kind": "col", "name": "a"}, "left": `, n) +
		`{"kind": "col", "name": "a"}` + strings.Repeat("}", n)
	return `{"version": 1, "plan": {"kind": "select", "input": {"kind": "scan", "source": 0}, "exprs": [` + e + `]}}`
}

// TestDecodeDeepPlans: 4,000 nested filters decoded in 25 s and 2.7 GB
// (each level parsed its whole subtree again); now one parse. Beyond the
// documented limits the decoder stops with an InvalidInputError.
func TestDecodeDeepPlans(t *testing.T) {
	for _, data := range []string{nestedFilters(4000), nestedSum(4000)} {
		p, err := lazy.Decode([]byte(data), testSources, lazy.Env{})
		if err != nil {
			t.Fatal(err)
		}
		_ = lazy.Explain(exec.Optimize(p))
	}
	for name, data := range map[string]string{
		"filters":  nestedFilters(lazy.MaxPlanDepth + 1),
		"sum":      nestedSum(lazy.MaxExprDepth + 1),
		"json":     strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		"json obj": `{"version": 1, "plan": ` + strings.Repeat(`{"kind": "x", "input": `, 100000),
	} {
		_, err := lazy.Decode([]byte(data), testSources, lazy.Env{})
		if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), "deep") {
			t.Errorf("%s: got %v (%v), want InvalidInputError about depth", name, err, core.KindOf(err))
		}
	}
}
