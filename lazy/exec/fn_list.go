package exec

import (
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The evaluators of the List functions (planner side: lazy/fn_list.go).
// The input is materialized; the other arguments go to the kernels as
// scalars or columns.

func init() {
	registerString("str.split", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrSplit(mem, a, args[0], lazy.OptBool(c.Opts, "inclusive", false))
	})
	registerString("list.len", func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
		return kernels.ListLen(mem, a)
	})
	registerString("list.get", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.ListGet(mem, a, args[0], lazy.OptBool(c.Opts, "null_on_oob", true))
	})
	registerString("list.join", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.ListJoin(mem, a, args[0], lazy.OptBool(c.Opts, "ignore_nulls", true))
	})
}
