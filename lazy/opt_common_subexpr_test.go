package lazy_test

import "testing"

// TestCommonSubexpr pins the rule's rewrites: testdata/optimizer/common_subexpr.txt.
func TestCommonSubexpr(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/common_subexpr.txt")
}
