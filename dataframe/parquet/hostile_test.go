package parquet

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/alopexdb/alopex/core"
)

// withPageBody rewrites page i of the first column chunk: edit may change
// the header and returns the new body; the header's compressed size and
// the chunk's size in the footer follow the body's new length.
func withPageBody(t *testing.T, data []byte, i int, edit func(h *format.PageHeader, body []byte) []byte) []byte {
	t.Helper()
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
		bodyAt := pos + int64(hlen)
		bodyEnd := bodyAt + int64(h.CompressedPageSize)
		if i > 0 {
			pos = bodyEnd
			continue
		}
		body := edit(h, append([]byte{}, data[bodyAt:bodyEnd]...))
		h.CompressedPageSize = int32(len(body))
		if h.CRC != 0 { // a hostile file carries a right checksum
			h.CRC = int32(crc32.ChecksumIEEE(body))
		}
		enc, err := thrift.Marshal(new(thrift.CompactProtocol), h)
		if err != nil {
			t.Fatal(err)
		}
		out := append(append(append([]byte{}, data[:pos]...), enc...), body...)
		out = append(out, data[bodyEnd:]...)
		md := footerOf(t, out)
		md.RowGroups[0].Columns[0].MetaData.TotalCompressedSize += int64(len(enc)+len(body)) - (bodyEnd - pos)
		return withFooter(t, out, md)
	}
}

