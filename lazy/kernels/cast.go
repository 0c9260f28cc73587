package kernels

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Cast converts a to type to. Values that do not fit (out of range, NaN to
// an integer, unparsable strings) fail a strict cast with a ComputeError that
// shows the first of them, and become null in a non-strict one.
func Cast(mem memory.Allocator, a arrow.Array, to arrow.DataType, strict bool) (arrow.Array, error) {
	from := a.DataType()
	if arrow.TypeEqual(from, to) {
		a.Retain()
		return a, nil
	}
	n := a.Len()
	if from.ID() == arrow.NULL {
		return Broadcast(mem, nil, to, n)
	}
	if from.ID() == arrow.DICTIONARY || to.ID() == arrow.DICTIONARY {
		return castDictionary(mem, a, to, strict)
	}
	c := caster{mem: mem, src: a, to: to, strict: strict}
	if isTemporal(from) || isTemporal(to) {
		return c.temporal()
	}
	if to.ID() == arrow.DECIMAL128 {
		return c.toDecimal()
	}
	if from.ID() == arrow.DECIMAL128 {
		return c.fromDecimal()
	}
	switch {
	case core.IsNumeric(from) && core.IsNumeric(to):
		return c.numeric()
	case from.ID() == arrow.BOOL && core.IsNumeric(to):
		return c.fromBool()
	case core.IsNumeric(from) && to.ID() == arrow.BOOL:
		return c.toBool()
	case core.IsString(to):
		return c.toString()
	case core.IsString(from):
		return c.fromString()
	}
	return nil, core.Errorf(core.KindNotSupported, "casting %s to %s is not supported",
		core.DTypeName(from), core.DTypeName(to))
}

type caster struct {
	mem    memory.Allocator
	src    arrow.Array
	to     arrow.DataType
	strict bool
	// validity is the output validity, created on the first value that does not fit.
	validity *memory.Buffer
	// from names the source type in errors when src is an intermediate
	// (String parsed into Int64 before narrowing); empty means src's type.
	from string
}

func (c *caster) fromName() string {
	if c.from != "" {
		return c.from
	}
	return core.DTypeName(c.src.DataType())
}

// reject records that row i does not fit: an error for a strict cast, a null otherwise.
func (c *caster) reject(i int, shown string) error {
	if c.strict {
		return core.Errorf(core.KindCompute,
			"strict cast from %s to %s failed for value %s; use cast(..., strict=False) to turn such values into nulls",
			c.fromName(), core.DTypeName(c.to), shown)
	}
	if c.validity == nil {
		c.validity = validityOf(c.mem, c.src)
		if c.validity == nil {
			c.validity = allocBitmap(c.mem, c.src.Len())
			bitutil.SetBitsTo(c.validity.Bytes(), 0, int64(c.src.Len()), true)
		}
	}
	bitutil.ClearBit(c.validity.Bytes(), i)
	return nil
}

func (c *caster) outValidity() *memory.Buffer {
	if c.validity != nil {
		return c.validity
	}
	return validityOf(c.mem, c.src)
}

func (c *caster) numeric() (arrow.Array, error) {
	switch c.src.DataType().ID() {
	case arrow.INT8:
		return castFrom[int8](c)
	case arrow.INT16:
		return castFrom[int16](c)
	case arrow.INT32:
		return castFrom[int32](c)
	case arrow.INT64:
		return castFrom[int64](c)
	case arrow.UINT8:
		return castFrom[uint8](c)
	case arrow.UINT16:
		return castFrom[uint16](c)
	case arrow.UINT32:
		return castFrom[uint32](c)
	case arrow.UINT64:
		return castFrom[uint64](c)
	case arrow.FLOAT32:
		return castFrom[float32](c)
	case arrow.FLOAT64:
		return castFrom[float64](c)
	}
	return nil, typeErr("cast", c.src.DataType())
}

func castFrom[S Num](c *caster) (arrow.Array, error) {
	switch c.to.ID() {
	case arrow.INT8:
		return castNum[S, int8](c, math.MinInt8, math.MaxInt8)
	case arrow.INT16:
		return castNum[S, int16](c, math.MinInt16, math.MaxInt16)
	case arrow.INT32:
		return castNum[S, int32](c, math.MinInt32, math.MaxInt32)
	case arrow.INT64:
		return castNum[S, int64](c, math.MinInt64, math.MaxInt64)
	case arrow.UINT8:
		return castNum[S, uint8](c, 0, math.MaxUint8)
	case arrow.UINT16:
		return castNum[S, uint16](c, 0, math.MaxUint16)
	case arrow.UINT32:
		return castNum[S, uint32](c, 0, math.MaxUint32)
	case arrow.UINT64:
		return castNum[S, uint64](c, 0, math.MaxUint64)
	case arrow.FLOAT32:
		return castNum[S, float32](c, 0, 0)
	case arrow.FLOAT64:
		return castNum[S, float64](c, 0, 0)
	}
	return nil, typeErr("cast", c.to)
}

// castNum converts S values to D. lo and hi bound D when it is an integer type.
func castNum[S, D Num](c *caster, lo, hi float64) (arrow.Array, error) {
	src := values[S](c.src)
	buf, out := allocValues[D](c.mem, len(src))
	toFloat := core.IsFloat(c.to)
	fromFloat := core.IsFloat(c.src.DataType())
	hasNulls := c.src.NullN() > 0
	for i, x := range src {
		d := D(x)
		out[i] = d
		if toFloat {
			continue
		}
		var ok bool
		if fromFloat {
			// The fraction is dropped first, as in Polars: -0.5 fits UInt8
			// as 0. NaN fails both comparisons.
			f := math.Trunc(float64(x))
			ok = f >= lo && f < hi+1
		} else {
			var zs S
			var zd D
			ok = S(d) == x && (x < zs) == (d < zd)
		}
		if !ok && !(hasNulls && c.src.IsNull(i)) {
			if err := c.reject(i, formatNum(x, fromFloat)); err != nil {
				buf.Release()
				releaseAll(c.validity)
				return nil, err
			}
			out[i] = 0
		}
	}
	return makeArray(c.to, len(src), c.outValidity(), buf), nil
}

// formatNum shows a value in an error message: integers exactly, floats as
// a cast to String prints them.
func formatNum[S Num](x S, isFloat bool) string {
	if isFloat {
		return FormatFloat(float64(x), int(unsafe.Sizeof(x))*8)
	}
	return fmt.Sprint(x)
}

func (c *caster) fromBool() (arrow.Array, error) {
	n := c.src.Len()
	ones, err := Broadcast(c.mem, int64(1), arrow.PrimitiveTypes.Int64, n)
	if err != nil {
		return nil, err
	}
	defer ones.Release()
	b := array.NewInt64Builder(c.mem)
	defer b.Release()
	src := c.src.(*array.Boolean)
	b.Reserve(n)
	for i := range n {
		if src.IsNull(i) {
			b.AppendNull()
		} else if src.Value(i) {
			b.UnsafeAppend(1)
		} else {
			b.UnsafeAppend(0)
		}
	}
	i64 := b.NewArray()
	defer i64.Release()
	return Cast(c.mem, i64, c.to, c.strict)
}

func (c *caster) toBool() (arrow.Array, error) {
	zero := ScalarValue(int64(0), c.src.DataType())
	if core.IsFloat(c.src.DataType()) {
		zero = ScalarValue(float64(0), c.src.DataType())
	}
	return Compare(c.mem, NotEq, ArrayValue(c.src), zero, c.src.Len())
}

func (c *caster) toString() (arrow.Array, error) {
	n := c.src.Len()
	b := array.NewStringBuilder(c.mem)
	defer b.Release()
	b.Reserve(n)
	format := formatter(c.src)
	if format == nil {
		return nil, core.Errorf(core.KindNotSupported, "casting %s to String is not supported",
			core.DTypeName(c.src.DataType()))
	}
	for i := range n {
		if c.src.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(format(i))
		}
	}
	return b.NewArray(), nil
}

