package kernels

import (
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func isTemporal(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION:
		return true
	}
	return false
}

func unitOf(t arrow.DataType) arrow.TimeUnit {
	switch t := t.(type) {
	case *arrow.TimestampType:
		return t.Unit
	case *arrow.DurationType:
		return t.Unit
	}
	return arrow.Second
}

// floorDiv64 divides rounding toward negative infinity (dates before 1970).
func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Reinterpret returns a with the same buffers under another type of the
// same width (Date32 as Int32, Int64 as Timestamp, ...).
func Reinterpret(a arrow.Array, t arrow.DataType) arrow.Array {
	d := a.Data()
	nd := array.NewData(t, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
	defer nd.Release()
	return array.MakeFromData(nd)
}

// ticks reads a temporal or integer array as int64 values.
func ticks(a arrow.Array) []int64 {
	out := make([]int64, a.Len())
	switch fw := a.DataType().(arrow.FixedWidthDataType); fw.BitWidth() {
	case 32:
		for i, v := range values[int32](a) {
			out[i] = int64(v)
		}
	case 64:
		copy(out, values[int64](a))
	case 16:
		for i, v := range values[int16](a) {
			out[i] = int64(v)
		}
	case 8:
		for i, v := range values[int8](a) {
			out[i] = int64(v)
		}
	}
	return out
}

// buildTicks makes an array of type t from int64 ticks and a's validity.
func buildTicks(mem memory.Allocator, t arrow.DataType, vals []int64, like arrow.Array) arrow.Array {
	validity := validityOf(mem, like)
	if t.(arrow.FixedWidthDataType).BitWidth() == 32 {
		buf, out := allocValues[int32](mem, len(vals))
		for i, v := range vals {
			out[i] = int32(v)
		}
		return makeArray(t, len(vals), validity, buf)
	}
	buf, out := allocValues[int64](mem, len(vals))
	copy(out, vals)
	return makeArray(t, len(vals), validity, buf)
}

func (c *caster) temporal() (arrow.Array, error) {
	from, to := c.src.DataType(), c.to
	src := c.src
	switch {
	case core.IsString(to):
		return c.temporalToString()
	case core.IsString(from):
		return c.parseTemporal()
	case core.IsInteger(from) && isTemporal(to):
		// Raw days or ticks.
		w := int64(to.(arrow.FixedWidthDataType).BitWidth())
		tmp := arrow.PrimitiveTypes.Int64
		if w == 32 {
			tmp = arrow.PrimitiveTypes.Int32
		}
		ints, err := Cast(c.mem, src, tmp, c.strict)
		if err != nil {
			return nil, err
		}
		defer ints.Release()
		return Reinterpret(ints, to), nil
	case isTemporal(from) && core.IsInteger(to):
		w := from.(arrow.FixedWidthDataType).BitWidth()
		tmp := arrow.DataType(arrow.PrimitiveTypes.Int64)
		if w == 32 {
			tmp = arrow.PrimitiveTypes.Int32
		}
		raw := Reinterpret(src, tmp)
		defer raw.Release()
		return Cast(c.mem, raw, to, c.strict)
	}
	v := ticks(src)
	day := func(u arrow.TimeUnit) int64 { return 86400 * core.UnitsPerSecond(u) }
	switch {
	case from.ID() == arrow.DATE32 && to.ID() == arrow.TIMESTAMP:
		d := day(unitOf(to))
		for i := range v {
			v[i] *= d
		}
	case from.ID() == arrow.DATE64 && to.ID() == arrow.DATE32:
		for i := range v {
			v[i] = floorDiv64(v[i], 86_400_000)
		}
	case from.ID() == arrow.DATE32 && to.ID() == arrow.DATE64:
		for i := range v {
			v[i] *= 86_400_000
		}
	case from.ID() == arrow.TIMESTAMP && to.ID() == arrow.DATE32:
		d := day(unitOf(from))
		for i := range v {
			v[i] = floorDiv64(v[i], d)
		}
	case (from.ID() == arrow.TIMESTAMP && to.ID() == arrow.TIMESTAMP) || (from.ID() == arrow.DURATION && to.ID() == arrow.DURATION):
		fu, tu := core.UnitsPerSecond(unitOf(from)), core.UnitsPerSecond(unitOf(to))
		for i := range v {
			if tu >= fu {
				v[i] *= tu / fu
			} else {
				v[i] = floorDiv64(v[i], fu/tu)
			}
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "casting %s to %s is not supported",
			core.DTypeName(from), core.DTypeName(to))
	}
	return buildTicks(c.mem, to, v, src), nil
}

func (c *caster) temporalToString() (arrow.Array, error) {
	src := c.src
	v := ticks(src)
	b := array.NewStringBuilder(c.mem)
	defer b.Release()
	b.Reserve(len(v))
	t := src.DataType()
	for i, x := range v {
		if src.IsNull(i) {
			b.AppendNull()
			continue
		}
		switch t.ID() {
		case arrow.DATE32:
			b.Append(arrow.Date32(x).FormattedString())
		case arrow.DATE64:
			b.Append(arrow.Date64(x).FormattedString())
		case arrow.TIMESTAMP:
			u := unitOf(t)
			layout := map[arrow.TimeUnit]string{arrow.Second: "2006-01-02 15:04:05", arrow.Millisecond: "2006-01-02 15:04:05.000",
				arrow.Microsecond: "2006-01-02 15:04:05.000000", arrow.Nanosecond: "2006-01-02 15:04:05.000000000"}[u]
			b.Append(arrow.Timestamp(x).ToTime(u).UTC().Format(layout))
		case arrow.DURATION:
			b.Append(time.Duration(x * (1_000_000_000 / core.UnitsPerSecond(unitOf(t)))).String())
		}
	}
	return b.NewArray(), nil
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "20060102"}
var datetimeLayouts = []string{
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05",
	"2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02",
}

// ParseTemporal parses s as a date (days since epoch) or a datetime (ticks
// of unit), trying ISO 8601 forms.
func ParseTemporal(s string, t arrow.DataType) (int64, bool) {
	s = strings.TrimSpace(s)
	layouts := datetimeLayouts
	if t.ID() == arrow.DATE32 {
		layouts = dateLayouts
	}
	for _, l := range layouts {
		tm, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		if t.ID() == arrow.DATE32 {
			return floorDiv64(tm.Unix(), 86400), true
		}
		ups := core.UnitsPerSecond(unitOf(t))
		return tm.Unix()*ups + int64(tm.Nanosecond())/(1_000_000_000/ups), true
	}
	return 0, false
}

func (c *caster) parseTemporal() (arrow.Array, error) {
	src := c.src
	at := StringAt(src)
	n := src.Len()
	v := make([]int64, n)
	for i := range n {
		if src.IsNull(i) {
			continue
		}
		x, ok := ParseTemporal(at(i), c.to)
		if !ok {
			if err := c.reject(i, `"`+at(i)+`"`); err != nil {
				return nil, err
			}
			continue
		}
		v[i] = x
	}
	out := buildTicks(c.mem, c.to, v, src)
	if c.validity == nil {
		return out, nil
	}
	defer out.Release()
	d := out.Data()
	nd := array.NewData(c.to, n, []*memory.Buffer{c.validity, d.Buffers()[1]}, nil, array.UnknownNullCount, 0)
	c.validity.Release()
	defer nd.Release()
	return array.MakeFromData(nd), nil
}
