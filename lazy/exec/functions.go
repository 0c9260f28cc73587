package exec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// evalCall evaluates a call of a scalar function of the registry over a batch.
func evalCall(mem memory.Allocator, e *lazy.Call, rb arrow.RecordBatch) (kernels.Value, error) {
	if lazy.IsWindowFunction(e.Name) {
		return kernels.Value{}, core.Errorf(core.KindInternal, "%s must be computed as a window", e.Name)
	}
	entry, ok := fn.Lookup(e.Name)
	if !ok {
		return kernels.Value{}, core.Errorf(core.KindNotSupported, "function %q has no implementation", e.Name)
	}
	args := make([]kernels.Value, len(e.Args))
	defer func() {
		for _, a := range args {
			a.Release()
		}
	}()
	for i, a := range e.Args {
		v, err := evalExpr(mem, a, rb)
		if err != nil {
			return kernels.Value{}, err
		}
		args[i] = v
	}
	out, err := entry.Eval(mem, &fn.Invocation{Opts: e.Opts, Type: e.Type, Memo: callMemo{e}}, args, int(rb.NumRows()))
	if err != nil {
		return kernels.Value{}, withExpr(err, e)
	}
	return kernels.ArrayValue(out), nil
}

// materialize returns v as an array of n rows; release it after use.
func materialize(mem memory.Allocator, v kernels.Value, n int) (arrow.Array, error) {
	return v.Materialize(mem, n)
}

// materializePair is materialize of a two-argument function's arguments;
// release both after use.
func materializePair(mem memory.Allocator, args []kernels.Value, n int) (x, y arrow.Array, err error) {
	if x, err = materialize(mem, args[0], n); err != nil {
		return nil, nil, err
	}
	if y, err = materialize(mem, args[1], n); err != nil {
		x.Release()
		return nil, nil, err
	}
	return x, y, nil
}
