package fn

import (
	"cmp"
	"slices"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// validateWindowFunctions check properties of a whole input (a partition).
var validateWindowFunctions = []*Window{
	// assert_unique(keys...) with option message: true on every row when
	// no two rows of a partition have equal keys, else a ComputeError
	// carrying the message. Rows with a null key are left out, as a null
	// key never joins (Polars' join validation ignores them too). A join's
	// validate= ("1:1", "1:m", "m:1") filters its sides by it, so that a
	// violation fails the query instead of passing silently.
	{Name: "assert_unique", Internal: true, MinArgs: 1, MaxArgs: -1,
		Type: func(b *Binding) error {
			for _, a := range b.Args {
				if !core.Sortable(a.DataType()) {
					return core.Errorf(core.KindCompute, "cannot check %s keys for duplicates", core.DTypeName(a.DataType()))
				}
			}
			b.Out = arrow.FixedWidthTypes.Boolean
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			cmps := make([]func(a, b int32) int, len(args))
			for i, a := range args {
				var err error
				if cmps[i], err = parts.Compare(a, false); err != nil {
					return nil, err
				}
			}
			byKeys := func(a, b int32) int {
				for _, f := range cmps {
					if r := f(a, b); r != 0 {
						return r
					}
				}
				return 0
			}
			var rows []int32
			for g := range parts.Len() {
				rows = rows[:0]
			row:
				for _, r := range parts.Part(g) {
					for _, a := range args {
						if a.IsNull(int(r)) {
							continue row
						}
					}
					rows = append(rows, r)
				}
				slices.SortFunc(rows, func(a, b int32) int { return cmp.Or(byKeys(a, b), cmp.Compare(a, b)) })
				for i := 1; i < len(rows); i++ {
					if byKeys(rows[i-1], rows[i]) == 0 {
						return nil, core.Errorf(core.KindCompute, "%s", c.Opts.String("message", "keys are not unique"))
					}
				}
			}
			n := 0
			if len(args) > 0 {
				n = args[0].Len()
			}
			return kernels.Broadcast(mem, true, arrow.FixedWidthTypes.Boolean, n)
		}},
}
