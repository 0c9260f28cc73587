package exec

import dec128 "github.com/apache/arrow-go/v18/arrow/decimal128"

func newDecimal128(hi int64, lo uint64) dec128.Num { return dec128.New(hi, lo) }
