package lazy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/cockroachdb/datadriven"
)

// TestCoercion pins type coercion: testdata/coercion.txt. Each case is an
// expression in the JSON plan format, resolved against a test source
// (source=N, default 0); the output is the expression as built, as coerced
// (with the casts coercion inserts) and the type of every node.
//
//	go test ./lazy -run TestCoercion -rewrite
func TestCoercion(t *testing.T) {
	datadriven.RunTest(t, "testdata/coercion.txt", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "coerce" {
			d.Fatalf(t, "unknown command %q", d.Cmd)
		}
		src := 0
		if d.HasArg("source") {
			d.ScanArgs(t, "source", &src)
		}
		e, err := lazy.DecodeExpr([]byte(d.Input))
		if err != nil {
			return fmt.Sprintf("error: %s: %v\n", core.KindOf(err), err)
		}
		r, err := lazy.Resolve(e, testSources[src].Schema())
		if err != nil {
			return fmt.Sprintf("before: %s\nerror: %s: %v\n", e, core.KindOf(err), err)
		}
		var types []string
		lazy.Walk(r, func(x lazy.Expr) bool {
			types = append(types, fmt.Sprintf("%s: %s", x, core.DTypeName(x.DataType())))
			return true
		})
		return fmt.Sprintf("before: %s\nafter:  %s\ntypes:\n  %s\n", e, r, strings.Join(types, "\n  "))
	})
}
