package storage

import (
	"encoding/binary"
	"math"

	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// rowDecoder is the one walker of stored rows (key and value): it decodes
// the columns chosen when it is made into slots of a []datum and skips the
// others without decoding them. Scans use it with their output columns as
// slots (then append the datums to Arrow builders), row reads
// (decodeRow) with every column at its table position.
type rowDecoder struct {
	d        *TableDesc
	slotByID []int32    // column id -> slot, -1: not read (or dropped)
	keySlot  []int32    // i-th key column -> slot, -1: not read
	keyUpTo  int        // key columns to decode: up to the last one read
	types    []*colType // slot -> column type
	defaults []datum    // slot -> value of a row written before the column existed
	isKey    []bool     // slot -> read from the key
	inValue  int        // slots read from the value
}

// newRowDecoder decodes the table columns at positions into slots 0,
// 1, ... in that order (a position may appear once).
func newRowDecoder(d *TableDesc, positions []int) *rowDecoder {
	rd := &rowDecoder{d: d, slotByID: make([]int32, len(d.posByID)), keySlot: make([]int32, len(d.pk)),
		types: make([]*colType, len(positions)), defaults: make([]datum, len(positions)), isKey: make([]bool, len(positions))}
	for i := range rd.slotByID {
		rd.slotByID[i] = -1
	}
	for i := range rd.keySlot {
		rd.keySlot[i] = -1
	}
	for s, p := range positions {
		c := &d.Columns[p]
		rd.types[s], rd.defaults[s] = &c.typ, c.defaultV
		if d.isKey(p) {
			rd.isKey[s] = true
			for k, kp := range d.pk {
				if kp == p {
					rd.keySlot[k] = int32(s)
					rd.keyUpTo = max(rd.keyUpTo, k+1)
				}
			}
			continue
		}
		if int(c.ID) < len(rd.slotByID) {
			rd.slotByID[c.ID] = int32(s)
			rd.inValue++
		}
	}
	return rd
}

// decode fills out (one datum per slot) from a row's key and value. seen
// is scratch space of the same length.
func (rd *rowDecoder) decode(key, val []byte, out []datum, seen []bool) error {
	pk := key[min(len(key), rowPrefixLen):]
	for k := 0; k < rd.keyUpTo; k++ {
		v, rest, err := decodeKey(pk, &rd.d.Columns[rd.d.pk[k]].typ)
		if err != nil {
			return err
		}
		pk = rest
		if s := rd.keySlot[k]; s >= 0 {
			out[s] = v
		}
	}
	if rd.keyUpTo == len(rd.d.pk) && len(pk) != 0 {
		return errBadKey
	}
	clear(seen)
	b, err := rowBody(val)
	if err != nil {
		return err
	}
	// A row holds each column once: the walk stops at the last column
	// read, leaving the fields after it (often the long strings) unparsed.
	left := rd.inValue
	for len(b) > 0 && left > 0 {
		id, wire, payload, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		if id >= uint64(len(rd.slotByID)) {
			continue // a column added by a newer schema than this decoder's
		}
		s := rd.slotByID[id]
		if s < 0 {
			continue // not read, or dropped
		}
		if err := decodeField(rd.types[s], wire, payload, &out[s]); err != nil {
			return err
		}
		if !seen[s] {
			seen[s] = true
			left--
		}
	}
	if left == 0 {
		return nil
	}
	for s, ok := range seen {
		if !ok && !rd.isKey[s] {
			out[s] = rd.defaults[s]
		}
	}
	return nil
}

// fieldDatum decodes a field's payload as a value of type t (see
// decodeField).
func fieldDatum(t *colType, wire uint8, p []byte) (datum, error) {
	var v datum
	err := decodeField(t, wire, p, &v)
	return v, err
}

// decodeField decodes a field's payload as a value of type t into v,
// checking that the wire type is the one t is written with.
func decodeField(t *colType, wire uint8, p []byte, v *datum) error {
	if wire == wireNull {
		*v = nullDatum
		return nil
	}
	v.null = false
	switch t.kind {
	case kInt, kDate, kTimestamp, kBool:
		if wire != wireVarint {
			return errBadRow
		}
		x, n := binary.Varint(p)
		if n <= 0 {
			return errBadRow
		}
		v.i = x
	case kUint:
		if wire != wireVarint {
			return errBadRow
		}
		x, n := binary.Uvarint(p)
		if n <= 0 {
			return errBadRow
		}
		v.u = x
	case kFloat32:
		if wire != wireFixed32 {
			return errBadRow
		}
		v.f = float64(math.Float32frombits(binary.LittleEndian.Uint32(p)))
	case kFloat64:
		if wire != wireFixed64 {
			return errBadRow
		}
		v.f = math.Float64frombits(binary.LittleEndian.Uint64(p))
	case kDecimal:
		if wire != wireFixed16 {
			return errBadRow
		}
		v.d = decimal128.New(int64(binary.LittleEndian.Uint64(p[8:])), binary.LittleEndian.Uint64(p))
	case kString, kBinary:
		if wire != wireBytes {
			return errBadRow
		}
		v.b = p
	case kVector:
		switch {
		case wire == wireBytes && len(p) == 4*t.dim:
			v.b = p
		case wire == wirePacked:
			// A new buffer: the datum may outlive the value it came from.
			b := make([]byte, 4*t.dim)
			if vector.UnpackTo(b, p) != nil {
				return errBadRow
			}
			v.b = b
		default:
			return errBadRow
		}
	default:
		return errBadRow
	}
	return nil
}
