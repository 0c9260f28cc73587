package exec

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Optimize runs the optimizer over p with the executor's constant folding
// (evalConstant): what every caller that runs a plan uses.
func Optimize(p lazy.Plan) lazy.Plan { return lazy.Optimize(p, evalConstant) }

// Rules is the optimizer's passes with the executor's constant folding.
func Rules() []lazy.Rule { return lazy.Rules(evalConstant) }

// evalConstant computes an expression that reads no column with the same
// kernels that would run it, over one row, and returns its value as a
// literal (the optimizer's constant folding). Types without a literal form
// (decimals, nested types) are not folded.
func evalConstant(e lazy.Expr) (lit *lazy.Literal, err error) {
	defer recoverAsError(&err)
	if !foldable(e.DataType()) {
		return nil, core.Errorf(core.KindNotSupported, "no literal of type %s", e.DataType())
	}
	mem := memory.DefaultAllocator
	one := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	v, err := evalExpr(mem, e, one)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	arr, err := v.Materialize(mem, 1)
	if err != nil {
		return nil, err
	}
	defer arr.Release()
	t := e.DataType()
	if arr.IsNull(0) {
		return &lazy.Literal{Type: t}, nil
	}
	var val any
	switch a := arr.(type) {
	case *array.Boolean:
		val = a.Value(0)
	case *array.String:
		val = a.Value(0)
	case *array.LargeString:
		val = a.Value(0)
	case *array.Float32:
		val = float64(a.Value(0))
	case *array.Float64:
		val = a.Value(0)
	case *array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		val = uint64(intAt(arr, 0))
	default:
		val = intAt(arr, 0)
	}
	if f, ok := val.(float64); ok && t.ID() == arrow.FLOAT32 && !math.IsNaN(f) && float64(float32(f)) != f {
		return nil, core.Errorf(core.KindNotSupported, "Float32 value %v", f)
	}
	return &lazy.Literal{Value: val, Type: t}, nil
}

func foldable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.BOOL, arrow.STRING, arrow.LARGE_STRING, arrow.FLOAT32, arrow.FLOAT64,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.DATE32, arrow.TIMESTAMP, arrow.DURATION, arrow.NULL:
		return true
	}
	return false
}
