package core

import (
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// IsVector reports whether t is a vector type: a FixedSizeList of Float32
// (dtype Array(Float32, shape=d); VECTOR(d) in SQL).
func IsVector(t arrow.DataType) bool {
	f, ok := t.(*arrow.FixedSizeListType)
	return ok && f.Elem().ID() == arrow.FLOAT32
}

// VectorDim returns the dimension of a vector type (0 for other types).
func VectorDim(t arrow.DataType) int {
	if f, ok := t.(*arrow.FixedSizeListType); ok {
		return int(f.Len())
	}
	return 0
}

// VectorType is the vector type of dimension d.
func VectorType(d int) arrow.DataType {
	return arrow.FixedSizeListOf(int32(d), arrow.PrimitiveTypes.Float32)
}

// ShortText is s, or its first 40 characters and "…" when it is longer:
// for quoting values in error messages.
func ShortText(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