// formatter returns a function rendering row i of a as Polars renders it in
// a cast to String; nil when a's type has none.
func formatter(a arrow.Array) func(int) string {
	switch x := a.(type) {
	case *array.String, *array.LargeString, *array.StringView:
		return StringAt(a)
	case *array.Boolean:
		return func(i int) string { return strconv.FormatBool(x.Value(i)) }
	case *array.Float32:
		return func(i int) string { return FormatFloat(float64(x.Value(i)), 32) }
	case *array.Float64:
		return func(i int) string { return FormatFloat(x.Value(i), 64) }
	}
	t := a.DataType()
	switch {
	case core.IsSigned(t):
		return func(i int) string { return strconv.FormatInt(signedAt(a, i), 10) }
	case core.IsUnsigned(t):
		return func(i int) string { return strconv.FormatUint(unsignedAt(a, i), 10) }
	}
	return nil
}

// FormatFloat renders a float the way Polars prints it in a cast to String:
// the shortest digits that read back to the same float of that many bits,
// in positional notation with a ".0" on integral values while the decimal
// point falls within 16 digits (13 for Float32) and after at most 5 leading
// zeros (6), in scientific notation otherwise ("1e+16", "1.5e-7"); NaN is
// "NaN" and infinities are "inf" and "-inf".
func FormatFloat(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	maxPoint, minPoint := 16, -5
	if bits == 32 {
		maxPoint, minPoint = 13, -6
	}
	// The shortest digits d1d2…dn and the position of the decimal point
	// after them: v = 0.d1d2…dn × 10^point.
	sci := strconv.FormatFloat(v, 'e', -1, bits)
	sign := ""
	if sci[0] == '-' {
		sign, sci = "-", sci[1:]
	}
	mant, exp, _ := strings.Cut(sci, "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	point := e + 1
	switch {
	case len(digits) <= point && point <= maxPoint:
		return sign + digits + strings.Repeat("0", point-len(digits)) + ".0"
	case 0 < point && point <= maxPoint:
		return sign + digits[:point] + "." + digits[point:]
	case minPoint < point && point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits
	}
	s := sign + digits[:1]
	if len(digits) > 1 {
		s += "." + digits[1:]
	}
	if e < 0 {
		return s + "e-" + strconv.Itoa(-e)
	}
	return s + "e+" + strconv.Itoa(e)
}

func signedAt(a arrow.Array, i int) int64 {
	switch x := a.(type) {
	case *array.Int8:
		return int64(x.Value(i))
	case *array.Int16:
		return int64(x.Value(i))
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Int64:
		return x.Value(i)
	}
	return 0
}

func unsignedAt(a arrow.Array, i int) uint64 {
	switch x := a.(type) {
	case *array.Uint8:
		return uint64(x.Value(i))
	case *array.Uint16:
		return uint64(x.Value(i))
	case *array.Uint32:
		return uint64(x.Value(i))
	case *array.Uint64:
		return x.Value(i)
	}
	return 0
}

func (c *caster) fromString() (arrow.Array, error) {
	n := c.src.Len()
	at := StringAt(c.src)
	to := c.to
	var b array.Builder
	switch {
	case core.IsFloat(to):
		b = array.NewFloat64Builder(c.mem)
	case core.IsSigned(to):
		b = array.NewInt64Builder(c.mem)
	case core.IsUnsigned(to):
		b = array.NewUint64Builder(c.mem)
	default:
		return nil, core.Errorf(core.KindNotSupported, "casting String to %s is not supported", core.DTypeName(to))
	}
	defer b.Release()
	for i := range n {
		if c.src.IsNull(i) {
			b.AppendNull()
			continue
		}
		// As Polars: no surrounding spaces, no digit separators.
		s := at(i)
		var err error
		if strings.ContainsAny(s, "_ \t\n") {
			err = strconv.ErrSyntax
		}
		switch bb := b.(type) {
		case *array.Float64Builder:
			var v float64
			if err == nil {
				v, err = strconv.ParseFloat(s, 64)
			}
			if err == nil {
				bb.Append(v)
			}
		case *array.Int64Builder:
			var v int64
			if err == nil {
				v, err = strconv.ParseInt(s, 10, 64)
			}
			if err == nil {
				bb.Append(v)
			}
		case *array.Uint64Builder:
			var v uint64
			if err == nil {
				v, err = strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, 64)
			}
			if err == nil {
				bb.Append(v)
			}
		}
		if err != nil {
			if c.strict {
				return nil, core.Errorf(core.KindCompute,
					"strict cast from String to %s failed for value %q; use cast(..., strict=False) to turn such values into nulls",
					core.DTypeName(to), at(i))
			}
			b.AppendNull()
		}
	}
	wide := b.NewArray()
	defer wide.Release()
	if arrow.TypeEqual(wide.DataType(), to) {
		wide.Retain()
		return wide, nil
	}
	narrow := caster{mem: c.mem, src: wide, to: to, strict: c.strict, from: "String"}
	return narrow.numeric()
}