// Lengths inside page bodies that parquet-go trusts: the uncompressed
// length a snappy stream starts with, and the run lengths of the
// definition levels. A file of a kilobyte must not make the reader
// allocate gigabytes before it finds out.
func TestParquetHostilePageBodies(t *testing.T) {
	base := corruptBase(t) // page 1: a data page v2, snappy, with definition levels
	snappyClaim := withPageBody(t, base, 1, func(h *format.PageHeader, body []byte) []byte {
		v := &h.DataPageHeaderV2.V
		levels := int(v.RepetitionLevelsByteLength + v.DefinitionLevelsByteLength)
		stream := body[levels:]
		_, n := binary.Uvarint(stream)
		claim := binary.AppendUvarint(nil, 1<<32-1) // the most snappy allows
		return append(append(append([]byte{}, body[:levels]...), claim...), stream[n:]...)
	})
	defRun := withPageBody(t, base, 1, func(h *format.PageHeader, body []byte) []byte {
		v := &h.DataPageHeaderV2.V
		rest := body[v.RepetitionLevelsByteLength+v.DefinitionLevelsByteLength:]
		// One RLE run of 2^30 levels (header: count << 1), each 1.
		run := append(binary.AppendUvarint(nil, (1<<30)<<1), 1)
		v.DefinitionLevelsByteLength = int32(len(run))
		return append(append(append([]byte{}, body[:v.RepetitionLevelsByteLength]...), run...), rest...)
	})
	zstdClaim := withPageBody(t, corruptBaseWith(t, WriteOptions{Compression: Zstd}), 1,
		func(h *format.PageHeader, body []byte) []byte {
			v := &h.DataPageHeaderV2.V
			levels := int(v.RepetitionLevelsByteLength + v.DefinitionLevelsByteLength)
			frame := body[levels:]
			if len(frame) < 5 || binary.LittleEndian.Uint32(frame) != 0xFD2FB528 {
				t.Fatal("the page is not a zstd frame")
			}
			desc := frame[4] // the header it replaces: descriptor, window, dictionary id, content size
			old := 5 + []int{1, 0}[desc>>5&1] + []int{0, 1, 2, 4}[desc&3] + max([]int{0, 2, 4, 8}[desc>>6], int(desc>>5&1))
			// A frame of a small window whose header claims 8 GiB of content.
			claim := []byte{0x28, 0xB5, 0x2F, 0xFD, 0xC0, 0x00}
			claim = binary.LittleEndian.AppendUint64(claim, 8<<30)
			return append(append(append([]byte{}, body[:levels]...), claim...), frame[old:]...)
		})
	// Data page v1: a 4-byte length, the levels, then the values.
	v1Levels := func(h *format.PageHeader, body []byte) []byte {
		k := binary.LittleEndian.Uint32(body)
		run := append(binary.AppendUvarint(nil, (1<<30)<<1), 1)
		out := append(binary.LittleEndian.AppendUint32(nil, uint32(len(run))), run...)
		h.UncompressedPageSize += int32(len(run)) - int32(k)
		return append(out, body[4+k:]...)
	}
	v1Run := withPageBody(t, v1Base(t, &parquet.Uncompressed), 0, v1Levels)
	snappy := parquet.LookupCompressionCodec(format.Snappy)
	v1SnappyRun := withPageBody(t, v1Base(t, &parquet.Snappy), 0, func(h *format.PageHeader, body []byte) []byte {
		plain, err := snappy.Decode(nil, body)
		if err != nil {
			t.Fatal(err)
		}
		out, err := snappy.Encode(nil, v1Levels(h, plain))
		if err != nil {
			t.Fatal(err)
		}
		return out
	})
	// The same run in v1 pages of the streaming codecs, and a second zstd
	// frame that claims 8 GiB (the first one is honest).
	recode := func(codec compress.Codec, edit func(h *format.PageHeader, plain []byte) []byte) []byte {
		return withPageBody(t, v1Base(t, codec), 0, func(h *format.PageHeader, body []byte) []byte {
			plain, err := codec.Decode(nil, body)
			if err != nil {
				t.Fatal(err)
			}
			out, err := codec.Encode(nil, edit(h, plain))
			if err != nil {
				t.Fatal(err)
			}
			return out
		})
	}
	v1GzipRun := recode(&parquet.Gzip, v1Levels)
	v1BrotliRun := recode(&parquet.Brotli, v1Levels)
	v1ZstdRun := recode(&parquet.Zstd, v1Levels)
	// A frame of one empty raw block (last) that declares 8 GiB of content.
	lyingFrame := binary.LittleEndian.AppendUint64([]byte{0x28, 0xB5, 0x2F, 0xFD, 0xC0, 0x00}, 8<<30)
	lyingFrame = append(lyingFrame, 1, 0, 0)
	v1ZstdSecondFrame := withPageBody(t, v1Base(t, &parquet.Zstd), 0, func(h *format.PageHeader, body []byte) []byte {
		return append(append([]byte{}, body...), lyingFrame...)
	})
	v2ZstdSecondFrame := withPageBody(t, corruptBaseWith(t, WriteOptions{Compression: Zstd}), 1,
		func(h *format.PageHeader, body []byte) []byte {
			return append(append([]byte{}, body...), lyingFrame...)
		})
	// file names the copy in testdata that python/tests/test_io_parquet_robust.py
	// reads (ALOPEX_UPDATE_TESTDATA=1 rewrites them).
	cases := []struct {
		name string
		data []byte
		want string
		file string
	}{
		{"definition level run, data page v1", v1Run, "definition levels", ""},
		{"definition level run, snappy data page v1", v1SnappyRun, "definition levels", ""},
		{"definition level run, gzip data page v1", v1GzipRun, "definition levels", "hostile_v1_gzip_levels"},
		{"definition level run, brotli data page v1", v1BrotliRun, "definition levels", "hostile_v1_brotli_levels"},
		{"definition level run, zstd data page v1", v1ZstdRun, "definition levels", "hostile_v1_zstd_levels"},
		{"second zstd frame's content size, data page v1", v1ZstdSecondFrame, "zstd frames claim", "hostile_v1_zstd_second_frame"},
		{"second zstd frame's content size, data page v2", v2ZstdSecondFrame, "zstd frames claim", "hostile_v2_zstd_second_frame"},
		{"snappy uncompressed length", snappyClaim, "snappy", ""},
		{"zstd content size", zstdClaim, "zstd", ""},
		{"definition level run", defRun, "definition levels", ""},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) >= 4096 {
				t.Fatalf("the crafted file has %d bytes, want under 4 KiB", len(tc.data))
			}
			if tc.file != "" && os.Getenv("ALOPEX_UPDATE_TESTDATA") != "" {
				if err := os.WriteFile(filepath.Join("testdata", tc.file+".parquet"), tc.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "hostile.parquet")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := readWholeParquet(path)
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("reading a %d-byte file allocated %d MiB", len(tc.data), grew>>20)
			}
			if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v (%s), want invalid input naming %s and %q", err, core.KindOf(err), path, tc.want)
			}
		})
	}
}

