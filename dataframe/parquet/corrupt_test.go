package parquet

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/alopexdb/alopex/core"
)

// corruptBase writes a small file with one optional string column
// (a dictionary page, then a data page v2; snappy) and returns its bytes.
func corruptBase(t *testing.T) []byte {
	t.Helper()
	return corruptBaseWith(t, WriteOptions{})
}

// corruptBaseWith is corruptBase written with opts.
func corruptBaseWith(t *testing.T, opts WriteOptions) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for i := range 500 {
		if i%7 == 0 {
			b.AppendNull()
		} else {
			b.Append(strings.Repeat("x", i%5) + "v")
		}
	}
	arr := b.NewArray()
	rb := array.NewRecordBatch(schema, []arrow.Array{arr}, 500)
	arr.Release()
	defer rb.Release()
	path := filepath.Join(t.TempDir(), "base.parquet")
	if err := Write(path, schema, []arrow.RecordBatch{rb}, opts); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func footerOf(t *testing.T, data []byte) *format.FileMetaData {
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	md := new(format.FileMetaData)
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), data[len(data)-8-n:len(data)-8], md); err != nil {
		t.Fatal(err)
	}
	return md
}

func withFooter(t *testing.T, data []byte, md *format.FileMetaData) []byte {
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), md)
	if err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte{}, data[:len(data)-8-n]...), footer...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footer)))
	return append(out, "PAR1"...)
}

// withPageHeader rewrites the header of page i of the first column chunk
// (the later bytes shift: only that chunk is read).
func withPageHeader(t *testing.T, data []byte, i int, edit func(*format.PageHeader)) []byte {
	md := footerOf(t, data)
	meta := &md.RowGroups[0].Columns[0].MetaData
	pos := meta.DataPageOffset
	if meta.DictionaryPageOffset != 0 {
		pos = meta.DictionaryPageOffset
	}
	r := bytes.NewReader(data)
	end := pos + meta.TotalCompressedSize
	for ; ; i-- {
		h, hlen, err := readPageHeader(r, pos, end)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			edit(h)
			enc, err := thrift.Marshal(new(thrift.CompactProtocol), h)
			if err != nil {
				t.Fatal(err)
			}
			out := append(append([]byte{}, data[:pos]...), enc...)
			out = append(out, data[pos+int64(hlen):]...)
			// Keep the footer's view of the chunk in step with the shift.
			md := footerOf(t, out)
			md.RowGroups[0].Columns[0].MetaData.TotalCompressedSize += int64(len(enc) - hlen)
			return withFooter(t, out, md)
		}
		pos += int64(hlen) + int64(h.CompressedPageSize)
	}
}

// Each corrupt length must be refused as invalid input naming the file,
// before anything of that size is allocated.
func TestParquetCorruptLengths(t *testing.T) {
	base := corruptBase(t)
	hugeFooter := []byte("PAR1")
	hugeFooter = append(hugeFooter, 0x15, 0x02, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00) // version, then a list of 2^31-1 schema elements
	hugeFooter = binary.LittleEndian.AppendUint32(hugeFooter, 10)
	hugeFooter = append(hugeFooter, "PAR1"...)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"footer length", func() []byte {
			d := append([]byte{}, base...)
			binary.LittleEndian.PutUint32(d[len(d)-8:], 0xFFFFFFFF)
			return d
		}(), "footer"},
		{"footer list length", hugeFooter, "footer"},
		{"row count", func() []byte {
			md := footerOf(t, base)
			md.RowGroups[0].NumRows = 1 << 30
			md.NumRows = 1 << 30
			return withFooter(t, base, md)
		}(), "rows"},
		{"chunk offset", func() []byte {
			md := footerOf(t, base)
			md.RowGroups[0].Columns[0].MetaData.TotalCompressedSize = 1 << 40
			return withFooter(t, base, md)
		}(), "does not fit"},
		{"dictionary compressed size", withPageHeader(t, base, 0, func(h *format.PageHeader) { h.CompressedPageSize = 1 << 30 }), "compressed size"},
		{"dictionary uncompressed size", withPageHeader(t, base, 0, func(h *format.PageHeader) { h.UncompressedPageSize = 1 << 30 }), "uncompressed size"},
		{"dictionary values", withPageHeader(t, base, 0, func(h *format.PageHeader) { h.DictionaryPageHeader.V.NumValues = 1 << 30 }), "dictionary page claims"},
		{"data page rows", withPageHeader(t, base, 1, func(h *format.PageHeader) {
			h.DataPageHeaderV2.V.NumValues, h.DataPageHeaderV2.V.NumRows = 1<<30, 1<<30
		}), "rows"},
		{"data page levels", withPageHeader(t, base, 1, func(h *format.PageHeader) { h.DataPageHeaderV2.V.DefinitionLevelsByteLength = 1 << 30 }), "levels"},
		{"data page uncompressed size", withPageHeader(t, base, 1, func(h *format.PageHeader) { h.UncompressedPageSize = 1 << 30 }), "uncompressed size"},
		{"page header statistics length", withPageHeader(t, base, 1, func(h *format.PageHeader) {
			h.DataPageHeaderV2.V.Statistics.MaxValue = []byte("0123456789")
		}), ""}, // rewritten below: a binary length far beyond the chunk
	}
	// The last case: make the statistics' length prefix claim 2^30 bytes.
	last := &cases[len(cases)-1]
	at := bytes.Index(last.data, []byte("\x0a0123456789"))
	if at < 0 {
		t.Fatal("statistics value not found")
	}
	last.data = append(append(append([]byte{}, last.data[:at]...), 0x80, 0x80, 0x80, 0x80, 0x04), last.data[at+1:]...)
	last.want = "page header"

	// Found by FuzzParquetRead: a DELTA_BYTE_ARRAY page whose lengths claim 745 MB.
	delta, err := os.ReadFile("testdata/corrupt_delta_byte_array.parquet")
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		name string
		data []byte
		want string
	}{"delta byte array lengths", delta, "DELTA_BYTE_ARRAY page claims"})

	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "corrupt.parquet")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := readWholeParquet(path)
			runtime.ReadMemStats(&after)
			if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v (%s), want invalid input naming %s and %q", err, core.KindOf(err), path, tc.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("reading allocated %d MiB", grew>>20)
			}
		})
	}
}

func readWholeParquet(path string) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rbs, err := f.ReadRowGroups(context.Background(), memory.DefaultAllocator, nil, nil)
	for _, rb := range rbs {
		rb.Release()
	}
	return err
}
