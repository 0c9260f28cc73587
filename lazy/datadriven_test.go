package lazy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/datadriven"
)

// runPlanFile runs a data-driven file of plan cases (testdata/explain.txt,
// testdata/optimizer/*.txt). Each case is a command, a plan node in the JSON
// plan format of decode.go (without the {"version":…,"plan":…} envelope)
// and, after "----", the expected output. Plans read testSources by index:
//
//	source 0: t (a Int64, b Float64, c String, d Boolean, e Int8)
//	source 1: u (x UInt8, y Float32, z Int32)
//
// Commands:
//
//	explain [schema]     lazy.Explain of the decoded plan (and its output schema)
//	apply rule=NAME      the plan before and after the optimizer rule NAME
//	optimize             the plan before and after lazy.Optimize (all rules)
//
// A plan that fails to decode prints "error: KIND: message". Besides the
// text, apply and optimize check that the rewrite keeps the output schema,
// leaves its input untouched and is idempotent.
//
// Run with -rewrite to regenerate the expected outputs:
//
//	go test ./lazy -run 'TestExplain|TestPredicatePushdown|TestProjectionPushdown|TestSlicePushdown|TestOptimize' -rewrite
func runPlanFile(t *testing.T, path string) {
	datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
		p, err := decodeNode(d.Input)
		if err != nil {
			return fmt.Sprintf("error: %s: %v\n", core.KindOf(err), err)
		}
		switch d.Cmd {
		case "explain":
			out := lazy.Explain(p)
			if d.HasArg("schema") {
				out += "schema: " + schemaString(p.Schema()) + "\n"
			}
			return out
		case "apply":
			var name string
			d.ScanArgs(t, "rule", &name)
			rule := ruleNamed(t, name)
			return rewriteOutput(t, p, rule.Apply)
		case "optimize":
			return rewriteOutput(t, p, exec.Optimize)
		}
		d.Fatalf(t, "unknown command %q", d.Cmd)
		return ""
	})
}

func decodeNode(node string) (lazy.Plan, error) {
	return lazy.Decode([]byte(`{"version": 1, "plan": `+node+`}`), testSources, lazy.Env{})
}

func ruleNamed(t *testing.T, name string) lazy.Rule {
	t.Helper()
	for _, r := range exec.Rules() {
		if r.Name() == name {
			return r
		}
	}
	t.Fatalf("no optimizer rule named %q", name)
	return nil
}

func rewriteOutput(t *testing.T, p lazy.Plan, rewrite func(lazy.Plan) lazy.Plan) string {
	t.Helper()
	before := lazy.Explain(p)
	q := rewrite(p)
	after := lazy.Explain(q)
	if again := lazy.Explain(p); again != before {
		t.Errorf("the rewrite changed its input plan:\nbefore:\n%snow:\n%s", before, again)
	}
	if got, want := schemaString(q.Schema()), schemaString(p.Schema()); got != want {
		t.Errorf("the rewrite changed the output schema from %s to %s", want, got)
	}
	if twice := lazy.Explain(rewrite(q)); twice != after {
		t.Errorf("the rewrite is not idempotent; once:\n%stwice:\n%s", after, twice)
	}
	return "before:\n" + before + "after:\n" + after
}

func schemaString(s *arrow.Schema) string {
	parts := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		parts[i] = f.Name + ": " + core.DTypeName(f.Type)
	}
	return strings.Join(parts, ", ")
}

func TestExplain(t *testing.T) { runPlanFile(t, "testdata/explain.txt") }

func TestOptimize(t *testing.T) { runPlanFile(t, "testdata/optimizer/optimize.txt") }

func TestDefaultRulesOrder(t *testing.T) {
	var names []string
	for _, r := range exec.Rules() {
		names = append(names, r.Name())
	}
	if got := strings.Join(names, ","); got != "simplify,predicate_pushdown,simplify,join_order,projection_pushdown,common_subexpr,slice_pushdown,vector_topk,common_subplan,runtime_filter" {
		t.Errorf("DefaultRules = %s", got)
	}
}
