package kernels_test

import (
	"slices"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// dictArray builds a dictionary array of type dt from a dictionary of
// strings and codes (-1 is a null row), sliced to start at off.
func dictArray(t *testing.T, mem memory.Allocator, dt *arrow.DictionaryType, dict []string, codes []int, off int) arrow.Array {
	t.Helper()
	vb := array.NewBuilder(mem, dt.ValueType)
	defer vb.Release()
	for _, s := range dict {
		switch b := vb.(type) {
		case *array.StringBuilder:
			b.Append(s)
		case *array.LargeStringBuilder:
			b.Append(s)
		}
	}
	values := vb.NewArray()
	defer values.Release()
	ib := array.NewBuilder(mem, dt.IndexType)
	defer ib.Release()
	for range off {
		ib.AppendNull()
	}
	for _, c := range codes {
		if c < 0 {
			ib.AppendNull()
			continue
		}
		switch b := ib.(type) {
		case *array.Int8Builder:
			b.Append(int8(c))
		case *array.Uint32Builder:
			b.Append(uint32(c))
		case *array.Int32Builder:
			b.Append(int32(c))
		}
	}
	idx := ib.NewArray()
	defer idx.Release()
	whole := array.NewDictionaryArray(dt, idx, values)
	defer whole.Release()
	return array.NewSlice(whole, int64(off), int64(off+len(codes)))
}

// strings reads a String or Categorical array as Go values ("<null>" for null).
func stringsOf(t *testing.T, a arrow.Array) []string {
	t.Helper()
	if d, ok := a.(*array.Dictionary); ok {
		out := make([]string, a.Len())
		at := kernels.StringAt(d.Dictionary())
		for i := range out {
			if a.IsNull(i) {
				out[i] = "<null>"
			} else {
				out[i] = at(d.GetValueIndex(i))
			}
		}
		return out
	}
	out := make([]string, a.Len())
	at := kernels.StringAt(a)
	for i := range out {
		if a.IsNull(i) {
			out[i] = "<null>"
		} else {
			out[i] = at(i)
		}
	}
	return out
}

var dictTypes = []*arrow.DictionaryType{
	{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String},
	{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.LargeString},
	{IndexType: arrow.PrimitiveTypes.Uint32, ValueType: arrow.BinaryTypes.String},
}

func TestDictDecodeEncode(t *testing.T) {
	dict := []string{"b", "ü", "", "日本"}
	codes := []int{0, 1, -1, 0, 3, 2, -1, 1}
	want := []string{"b", "ü", "<null>", "b", "日本", "", "<null>", "ü"}
	for _, dt := range dictTypes {
		for _, off := range offsets {
			mem := newMem()
			a := dictArray(t, mem, dt, dict, codes, off)
			plain, err := kernels.DictDecode(mem, a)
			if err != nil {
				t.Fatal(err)
			}
			if got := stringsOf(t, plain); !slices.Equal(got, want) {
				t.Errorf("%s off %d: decode = %q, want %q", dt, off, got, want)
			}
			enc, err := kernels.DictEncode(mem, plain)
			if err != nil {
				t.Fatal(err)
			}
			if !arrow.TypeEqual(enc.DataType(), core.Categorical) {
				t.Errorf("encode type = %s", enc.DataType())
			}
			if got := stringsOf(t, enc); !slices.Equal(got, want) {
				t.Errorf("%s off %d: encode = %q, want %q", dt, off, got, want)
			}
			if n := enc.(*array.Dictionary).Dictionary().Len(); n != 4 {
				t.Errorf("encoded dictionary holds %d values, want the 4 distinct ones", n)
			}
			for _, x := range []arrow.Array{a, plain, enc} {
				x.Release()
			}
			mem.AssertSize(t, 0)
		}
	}
}

func TestDictFilterGatherKeepDictionary(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := dictArray(t, mem, dictTypes[0], []string{"x", "y"}, []int{0, 1, -1, 1, 0}, 3)
	defer a.Release()
	mask := []byte{0b10110} // rows 1, 2, 4
	f, err := kernels.Filter(mem, a, mask, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	g, err := kernels.Gather(mem, a, []int32{4, -1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	for _, c := range []struct {
		got  arrow.Array
		want []string
	}{{f, []string{"y", "<null>", "x"}}, {g, []string{"x", "<null>", "y", "y"}}} {
		if err := core.CheckExportable(c.got); err != nil {
			t.Fatal(err)
		}
		if got := stringsOf(t, c.got); !slices.Equal(got, c.want) {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestNormalizeDictionarySharesOneDictionary(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	// "b" is code 1 in the first chunk and 0 in the second; a null value in
	// the second chunk's dictionary becomes a null row.
	a := dictArray(t, mem, dictTypes[1], []string{"a", "b"}, []int{0, 1, -1}, 1)
	b := dictArray(t, mem, dictTypes[2], []string{"b", "c"}, []int{1, 0, 0}, 0)
	defer a.Release()
	defer b.Release()
	out, typ, err := kernels.NormalizeDictionary(mem, []arrow.Array{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if !arrow.TypeEqual(typ, core.Categorical) {
		t.Fatalf("type = %s", typ)
	}
	d0, d1 := out[0].(*array.Dictionary), out[1].(*array.Dictionary)
	if !array.Equal(d0.Dictionary(), d1.Dictionary()) || d0.Dictionary().Len() != 3 {
		t.Errorf("dictionaries differ or are not unified: %v %v", d0.Dictionary(), d1.Dictionary())
	}
	if got := stringsOf(t, out[0]); !slices.Equal(got, []string{"a", "b", "<null>"}) {
		t.Errorf("chunk 0 = %q", got)
	}
	if got := stringsOf(t, out[1]); !slices.Equal(got, []string{"c", "b", "b"}) {
		t.Errorf("chunk 1 = %q", got)
	}
	if d0.GetValueIndex(1) != d1.GetValueIndex(1) {
		t.Errorf("'b' has codes %d and %d", d0.GetValueIndex(1), d1.GetValueIndex(1))
	}
	for _, o := range out {
		o.Release()
	}
}

func TestDictCodesOutOfRange(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := dictArray(t, mem, dictTypes[0], []string{"x"}, []int{0, 5}, 0)
	defer a.Release()
	if _, err := kernels.DictDecode(mem, a); err == nil || core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("decode of code 5 in a dictionary of 1: err = %v, want InvalidInput", err)
	}
}

func TestCastCategorical(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := dictArray(t, mem, dictTypes[0], []string{"12", "x"}, []int{0, 1, -1}, 0)
	defer a.Release()
	s, err := kernels.Cast(mem, a, arrow.BinaryTypes.String, true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	if got := stringsOf(t, s); !slices.Equal(got, []string{"12", "x", "<null>"}) {
		t.Errorf("to String = %q", got)
	}
	n, err := kernels.Cast(mem, a, arrow.PrimitiveTypes.Int64, false)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Release()
	if n.IsNull(0) || !n.IsNull(1) || n.(*array.Int64).Value(0) != 12 {
		t.Errorf("to Int64 (not strict) = %v", n)
	}
	c, err := kernels.Cast(mem, s, core.Categorical, true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if got := stringsOf(t, c); !slices.Equal(got, []string{"12", "x", "<null>"}) {
		t.Errorf("back to Categorical = %q", got)
	}
	null, err := kernels.Broadcast(mem, nil, core.Categorical, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Release()
	if err := core.CheckExportable(null); err != nil || null.NullN() != 2 {
		t.Errorf("null Categorical broadcast: %v, %d nulls", err, null.NullN())
	}
}
