package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Dictionary-encoded (Categorical) columns. Row selection (Filter, Gather)
// works on the codes and keeps the dictionary; everything that looks at
// values (comparison, sort and group keys, string functions) decodes with
// DictDecode, because two batches of one column may carry different
// dictionaries and their codes cannot be compared.

// DictCodes returns the codes of a dictionary array widened to int32, with -1
// for null rows (the form Gather takes), reusing dst.
func DictCodes(a *array.Dictionary, dst []int32) []int32 {
	idx := a.Indices()
	n := idx.Len()
	if cap(dst) < n {
		dst = make([]int32, n)
	}
	dst = dst[:n]
	switch idx.DataType().ID() {
	case arrow.INT8:
		widen(dst, values[int8](idx))
	case arrow.UINT8:
		widen(dst, values[uint8](idx))
	case arrow.INT16:
		widen(dst, values[int16](idx))
	case arrow.UINT16:
		widen(dst, values[uint16](idx))
	case arrow.INT32:
		copy(dst, values[int32](idx))
	case arrow.UINT32:
		widen(dst, values[uint32](idx))
	case arrow.INT64:
		widen(dst, values[int64](idx))
	case arrow.UINT64:
		widen(dst, values[uint64](idx))
	}
	if idx.NullN() > 0 {
		for i := range dst {
			if idx.IsNull(i) {
				dst[i] = -1
			}
		}
	}
	return dst
}

func widen[T Int](dst []int32, src []T) {
	for i, v := range src {
		dst[i] = int32(v)
	}
}

// CheckDictCodes reports a code outside the dictionary (a malformed import)
// as an error instead of letting a gather read out of bounds.
func CheckDictCodes(codes []int32, dictLen int) error {
	for i, c := range codes {
		if c >= int32(dictLen) || c < -1 {
			return core.Errorf(core.KindInvalidInput,
				"row %d of a Categorical column has code %d but its dictionary holds %d values", i, c, dictLen)
		}
	}
	return nil
}

// DictDecode returns the values of a dictionary array as a plain array of
// its value type (String for a Categorical): the dictionary gathered by the
// codes, null where the code is null.
func DictDecode(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	d, ok := a.(*array.Dictionary)
	if !ok {
		return nil, typeErr("decoding a dictionary", a.DataType())
	}
	codes := DictCodes(d, nil)
	dict := d.Dictionary()
	if err := CheckDictCodes(codes, dict.Len()); err != nil {
		return nil, err
	}
	if dict.Len() == 0 {
		// Only nulls can point into an empty dictionary.
		return Broadcast(mem, nil, dict.DataType(), len(codes))
	}
	return Gather(mem, dict, codes)
}

// DictEncode encodes a string array as a Categorical: the distinct values in
// order of first appearance form the dictionary, nulls stay null.
func DictEncode(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	if !core.IsString(a.DataType()) {
		return nil, typeErr("encoding as Categorical", a.DataType())
	}
	at := StringAt(a)
	n := a.Len()
	codeOf := make(map[string]int32)
	dict := array.NewStringBuilder(mem)
	defer dict.Release()
	buf, codes := allocValues[int32](mem, n)
	var validity *memory.Buffer
	if a.NullN() > 0 {
		validity = validityOf(mem, a)
	}
	for i := range n {
		if a.IsNull(i) {
			codes[i] = 0
			continue
		}
		s := at(i)
		c, ok := codeOf[s]
		if !ok {
			c = int32(len(codeOf))
			codeOf[s] = c
			dict.Append(s)
		}
		codes[i] = c
	}
	idx := makeArray(arrow.PrimitiveTypes.Int32, n, validity, buf)
	defer idx.Release()
	values := dict.NewArray()
	defer values.Release()
	return array.NewDictionaryArray(core.Categorical, idx, values), nil
}

// withCodes wraps new codes (taken from a's) around a's dictionary; it takes
// over the caller's reference to codes.
func withCodes(a arrow.Array, codes arrow.Array) arrow.Array {
	defer codes.Release()
	d := a.(*array.Dictionary)
	return array.NewDictionaryArray(a.DataType(), codes, d.Dictionary())
}

// NewBuilder is array.NewBuilder that also builds dictionary types (whose
// builder arrow-go makes with a separate constructor).
func NewBuilder(mem memory.Allocator, t arrow.DataType) array.Builder {
	if dt, ok := t.(*arrow.DictionaryType); ok {
		return array.NewDictionaryBuilder(mem, dt)
	}
	return array.NewBuilder(mem, t)
}

// NormalizeDictionary converts the chunks of one imported dictionary column
// to the engine's form: a dictionary of strings (any index width, any string
// layout) becomes Categorical chunks that all share one dictionary, so that
// a column of an in-memory table has one set of codes; a dictionary of other
// values is decoded to plain values. It takes no references from chunks.
func NormalizeDictionary(mem memory.Allocator, chunks []arrow.Array) ([]arrow.Array, arrow.DataType, error) {
	out := make([]arrow.Array, 0, len(chunks))
	fail := func(err error) ([]arrow.Array, arrow.DataType, error) {
		for _, a := range out {
			a.Release()
		}
		return nil, nil, err
	}
	dt := chunks[0].DataType().(*arrow.DictionaryType)
	// An empty pandas Categorical has a dictionary of nulls: no categories.
	if !core.IsString(dt.ValueType) && dt.ValueType.ID() != arrow.NULL {
		for _, c := range chunks {
			plain, err := DictDecode(mem, c)
			if err != nil {
				return fail(err)
			}
			out = append(out, plain)
		}
		return out, dt.ValueType, nil
	}
	codeOf := make(map[string]int32)
	dict := array.NewStringBuilder(mem)
	defer dict.Release()
	var codes, trans []int32
	for _, c := range chunks {
		d := c.(*array.Dictionary)
		values := d.Dictionary()
		codes = DictCodes(d, codes)
		if err := CheckDictCodes(codes, values.Len()); err != nil {
			return fail(err)
		}
		// trans maps this chunk's codes to the shared ones (-1: a null value).
		trans = trans[:0]
		at := StringAt(values)
		for j := range values.Len() {
			if values.IsNull(j) {
				trans = append(trans, -1)
				continue
			}
			s := at(j)
			code, ok := codeOf[s]
			if !ok {
				code = int32(len(codeOf))
				codeOf[s] = code
				dict.Append(s)
			}
			trans = append(trans, code)
		}
		n := len(codes)
		buf, outCodes := allocValues[int32](mem, n)
		validity := allocBitmap(mem, n)
		vb := validity.Bytes()
		for i, code := range codes {
			if code >= 0 && trans[code] >= 0 {
				outCodes[i] = trans[code]
				bitutil.SetBit(vb, i)
			} else {
				outCodes[i] = 0
			}
		}
		out = append(out, makeArray(arrow.PrimitiveTypes.Int32, n, validity, buf))
	}
	shared := dict.NewArray()
	defer shared.Release()
	for i, codes := range out {
		out[i] = array.NewDictionaryArray(core.Categorical, codes, shared)
		codes.Release()
	}
	return out, core.Categorical, nil
}
