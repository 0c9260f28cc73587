package storage

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// colSink appends decoded values of one column to its Arrow builder, the
// builder's concrete type resolved once (a kind switch per value, no call
// through a closure).
type colSink struct {
	kind  sinkKind
	b     array.Builder
	i8    *array.Int8Builder
	i16   *array.Int16Builder
	i32   *array.Int32Builder
	i64   *array.Int64Builder
	u8    *array.Uint8Builder
	u16   *array.Uint16Builder
	u32   *array.Uint32Builder
	u64   *array.Uint64Builder
	f32   *array.Float32Builder
	f64   *array.Float64Builder
	dec   *array.Decimal128Builder
	bin   *array.BinaryBuilder // string and binary
	boolB *array.BooleanBuilder
	date  *array.Date32Builder
	ts    *array.TimestampBuilder
	list  *array.FixedSizeListBuilder
	dim   int
}

type sinkKind uint8

const (
	sinkInt8 sinkKind = iota
	sinkInt16
	sinkInt32
	sinkInt64
	sinkUint8
	sinkUint16
	sinkUint32
	sinkUint64
	sinkFloat32
	sinkFloat64
	sinkDecimal
	sinkBinary
	sinkBool
	sinkDate
	sinkTimestamp
	sinkVector
)

// newColSink returns the sink of builder b for values of type t.
func newColSink(b array.Builder, t *colType) colSink {
	s := colSink{b: b, dim: t.dim}
	switch bb := b.(type) {
	case *array.Int8Builder:
		s.kind, s.i8 = sinkInt8, bb
	case *array.Int16Builder:
		s.kind, s.i16 = sinkInt16, bb
	case *array.Int32Builder:
		s.kind, s.i32 = sinkInt32, bb
	case *array.Int64Builder:
		s.kind, s.i64 = sinkInt64, bb
	case *array.Uint8Builder:
		s.kind, s.u8 = sinkUint8, bb
	case *array.Uint16Builder:
		s.kind, s.u16 = sinkUint16, bb
	case *array.Uint32Builder:
		s.kind, s.u32 = sinkUint32, bb
	case *array.Uint64Builder:
		s.kind, s.u64 = sinkUint64, bb
	case *array.Float32Builder:
		s.kind, s.f32 = sinkFloat32, bb
	case *array.Float64Builder:
		s.kind, s.f64 = sinkFloat64, bb
	case *array.Decimal128Builder:
		s.kind, s.dec = sinkDecimal, bb
	case *array.StringBuilder:
		s.kind, s.bin = sinkBinary, bb.BinaryBuilder
	case *array.BinaryBuilder:
		s.kind, s.bin = sinkBinary, bb
	case *array.BooleanBuilder:
		s.kind, s.boolB = sinkBool, bb
	case *array.Date32Builder:
		s.kind, s.date = sinkDate, bb
	case *array.TimestampBuilder:
		s.kind, s.ts = sinkTimestamp, bb
	case *array.FixedSizeListBuilder:
		s.kind, s.list, s.f32 = sinkVector, bb, bb.ValueBuilder().(*array.Float32Builder)
	default:
		panic("storage: no sink for " + t.arrow.String())
	}
	return s
}

// append appends v (a value of the sink's column type). Fixed-width values
// go in without a capacity check: the caller makes room first (reserve).
func (s *colSink) append(v *datum) {
	if v.null {
		s.b.AppendNull()
		return
	}
	switch s.kind {
	case sinkInt8:
		s.i8.UnsafeAppend(int8(v.i))
	case sinkInt16:
		s.i16.UnsafeAppend(int16(v.i))
	case sinkInt32:
		s.i32.UnsafeAppend(int32(v.i))
	case sinkInt64:
		s.i64.UnsafeAppend(v.i)
	case sinkUint8:
		s.u8.UnsafeAppend(uint8(v.u))
	case sinkUint16:
		s.u16.UnsafeAppend(uint16(v.u))
	case sinkUint32:
		s.u32.UnsafeAppend(uint32(v.u))
	case sinkUint64:
		s.u64.UnsafeAppend(v.u)
	case sinkFloat32:
		s.f32.UnsafeAppend(float32(v.f))
	case sinkFloat64:
		s.f64.UnsafeAppend(v.f)
	case sinkDecimal:
		s.dec.UnsafeAppend(v.d)
	case sinkBinary:
		s.bin.Append(v.b)
	case sinkBool:
		s.boolB.UnsafeAppend(v.i != 0)
	case sinkDate:
		s.date.UnsafeAppend(arrow.Date32(v.i))
	case sinkTimestamp:
		s.ts.UnsafeAppend(arrow.Timestamp(v.i))
	case sinkVector:
		s.list.Append(true)
		for k := 0; k < s.dim; k++ {
			s.f32.Append(math.Float32frombits(binary.LittleEndian.Uint32(v.b[4*k:])))
		}
	}
}

// reserve makes room for n more values (of fixed width: strings, binary
// and vector elements grow as they are appended).
func (s *colSink) reserve(n int) { s.b.Reserve(n) }
