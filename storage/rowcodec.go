package storage

import (
	"encoding/binary"
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
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
	wireBytes   = 5 // uvarint length, then bytes (string, binary, a vector written before packing)
	// wirePacked: uvarint length, then a vector packed losslessly
	// (vector.AppendPacked: ~84% of its float32 bytes). A vector that does
	// not pack smaller is written as wireBytes; readers take both.
	wirePacked = 6
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
	case kVector:
		if n := vector.PackedLen(v.b); n < len(v.b) {
			b = binary.AppendUvarint(b, tag|wirePacked)
			b = binary.AppendUvarint(b, uint64(n))
			return vector.AppendPacked(b, v.b)
		}
		b = binary.AppendUvarint(b, tag|wireBytes)
		b = binary.AppendUvarint(b, uint64(len(v.b)))
		return append(b, v.b...)
	default: // kString, kBinary
		b = binary.AppendUvarint(b, tag|wireBytes)
		b = binary.AppendUvarint(b, uint64(len(v.b)))
		return append(b, v.b...)
	}
}

// rowBody returns a row value's fields, past its header (format version
// and schema version).
func rowBody(val []byte) ([]byte, error) {
	if len(val) < 2 || val[0] != rowFormatVersion {
		return nil, errBadRow
	}
	sv, n := binary.Uvarint(val[1:])
	if n <= 0 || sv > math.MaxUint32 {
		return nil, errBadRow
	}
	return val[1+n:], nil
}

// nextField splits the first field off b (a row value past its header, or
// one encoded field): its column id, wire type and raw payload, and the
// fields after it.
func nextField(b []byte) (id uint64, wire uint8, payload, rest []byte, err error) {
	var tag uint64
	if len(b) > 0 && b[0] < 0x80 { // the tag of the first 16 column ids: one byte
		tag, b = uint64(b[0]), b[1:]
	} else {
		var n int
		if tag, n = binary.Uvarint(b); n <= 0 || tag>>3 > math.MaxUint32 {
			return 0, 0, nil, nil, errBadRow
		}
		b = b[n:]
	}
	var size int
	switch wire = uint8(tag & 7); wire {
	case wireNull:
	case wireVarint:
		if _, size = binary.Uvarint(b); size <= 0 {
			return 0, 0, nil, nil, errBadRow
		}
	case wireFixed32:
		size = 4
	case wireFixed64:
		size = 8
	case wireFixed16:
		size = 16
	case wireBytes, wirePacked:
		if len(b) > 0 && b[0] < 0x80 { // shorter than 128 bytes
			size, b = int(b[0]), b[1:]
			break
		}
		l, m := binary.Uvarint(b)
		if m <= 0 || l > uint64(len(b)-m) {
			return 0, 0, nil, nil, errBadRow
		}
		b = b[m:]
		size = int(l)
	default:
		return 0, 0, nil, nil, errBadRow
	}
	if size > len(b) {
		return 0, 0, nil, nil, errBadRow
	}
	return tag >> 3, wire, b[:size], b[size:], nil
}
