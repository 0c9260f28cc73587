package storage

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/alopexdb/alopex/core"
)

// Row values (docs/storage-format.md, "Row format"):
//
//	version:1  schemaVersion:uvarint  { field }*
//	field = uvarint(columnID<<3 | wire)  payload
//
// The wire type says how long the payload is, independent of the column's
// type, so a reader skips fields of columns it does not know (dropped ones)
// and a column missing from a row (added later) reads as its default. Primary
// key columns are not repeated here: they are decoded from the key.
const (
	rowFormatVersion = 1

	wireNull    = 0 // no payload
	wireVarint  = 1 // zigzag varint (signed kinds, bool) or uvarint (kUint)
	wireFixed32 = 2 // float32, little endian
	wireFixed64 = 3 // float64, little endian
	wireFixed16 = 4 // decimal128: low 8 bytes then high 8 bytes, little endian
	wireBytes   = 5 // uvarint length, then bytes (string, binary, vector)
)

var errBadRow = core.Errorf(core.KindInternal, "storage: corrupt row value")

func appendRowHeader(b []byte, schemaVersion uint32) []byte {
	b = append(b, rowFormatVersion)
	return binary.AppendUvarint(b, uint64(schemaVersion))
}

// appendField appends column id's value v of type t.
func appendField(b []byte, id uint32, t *colType, v datum) []byte {
	tag := uint64(id) << 3
	if v.null {
		return binary.AppendUvarint(b, tag|wireNull)
	}
	switch t.kind {
	case kInt, kDate, kTimestamp, kBool:
		b = binary.AppendUvarint(b, tag|wireVarint)
		return binary.AppendVarint(b, v.i)
	case kUint:
		b = binary.AppendUvarint(b, tag|wireVarint)
		return binary.AppendUvarint(b, v.u)
	case kFloat32:
		b = binary.AppendUvarint(b, tag|wireFixed32)
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v.f)))
	case kFloat64:
		b = binary.AppendUvarint(b, tag|wireFixed64)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.f))
	case kDecimal:
		b = binary.AppendUvarint(b, tag|wireFixed16)
		b = binary.LittleEndian.AppendUint64(b, v.d.LowBits())
		return binary.LittleEndian.AppendUint64(b, uint64(v.d.HighBits()))
	default: // kString, kBinary, kVector
		b = binary.AppendUvarint(b, tag|wireBytes)
		b = binary.AppendUvarint(b, uint64(len(v.b)))
		return append(b, v.b...)
	}
}

// rowReader walks the fields of one row value.
type rowReader struct {
	b             []byte
	schemaVersion uint32
}

func newRowReader(b []byte) (rowReader, error) {
	if len(b) < 2 || b[0] != rowFormatVersion {
		return rowReader{}, errBadRow
	}
	sv, n := binary.Uvarint(b[1:])
	if n <= 0 || sv > math.MaxUint32 {
		return rowReader{}, errBadRow
	}
	return rowReader{b: b[1+n:], schemaVersion: uint32(sv)}, nil
}

// next returns the next field: its column id, wire type and raw payload;
// ok is false at the end of the row.
func (r *rowReader) next() (id uint32, wire uint8, payload []byte, ok bool, err error) {
	if len(r.b) == 0 {
		return 0, 0, nil, false, nil
	}
	tag, n := binary.Uvarint(r.b)
	if n <= 0 || tag>>3 > math.MaxUint32 {
		return 0, 0, nil, false, errBadRow
	}
	r.b = r.b[n:]
	id, wire = uint32(tag>>3), uint8(tag&7)
	var size int
	switch wire {
	case wireNull:
	case wireVarint:
		_, size = binary.Uvarint(r.b)
		if size <= 0 {
			return 0, 0, nil, false, errBadRow
		}
	case wireFixed32:
		size = 4
	case wireFixed64:
		size = 8
	case wireFixed16:
		size = 16
	case wireBytes:
		l, m := binary.Uvarint(r.b)
		if m <= 0 || l > uint64(len(r.b)-m) {
			return 0, 0, nil, false, errBadRow
		}
		r.b = r.b[m:]
		size = int(l)
	default:
		return 0, 0, nil, false, errBadRow
	}
	if size > len(r.b) {
		return 0, 0, nil, false, errBadRow
	}
	payload, r.b = r.b[:size], r.b[size:]
	return id, wire, payload, true, nil
}

// fieldDatum decodes a field's payload as a value of type t, checking that
// the wire type is the one t is written with.
func fieldDatum(t *colType, wire uint8, p []byte) (datum, error) {
	var v datum
	if wire == wireNull {
		return nullDatum, nil
	}
	switch t.kind {
	case kInt, kDate, kTimestamp, kBool:
		if wire != wireVarint {
			return v, errBadRow
		}
		x, n := binary.Varint(p)
		if n <= 0 {
			return v, errBadRow
		}
		v.i = x
	case kUint:
		if wire != wireVarint {
			return v, errBadRow
		}
		x, n := binary.Uvarint(p)
		if n <= 0 {
			return v, errBadRow
		}
		v.u = x
	case kFloat32:
		if wire != wireFixed32 {
			return v, errBadRow
		}
		v.f = float64(math.Float32frombits(binary.LittleEndian.Uint32(p)))
	case kFloat64:
		if wire != wireFixed64 {
			return v, errBadRow
		}
		v.f = math.Float64frombits(binary.LittleEndian.Uint64(p))
	case kDecimal:
		if wire != wireFixed16 {
			return v, errBadRow
		}
		v.d = decimal128.New(int64(binary.LittleEndian.Uint64(p[8:])), binary.LittleEndian.Uint64(p))
	case kString, kBinary:
		if wire != wireBytes {
			return v, errBadRow
		}
		v.b = p
	case kVector:
		if wire != wireBytes || len(p) != 4*t.dim {
			return v, errBadRow
		}
		v.b = p
	default:
		return v, errBadRow
	}
	return v, nil
}
