package lazy_test

import "testing"

func TestRuntimeFilter(t *testing.T) { runPlanFile(t, "testdata/optimizer/runtime_filter.txt") }