// fromDecimal converts Decimal128 values to floats (or their text).
func (c *caster) fromDecimal() (arrow.Array, error) {
	if core.IsInteger(c.to) {
		return c.decimalToInt()
	}
	d := c.src.(*array.Decimal128)
	scale := d.DataType().(*arrow.Decimal128Type).Scale
	n := d.Len()
	if core.IsString(c.to) {
		b := array.NewStringBuilder(c.mem)
		defer b.Release()
		for i := range n {
			if d.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(d.Value(i).ToString(scale))
			}
		}
		return b.NewArray(), nil
	}
	buf, out := allocWritten[float64](c.mem, n) // every row, nulls' too

	DecimalFloats(out, values128(d), scale)
	f := makeArray(arrow.PrimitiveTypes.Float64, n, validityOf(c.mem, c.src), buf)
	if c.to.ID() == arrow.FLOAT64 {
		return f, nil
	}
	defer f.Release()
	return Cast(c.mem, f, c.to, c.strict)
}

// values128 returns the 16-byte values of a Decimal128 array as pairs of
// words (honouring the offset).
func values128(a arrow.Array) []uint64 {
	d := a.Data()
	if len(d.Buffers()) < 2 || d.Buffers()[1] == nil {
		return nil // an empty array may have no value buffer
	}
	b := d.Buffers()[1].Bytes()
	if len(b) == 0 {
		return nil
	}
	all := unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8)
	return all[2*d.Offset() : 2*(d.Offset()+d.Len())]
}

// castDictionary casts from a Categorical through its values (decoded, then
// cast as a String is) and to a Categorical from the values as a String.
func castDictionary(mem memory.Allocator, a arrow.Array, to arrow.DataType, strict bool) (arrow.Array, error) {
	if a.DataType().ID() == arrow.DICTIONARY {
		if !core.IsCategorical(a.DataType()) {
			return nil, typeErr("casting", a.DataType())
		}
		plain, err := DictDecode(mem, a)
		if err != nil {
			return nil, err
		}
		defer plain.Release()
		return Cast(mem, plain, to, strict)
	}
	if !core.IsCategorical(to) {
		return nil, core.Errorf(core.KindNotSupported, "casting %s to %s is not supported",
			core.DTypeName(a.DataType()), core.DTypeName(to))
	}
	s, err := Cast(mem, a, arrow.BinaryTypes.String, strict)
	if err != nil {
		return nil, err
	}
	defer s.Release()
	return DictEncode(mem, s)
}
