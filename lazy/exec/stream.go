package exec

import (
	"context"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// Stream executes an already optimized plan and hands its batches to fn
// one at a time, in order, as the executor produces them, instead of
// collecting the result as Run does: a statement that writes a query's
// rows (INSERT … SELECT) holds a bounded number of them at a time. fn
// borrows the batch (Retain it to keep it); batches without rows are
// skipped. An error of fn stops the plan and is returned.
func Stream(ctx context.Context, p lazy.Plan, fn func(rb arrow.RecordBatch) error) (err error) {
	defer recoverAsError(&err)
	b := &builder{mem: workMem, ctx: ctx}
	defer func() {
		for _, c := range b.closers {
			c()
		}
	}()
	op, err := b.build(p)
	if err != nil {
		return err
	}
	defer op.Close()
	for {
		rb, err := op.Next(ctx)
		if err != nil || rb == nil {
			if err == nil {
				err = ctx.Err()
			}
			return err
		}
		if rb.NumRows() > 0 {
			err = fn(rb)
		}
		rb.Release()
		if err != nil {
			return err
		}
	}
}
