package exec

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Operator is a physical operator that produces record batches on demand.
//
// Next returns the next batch, or (nil, nil) at the end of the stream; the
// caller owns a returned batch and must Release it. Close releases what the
// operator holds and stops any work it started; it is called exactly once,
// after which Next is not called again.
type Operator interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close()
}

// batchFn is one row-wise step of a pipeline: it consumes its input batch's
// reference and returns a new batch the caller owns, or nil to drop every row.
type batchFn func(rb arrow.RecordBatch) (arrow.RecordBatch, error)

// recoverAsError turns a panic in an engine goroutine into an InternalError
// carrying the Go stack, so that no panic ever reaches Python as a crash.
func recoverAsError(errp *error) {
	if r := recover(); r != nil {
		*errp = core.Errorf(core.KindInternal, "internal error: %v\n%s", r, debug.Stack())
	}
}

func errorf(format string, args ...any) error {
	return core.Errorf(core.KindInternal, "%s", fmt.Sprintf(format, args...))
}
