package lazy_test

import "testing"

// TestCommonSubplan pins the rule's rewrites: testdata/optimizer/common_subplan.txt.
func TestCommonSubplan(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/common_subplan.txt")
}
