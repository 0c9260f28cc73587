package storage

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/alopexdb/alopex/core"
)

// Key space (docs/storage-format.md has the full picture):
//
//	m{name}                                  metadata: the alopex marker, counters
//	c t {table name}                         catalog: table descriptor
//	c v {view name}                          catalog: view text
//	t{tableID:8}r{pk values}                 a row (value: rowcodec)
//	t{tableID:8}i{indexID:4}{values}{pk}     a non-unique index entry (empty value)
//	t{tableID:8}i{indexID:4}{values}         a unique index entry (value: pk bytes)
//
// Table ids are never reused (TRUNCATE takes a fresh one), so dropping or
// truncating a table is a catalog change plus a range deletion of the old
// id's keys after the commit.
const (
	prefixMeta    = 'm'
	prefixCatalog = 'c'
	prefixTable   = 't'
	markRow       = 'r'
	markIndex     = 'i'
)

// Value tags of the key encoding. NULL sorts before every value.
const (
	tagNull  = 0x01
	tagValue = 0x02
)

// Lengths of the fixed key prefixes: 't' id:8 'r', and 't' id:8 'i' index:4.
const (
	rowPrefixLen   = 10
	indexPrefixLen = 14
)

// appendRowPrefix appends a row-key prefix without allocating.
func appendRowPrefix(b []byte, id uint64) []byte {
	b = append(b, prefixTable)
	return append(binary.BigEndian.AppendUint64(b, id), markRow)
}

func tablePrefix(id uint64) []byte {
	b := make([]byte, 0, 16)
	b = append(b, prefixTable)
	return binary.BigEndian.AppendUint64(b, id)
}

func rowPrefix(id uint64) []byte { return append(tablePrefix(id), markRow) }

func indexPrefix(table uint64, index uint32) []byte {
	return binary.BigEndian.AppendUint32(append(tablePrefix(table), markIndex), index)
}

// prefixEnd is the smallest key greater than every key with prefix p (nil:
// no such key, p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// appendKey appends the memcomparable encoding of v (a value of type t):
// comparing encodings bytewise orders them as the values order, NULL first.
func appendKey(b []byte, t *colType, v datum) []byte {
	if v.null {
		return append(b, tagNull)
	}
	b = append(b, tagValue)
	switch t.kind {
	case kInt, kDate, kTimestamp:
		return binary.BigEndian.AppendUint64(b, uint64(v.i)^(1<<63))
	case kUint:
		return binary.BigEndian.AppendUint64(b, v.u)
	case kBool:
		return append(b, byte(v.i))
	case kFloat32, kFloat64:
		return binary.BigEndian.AppendUint64(b, floatKeyBits(v.f))
	case kDecimal:
		b = binary.BigEndian.AppendUint64(b, uint64(v.d.HighBits())^(1<<63))
		return binary.BigEndian.AppendUint64(b, v.d.LowBits())
	case kString, kBinary:
		return appendEscaped(b, v.b)
	}
	panic("storage: appendKey of a type that is not keyable")
}

// floatKeyBits maps a float onto an unsigned integer of the same order:
// -0.0 is 0.0, and every NaN is one NaN above +Inf (Polars orders NaN last).
func floatKeyBits(f float64) uint64 {
	switch {
	case f == 0:
		f = 0
	case f != f:
		return math.MaxUint64
	}
	u := math.Float64bits(f)
	if u>>63 == 1 {
		return ^u
	}
	return u | 1<<63
}

func floatFromKeyBits(u uint64) float64 {
	if u == math.MaxUint64 {
		return math.NaN()
	}
	if u>>63 == 1 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

// appendEscaped writes bytes so that they order as the raw bytes do and no
// encoding is a prefix of another: 0x00 becomes 0x00 0xff, and 0x00 0x01
// ends the value.
func appendEscaped(b, s []byte) []byte {
	for _, c := range s {
		if c == 0 {
			b = append(b, 0, 0xff)
		} else {
			b = append(b, c)
		}
	}
	return append(b, 0, 1)
}

var errBadKey = core.Errorf(core.KindInternal, "storage: corrupt key encoding")

// decodeKey reads one value of type t from the front of b and returns the
// rest. It never panics: bytes that are not an encoding give errBadKey.
func decodeKey(b []byte, t *colType) (datum, []byte, error) {
	if len(b) == 0 {
		return datum{}, nil, errBadKey
	}
	switch b[0] {
	case tagNull:
		return nullDatum, b[1:], nil
	case tagValue:
	default:
		return datum{}, nil, errBadKey
	}
	b = b[1:]
	var v datum
	switch t.kind {
	case kInt, kDate, kTimestamp, kUint, kFloat32, kFloat64:
		if len(b) < 8 {
			return datum{}, nil, errBadKey
		}
		u := binary.BigEndian.Uint64(b)
		switch t.kind {
		case kUint:
			v.u = u
		case kFloat32, kFloat64:
			v.f = floatFromKeyBits(u)
		default:
			v.i = int64(u ^ (1 << 63))
		}
		return v, b[8:], nil
	case kBool:
		if len(b) < 1 || b[0] > 1 {
			return datum{}, nil, errBadKey
		}
		v.i = int64(b[0])
		return v, b[1:], nil
	case kDecimal:
		if len(b) < 16 {
			return datum{}, nil, errBadKey
		}
		hi := int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
		v.d = decimal128.New(hi, binary.BigEndian.Uint64(b[8:]))
		return v, b[16:], nil
	case kString, kBinary:
		out := make([]byte, 0, 16)
		for i := 0; i < len(b); i++ {
			if b[i] != 0 {
				out = append(out, b[i])
				continue
			}
			if i+1 >= len(b) {
				return datum{}, nil, errBadKey
			}
			switch b[i+1] {
			case 0xff:
				out = append(out, 0)
				i++
			case 1:
				v.b = out
				return v, b[i+2:], nil
			default:
				return datum{}, nil, errBadKey
			}
		}
		return datum{}, nil, errBadKey
	}
	return datum{}, nil, errBadKey
}
