package parquet

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"

	"github.com/alopexdb/alopex/core"
)

// Dictionary-encoded STRING chunks as Arrow dictionary arrays. A scan whose
// filter tests a string column against constants reads the column this way:
// the filter evaluates the test once per dictionary value, selects rows by
// their codes, and decodes to strings only the rows it keeps
// (lazy/exec/scan_dict.go). Copying every row's bytes out of the pages is
// most of the cost of reading a string column, and most rows of such a
// filter's column are dropped.

// DictStringType is the type of the dictionary arrays ReadPieceDict returns:
// int32 codes into a String dictionary.
var DictStringType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// ReadPieceDict is ReadPiece, except that each column named in dict whose
// chunk is dictionary-encoded throughout, with one dictionary, comes back as
// a DictStringType array: its codes and the chunk's dictionary. A chunk with
// PLAIN pages (a writer falls back to them when the dictionary grows too
// large) comes back as a String array. The batch's schema gives each
// column's type.
func (s *Source) ReadPieceDict(ctx context.Context, mem memory.Allocator, i int, columns, dict []string) (arrow.RecordBatch, error) {
	p := s.pieces[i]
	asDict := make([]bool, len(columns))
	for j, c := range columns {
		for _, d := range dict {
			asDict[j] = asDict[j] || c == d
		}
	}
	batches, err := s.files[p.file].readRowGroups(ctx, mem, []int{p.rg}, s.columnIndices(columns), asDict)
	if err != nil {
		return nil, err
	}
	return batches[0], nil
}

// withArrayTypes is a schema of fields with the types of arrays (which
// differ where a column was read as a dictionary).
func withArrayTypes(fields []arrow.Field, arrays []arrow.Array) *arrow.Schema {
	out := make([]arrow.Field, len(fields))
	for i, f := range fields {
		f.Type = arrays[i].DataType()
		out[i] = f
	}
	return arrow.NewSchema(out, nil)
}

// dictDecodable reports whether a column can be read as a dictionary array.
func dictDecodable(col *parquetColumn) bool {
	return col.decoding == decodeByteArray && col.field.Type.ID() == arrow.STRING
}

// dictStringDecoder decodes a STRING chunk into a DictStringType array when
// all its pages index one dictionary. It decodes like bytesDecoder (which
// keeps the pages until finish) and, alongside, writes each page's codes;
// finish returns the codes and the dictionary, or, after a PLAIN page or a
// second dictionary, bytesDecoder's String array.
type dictStringDecoder struct {
	bytesDecoder
	codesBuf *memory.Buffer
	codes    []int32            // a code per row (0 for a null row)
	first    parquet.Dictionary // the dictionary of the first page
	plain    bool               // a page does not index first: decode as strings
}

func newDictStringDecoder(col *parquetColumn, n int, mem memory.Allocator) *dictStringDecoder {
	st := colState{mem: mem, typ: col.field.Type, n: n, maxDef: col.maxDef}
	return &dictStringDecoder{bytesDecoder: bytesDecoder{colState: st}}
}

func (d *dictStringDecoder) decodePage(p parquet.Page) error {
	pos := d.pos
	if err := d.bytesDecoder.decodePage(p); err != nil {
		return err
	}
	if d.plain {
		return nil
	}
	dict := p.Dictionary()
	if dict == nil || (d.first != nil && dict != d.first) {
		d.plain = true
		return nil
	}
	d.first = dict
	if d.codesBuf == nil {
		d.codesBuf = core.AllocateUninit(d.mem, 4*d.n)
		d.codes = viewAs[int32](d.codesBuf.Bytes())[:d.n]
	}
	bp := &d.pages[len(d.pages)-1]
	values := p.Data()
	idx, err := dictIndexes(&values, bp.valid, &d.idx)
	if err != nil {
		return err
	}
	size := uint32(dict.Len())
	dst := d.codes[pos : pos+bp.rows]
	if bp.levels == nil {
		for i, k := range idx {
			if uint32(k) >= size {
				return badIndex(uint64(uint32(k)), int(size))
			}
			dst[i] = k
		}
		return nil
	}
	j := 0
	for i, l := range bp.levels[:bp.rows] {
		dst[i] = 0
		if l == d.maxDef {
			k := idx[j]
			j++
			if uint32(k) >= size {
				return badIndex(uint64(uint32(k)), int(size))
			}
			dst[i] = k
		}
	}
	return nil
}

func (d *dictStringDecoder) finish() (arrow.Array, error) {
	if d.plain || d.first == nil {
		d.releaseCodes()
		return d.bytesDecoder.finish()
	}
	if err := d.checkComplete(); err != nil {
		return nil, err
	}
	values, err := d.dictValues()
	d.dropPages()
	if err != nil {
		return nil, err
	}
	defer values.Release()
	d.typ = arrow.PrimitiveTypes.Int32
	codes := d.makeArray(d.codesBuf)
	defer codes.Release()
	d.codesBuf, d.codes = nil, nil
	return array.NewDictionaryArray(DictStringType, codes, values), nil
}

// dictValues copies the current dictionary (useDict checked its offsets)
// into a String array.
func (d *dictStringDecoder) dictValues() (arrow.Array, error) {
	offs := d.dictOffs
	n := len(offs) - 1
	base := offs[0]
	size := int(offs[n] - base)
	offsetsBuf := core.AllocateUninit(d.mem, 4*(n+1))
	dataBuf := core.AllocateUninit(d.mem, size)
	offsets := viewAs[int32](offsetsBuf.Bytes())[:n+1]
	for i, o := range offs {
		offsets[i] = int32(o - base)
	}
	data := dataBuf.Bytes()[:size]
	copy(data, d.dictData[base:offs[n]])
	if err := checkUTF8(data, offsets); err != nil {
		offsetsBuf.Release()
		dataBuf.Release()
		return nil, corruptf("a dictionary value of the STRING column holds invalid UTF-8")
	}
	values := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offsetsBuf, dataBuf}, nil, 0, 0)
	offsetsBuf.Release()
	dataBuf.Release()
	defer values.Release()
	return array.MakeFromData(values), nil
}

// dropPages releases the kept pages and the dictionary's copy, keeping the
// validity bitmap the codes need.
func (d *dictStringDecoder) dropPages() {
	for _, bp := range d.pages {
		parquet.Release(bp.page)
	}
	d.pages = nil
	d.dict, d.dictData, d.dictOffs, d.first = nil, nil, nil, nil
	d.dictBuf.put()
}

func (d *dictStringDecoder) releaseCodes() {
	if d.codesBuf != nil {
		d.codesBuf.Release()
		d.codesBuf, d.codes = nil, nil
	}
}

func (d *dictStringDecoder) release() {
	d.releaseCodes()
	d.first = nil
	d.bytesDecoder.release()
}