// v1Base is a small file of one optional Int64 column in data pages v1 (as
// pyarrow writes by default) compressed with codec.
func v1Base(t *testing.T, codec compress.Codec) []byte {
	t.Helper()
	type row struct {
		V *int64 `parquet:"v,optional"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf, parquet.DataPageVersion(1), parquet.Compression(codec))
	rows := make([]row, 500)
	for i := range rows {
		if i%7 != 0 {
			v := int64(i)
			rows[i].V = &v
		}
	}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The unedited file reads.
	path := filepath.Join(t.TempDir(), "v1.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := readWholeParquet(path); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSnappyPrefix checks the partial snappy decoder against the codec on
// data with literals and copies of every length class.
func TestSnappyPrefix(t *testing.T) {
	snappy := parquet.LookupCompressionCodec(format.Snappy)
	var plain []byte
	for i := range 5000 {
		plain = append(plain, byte(i*i>>3), byte(i%5), 'x', 'x', 'x', 'x')
		if i%100 == 0 {
			plain = append(plain, bytes.Repeat([]byte("abcdefgh"), i%37+1)...)
		}
	}
	enc, err := snappy.Encode(nil, plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 4, 7, 64, 65, 1000, 4099, len(plain) - 1, len(plain)} {
		got, err := snappyPrefix(enc, n)
		if err != nil || !bytes.Equal(got, plain[:n]) {
			t.Fatalf("snappyPrefix(%d): %v, equal %v", n, err, bytes.Equal(got, plain[:min(n, len(got))]))
		}
		// A truncated block gives a shorter prefix, never a wrong one.
		part, err := snappyPrefix(enc[:len(enc)/3], n)
		if err != nil || !bytes.Equal(part, plain[:len(part)]) {
			t.Fatalf("snappyPrefix(truncated, %d): %v", n, err)
		}
	}
}

// TestPagePrefix checks the partial decoders of every codec against the
// codecs: the first n bytes, a shorter correct prefix from a truncated
// stream, and an error only from a whole stream that is corrupt.
func TestPagePrefix(t *testing.T) {
	var plain []byte
	for i := range 20000 {
		plain = append(plain, byte(i*i>>3), byte(i%5), 'x', 'x')
	}
	for _, codec := range []compress.Codec{&parquet.Snappy, &parquet.Gzip, &parquet.Brotli, &parquet.Zstd} {
		enc, err := codec.Encode(nil, plain)
		if err != nil {
			t.Fatal(err)
		}
		c := codec.CompressionCodec()
		for _, n := range []int64{0, 4, 100, 70000, int64(len(plain)), int64(len(plain)) + 10} {
			got, err := pagePrefix(c, enc, n, int64(len(plain)), true)
			if err != nil || !bytes.Equal(got, plain[:min(n, int64(len(plain)))]) {
				t.Fatalf("%s prefix %d: %v, %d bytes", c, n, err, len(got))
			}
			part, err := pagePrefix(c, enc[:len(enc)/2], n, int64(len(plain)), false)
			if err != nil || !bytes.Equal(part, plain[:len(part)]) {
				t.Fatalf("%s prefix %d of half the stream: %v", c, n, err)
			}
		}
		bad := append([]byte{}, enc...)
		for i := 0; i < len(bad); i += 7 {
			bad[i] ^= 0x5a
		}
		if c != format.Snappy { // snappy's partial decoder checks only copy offsets
			if _, err := pagePrefix(c, bad, int64(len(plain)), int64(len(plain)), true); err == nil || !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("%s: a corrupt stream gave %v", c, err)
			}
		}
	}
}

func TestZstdClaimsAddUpFrames(t *testing.T) {
	frame := func(n int) []byte {
		out, err := parquet.Zstd.Encode(nil, bytes.Repeat([]byte("ab"), n))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	skippable := []byte{0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'}
	// The last frame, of 10 bytes, declares no size (the encoder leaves it
	// out of tiny frames): it adds nothing.
	stream := append(append(append(frame(1000), skippable...), frame(300)...), frame(5)...)
	got, err := zstdClaims(bytes.NewReader(stream), 0, int64(len(stream)))
	if err != nil || got != 2000+600 {
		t.Fatalf("claims %d, %v; want %d", got, err, 2000+600)
	}
}

// TestLevelRunsPaddingNotAligned: runs need not start at a multiple of 8,
// so the last bit-packed group may pad past a multiple of 8 of the values
// (pyarrow writes 10 repeated levels and then 124 groups for 1000 values:
// 1002 levels). Up to 7 of padding is valid, 8 is not.
func TestLevelRunsPaddingNotAligned(t *testing.T) {
	levels := func(groups uint64) []byte {
		b := append(binary.AppendUvarint(nil, 10<<1), 1)
		b = binary.AppendUvarint(b, groups<<1|1)
		return append(b, make([]byte, groups)...)
	}
	if err := checkLevelRuns(levels(124), 1000); err != nil {
		t.Fatalf("1002 levels for 1000 values: %v", err)
	}
	if err := checkLevelRuns(levels(125), 1003); err != nil {
		t.Fatalf("1010 levels for 1003 values: %v", err)
	}
	if err := checkLevelRuns(levels(125), 1000); err == nil {
		t.Fatal("1010 levels for 1000 values passed")
	}
}
