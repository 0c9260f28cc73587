package exec

import (
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func init() {
	registerString(lazy.SQLNumberPrefix, func(mem memory.Allocator, c *lazy.Call, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
		return kernels.SQLNumberPrefix(mem, a, lazy.OptString(c.Opts, "kind", "float"))
	})
}
