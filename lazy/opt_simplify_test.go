package lazy_test

import "testing"

// TestSimplify pins the rule's rewrites: testdata/optimizer/simplify.txt.
func TestSimplify(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/simplify.txt")
}
