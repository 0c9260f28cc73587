package kernels

// Parsing numbers from strings (str.to_integer).

import (
	"strconv"
	"strings"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// --- parsing numbers -------------------------------------------------------------------

// StrToInteger parses every string as an integer of type to in base (2 to
// 36), as Rust's from_str_radix: an optional sign ('+' only for unsigned
// types), then digits, nothing else. A string that does not parse or does
// not fit is an error when strict, otherwise null.
func StrToInteger(mem memory.Allocator, a arrow.Array, base int, to arrow.DataType, strict bool) (arrow.Array, error) {
	switch to.ID() {
	case arrow.INT8:
		return parseInts[int8](mem, a, base, to, strict)
	case arrow.INT16:
		return parseInts[int16](mem, a, base, to, strict)
	case arrow.INT32:
		return parseInts[int32](mem, a, base, to, strict)
	case arrow.INT64:
		return parseInts[int64](mem, a, base, to, strict)
	case arrow.UINT8:
		return parseInts[uint8](mem, a, base, to, strict)
	case arrow.UINT16:
		return parseInts[uint16](mem, a, base, to, strict)
	case arrow.UINT32:
		return parseInts[uint32](mem, a, base, to, strict)
	case arrow.UINT64:
		return parseInts[uint64](mem, a, base, to, strict)
	}
	return nil, core.Errorf(core.KindInvalidInput, "str.to_integer needs an integer data type, got %s", core.DTypeName(to))
}

func parseInts[T Int](mem memory.Allocator, a arrow.Array, base int, to arrow.DataType, strict bool) (arrow.Array, error) {
	if base < 2 || base > 36 {
		return nil, core.Errorf(core.KindCompute, "str.to_integer base must be between 2 and 36, got %d", base)
	}
	n := a.Len()
	c := newStrCol(a)
	size := int(unsafe.Sizeof(T(0))) * 8
	signed := core.IsSigned(to)
	buf, out := allocValues[T](mem, n)
	valid := validBits(mem, a, n)
	vb := valid.Bytes()
	failed, first := 0, ""
	for i := range n {
		out[i] = 0
		if !bitutil.BitIsSet(vb, i) {
			continue
		}
		s := c.at(i)
		var err error
		if signed {
			var v int64
			v, err = strconv.ParseInt(s, base, size)
			out[i] = T(v)
		} else {
			var v uint64
			scanDigits := s
			if len(scanDigits) > 1 && scanDigits[0] == '+' {
				scanDigits = scanDigits[1:]
			}
			v, err = strconv.ParseUint(scanDigits, base, size)
			out[i] = T(v)
		}
		if err != nil {
			out[i] = 0
			bitutil.ClearBit(vb, i)
			if failed == 0 {
				first = strings.Clone(s)
			}
			failed++
		}
	}
	if failed > 0 && strict {
		buf.Release()
		valid.Release()
		return nil, core.Errorf(core.KindCompute,
			"strict integer parsing failed for %d value(s), the first is %q (base %d, %s); use strict=False to get nulls instead",
			failed, first, base, core.DTypeName(to))
	}
	return makeArray(to, n, valid, buf), nil
}
