package lazy_test

import "testing"

// TestJoinOrder pins the rule's rewrites: testdata/optimizer/join_order.txt.
func TestJoinOrder(t *testing.T) {
	runPlanFile(t, "testdata/optimizer/join_order.txt")
}
