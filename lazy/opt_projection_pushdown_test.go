package lazy_test

import (
	"slices"
	"testing"

	"github.com/alopexdb/alopex/lazy"
)

// TestProjectionPushdown pins the rule's rewrites: testdata/optimizer/projection_pushdown.txt.
func TestProjectionPushdown(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/projection_pushdown.txt")
}

// The scan reads the needed columns in the source's order, and its schema
// says so: the executor builds batches from Scan.Schema.
func TestProjectionPushdownScanSchema(t *testing.T) {
	scan := lazy.NewScan(testSources[0])
	proj, err := lazy.NewProject(scan, []lazy.Expr{col("d"), alias(col("a"), "x")})
	if err != nil {
		t.Fatal(err)
	}
	out := ruleNamed(t, "projection_pushdown").Apply(proj)
	p, ok := out.(*lazy.Project)
	if !ok {
		t.Fatalf("root is %T:\n%s", out, lazy.Explain(out))
	}
	s := p.Input.(*lazy.Scan)
	if !slices.Equal(s.Columns, []string{"a", "d"}) {
		t.Errorf("scan columns %v, want [a d]", s.Columns)
	}
	if got := schemaString(s.Schema()); got != "a: Int64, d: Boolean" {
		t.Errorf("scan schema %s", got)
	}
	if got := schemaString(out.Schema()); got != "d: Boolean, x: Int64" {
		t.Errorf("output schema %s", got)
	}
}

// A projection that reorders columns is not the identity and must stay.
func TestProjectionPushdownKeepsReordering(t *testing.T) {
	proj, err := lazy.NewProject(lazy.NewScan(testSources[1]), []lazy.Expr{col("z"), col("y"), col("x")})
	if err != nil {
		t.Fatal(err)
	}
	out := ruleNamed(t, "projection_pushdown").Apply(proj)
	if got := schemaString(out.Schema()); got != "z: Int32, y: Float32, x: UInt8" {
		t.Errorf("output schema %s:\n%s", got, lazy.Explain(out))
	}
}

// An identity projection over an unchanged scan disappears entirely.
func TestProjectionPushdownDropsIdentity(t *testing.T) {
	proj, err := lazy.NewProject(lazy.NewScan(testSources[1]), []lazy.Expr{col("x"), col("y"), col("z")})
	if err != nil {
		t.Fatal(err)
	}
	out := ruleNamed(t, "projection_pushdown").Apply(proj)
	if s, ok := out.(*lazy.Scan); !ok || s.Columns != nil {
		t.Errorf("want the bare scan, got:\n%s", lazy.Explain(out))
	}
}
