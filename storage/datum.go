package storage

import (
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// datum is one value of a column, already exact in the column's type: the
// common currency of the key codec, the row codec and the casts. It is a
// plain struct (no interface boxing) so the write and scan loops allocate
// nothing per value.
type datum struct {
	null bool
	i    int64          // kInt, kDate, kTimestamp, kBool (0/1)
	u    uint64         // kUint
	f    float64        // kFloat32 (widened exactly), kFloat64
	d    decimal128.Num // kDecimal: the unscaled value
	b    []byte         // kString, kBinary, kVector (little-endian float32s)
}

var nullDatum = datum{null: true}
