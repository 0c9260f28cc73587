package parquet

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// RowGroupStats returns the statistics the writer recorded for column col
// (an index into Schema()) of row group rg, decoded to Go values that match
// the column's Arrow type:
//
//	signed integers, Date32 (days), Time32/Time64 and Timestamp (ticks)  int64
//	unsigned integers                                                    uint64
//	Float32, Float64                                                     float64
//	String                                                               string
//	Binary, FixedSizeBinary                                              []byte
//	Boolean                                                              bool
//	Decimal128 of precision ≤ 18                                         int64 (unscaled)
//
// min and max bound the column's non-null values: writers may truncate long
// strings, so they are bounds, not necessarily values of the column. For a
// chunk of nulls only, min and max are nil with ok true.
//
// ok is false when the chunk has no usable statistics: none written, only the
// legacy min/max fields for a type whose order they do not define (strings,
// unsigned integers, decimals held in byte arrays), a NaN bound, INT96
// timestamps, Float16, decimals of precision above 18, or an out-of-range
// rg or col. nullCount is meaningful only when ok is true (Parquet readers
// cannot tell a missing null count from zero).
func (f *File) RowGroupStats(rg int, col int) (min, max any, nullCount int64, ok bool) {
	md := f.file.Metadata()
	if rg < 0 || rg >= len(md.RowGroups) || col < 0 || col >= len(f.cols) {
		return nil, nil, 0, false
	}
	c := &f.cols[col]
	if c.unsupported != "" || c.decoding == decodeNull {
		return nil, nil, 0, false
	}
	meta := &md.RowGroups[rg].Columns[c.leaf].MetaData
	st := &meta.Statistics
	minB, maxB := st.MinValue, st.MaxValue
	if minB == nil || maxB == nil {
		// The deprecated fields were filled with signed comparisons: they
		// order only the types whose order is signed.
		minB, maxB = nil, nil
		if signedOrder(c) && st.Min != nil && st.Max != nil {
			minB, maxB = st.Min, st.Max
		}
	}
	if minB == nil || maxB == nil {
		if st.NullCount > 0 && st.NullCount == meta.NumValues {
			return nil, nil, st.NullCount, true
		}
		return nil, nil, 0, false
	}
	lo, okLo := decodeStat(c, minB, false)
	hi, okHi := decodeStat(c, maxB, true)
	if !okLo || !okHi {
		return nil, nil, 0, false
	}
	return lo, hi, st.NullCount, true
}

// signedOrder reports whether the legacy min/max statistics of a column are
// valid for it.
func signedOrder(c *parquetColumn) bool {
	switch c.decoding {
	case decodeCopy4, decodeCopy8, decodeInt32To8, decodeInt32To16, decodeInt32ToDecimal, decodeInt64ToDecimal, decodeBoolean:
		switch c.field.Type.ID() {
		case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
			return false
		}
		return true
	}
	return false
}

// decodeStat decodes one plain-encoded bound (byte arrays without their
// length prefix). isMax selects the float rule of the Parquet spec: a zero
// lower bound counts as -0 and a zero upper bound as +0.
func decodeStat(c *parquetColumn, b []byte, isMax bool) (any, bool) {
	need := physicalWidth(c.physical, c.typeLen)
	if need > 0 && len(b) < need {
		return nil, false
	}
	switch c.decoding {
	case decodeBoolean:
		if len(b) < 1 {
			return nil, false
		}
		return b[0]&1 != 0, true
	case decodeCopy4, decodeInt32To8, decodeInt32To16:
		v := binary.LittleEndian.Uint32(b)
		switch c.field.Type.ID() {
		case arrow.FLOAT32:
			return floatStat(float64(math.Float32frombits(v)), isMax)
		case arrow.UINT8, arrow.UINT16, arrow.UINT32:
			return uint64(v), true
		}
		return int64(int32(v)), true
	case decodeCopy8:
		v := binary.LittleEndian.Uint64(b)
		switch c.field.Type.ID() {
		case arrow.FLOAT64:
			return floatStat(math.Float64frombits(v), isMax)
		case arrow.UINT64:
			return v, true
		}
		return int64(v), true
	case decodeInt32ToDecimal:
		return int64(int32(binary.LittleEndian.Uint32(b))), true
	case decodeInt64ToDecimal:
		if c.field.Type.(*arrow.Decimal128Type).Precision > 18 {
			return nil, false
		}
		return int64(binary.LittleEndian.Uint64(b)), true
	case decodeFixedToDecimal, decodeBytesToDecimal:
		if c.field.Type.(*arrow.Decimal128Type).Precision > 18 || len(b) > 16 {
			return nil, false
		}
		d := decimalFromBigEndian(b)
		lo, hi := int64(d[0]), int64(d[1])
		if hi != lo>>63 { // does not fit in int64
			return nil, false
		}
		return lo, true
	case decodeByteArray:
		if c.field.Type.ID() == arrow.STRING {
			return string(b), true
		}
		return append([]byte(nil), b...), true
	case decodeFixed:
		if c.field.Type.ID() == arrow.FIXED_SIZE_BINARY && len(b) == c.typeLen {
			return append([]byte(nil), b...), true
		}
	}
	return nil, false
}

func floatStat(v float64, isMax bool) (any, bool) {
	if math.IsNaN(v) {
		return nil, false
	}
	if v == 0 {
		if isMax {
			v = 0
		} else {
			v = math.Copysign(0, -1)
		}
	}
	return v, true
}
