package parquet

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// pagePrefix decompresses the first n bytes of a compressed page body (fewer
// when the stream ends first): the definition levels of a data page v1 come
// first, so checking them needs only a prefix of the page, never the values.
// data is the body or a prefix of it (whole says which): decoders that run
// out of a partial body report no error, only a shorter prefix. What is
// allocated is bounded by n and the codec's own state, never by a length
// the stream claims: gzip keeps a 32 KiB window, brotli at most a 16 MiB
// ring buffer, zstd a window of at most zstdPrefixWindow or the page's
// uncompressed size (uncompressed, checked against the compressed size).
func pagePrefix(codec format.CompressionCodec, data []byte, n, uncompressed int64, whole bool) ([]byte, error) {
	if codec == format.Snappy {
		return snappyPrefix(data, int(n))
	}
	var r io.Reader
	var err error
	switch codec {
	case format.Gzip:
		r, err = gzip.NewReader(bytes.NewReader(data))
	case format.Brotli:
		r = brotli.NewReader(bytes.NewReader(data))
	case format.Zstd:
		var d *zstd.Decoder
		limit := uint64(max(uncompressed, zstd.MinWindowSize))
		d, err = zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(max(limit, zstdPrefixWindow)), zstd.WithDecoderMaxMemory(limit))
		if err == nil {
			defer d.Close()
			r = d
		}
	default:
		return nil, fmt.Errorf("no prefix decoder for %s", codec)
	}
	var out []byte
	if err == nil {
		// ReadAll grows with what the stream gives, not with n.
		out, err = io.ReadAll(io.LimitReader(r, n))
	}
	if err != nil && whole {
		return nil, fmt.Errorf("its %s data is corrupt: %v", codec, err)
	}
	return out, nil // a partial body may stop anywhere: the whole one decides
}

// hasPagePrefix says whether pagePrefix decodes codec (the codecs the
// reader takes; checkCodec refuses the others).
func hasPagePrefix(codec format.CompressionCodec) bool {
	switch codec {
	case format.Snappy, format.Gzip, format.Brotli, format.Zstd:
		return true
	}
	return false
}

// zstdPrefixWindow is the largest zstd window the level check accepts in a
// page smaller than it. Writers that stream without knowing the size set a
// window of a few MiB (8 MiB at zstd's level 9); within a frame that
// declares its size the window is that size.
const zstdPrefixWindow = 8 << 20

// zstdFrame is what a zstd frame header (RFC 8878, 3.1.1.1) says: its
// length, the content size when it declares one (the decoder sizes its
// output by it), and whether a checksum follows the blocks.
type zstdFrame struct {
	headerLen   int
	contentSize uint64
	hasSize     bool
	checksum    bool
}

// parseZstdFrame reads the frame header at the start of b; ok is false when
// b does not start with one the decoder would take whole (it then fails on
// its own, without allocating from it).
func parseZstdFrame(b []byte) (f zstdFrame, ok bool) {
	if len(b) < 5 || binary.LittleEndian.Uint32(b) != 0xFD2FB528 {
		return f, false
	}
	desc := b[4]
	single := desc&0x20 != 0
	at := 5
	if !single {
		at++ // window descriptor
	}
	at += []int{0, 1, 2, 4}[desc&3] // dictionary id
	fcs := []int{0, 2, 4, 8}[desc>>6]
	if fcs == 0 && single {
		fcs = 1
	}
	if len(b) < at+fcs {
		return f, false
	}
	f.headerLen, f.hasSize, f.checksum = at+fcs, fcs > 0, desc&4 != 0
	switch fcs {
	case 1:
		f.contentSize = uint64(b[at])
	case 2:
		f.contentSize = uint64(binary.LittleEndian.Uint16(b[at:])) + 256
	case 4:
		f.contentSize = uint64(binary.LittleEndian.Uint32(b[at:]))
	case 8:
		f.contentSize = binary.LittleEndian.Uint64(b[at:])
	}
	return f, true
}

// zstdClaims adds up the content sizes that the frames of the zstd stream
// at [pos, end) of r declare. A page may hold several frames, and the
// decoder grows its output by each one's size: a later frame can claim
// gigabytes as well as the first. Only the frame and block headers are
// read (a few bytes per block of up to 128 KiB). The walk stops where the
// stream stops being well formed: the decoder fails there too, before
// reading a later frame.
func zstdClaims(r io.ReaderAt, pos, end int64) (uint64, error) {
	var total uint64
	var head [18]byte // the longest frame header
	for pos < end {
		b := head[:min(int64(len(head)), end-pos)]
		if _, err := r.ReadAt(b, pos); err != nil && err != io.EOF {
			return 0, err
		}
		if len(b) >= 8 && binary.LittleEndian.Uint32(b)&^0xF == 0x184D2A50 { // a skippable frame
			pos += 8 + int64(binary.LittleEndian.Uint32(b[4:]))
			continue
		}
		f, ok := parseZstdFrame(b)
		if !ok {
			return total, nil
		}
		if f.hasSize {
			total += min(f.contentSize, 1<<62) // no wrap on a hostile sum
		}
		pos += int64(f.headerLen)
		for last := false; !last; {
			var bh [3]byte
			if pos+3 > end {
				return total, nil
			}
			if _, err := r.ReadAt(bh[:], pos); err != nil {
				return 0, err
			}
			v := uint32(bh[0]) | uint32(bh[1])<<8 | uint32(bh[2])<<16
			size := int64(v >> 3)
			last = v&1 == 1
			switch v >> 1 & 3 {
			case 1: // RLE: one byte stands for size bytes
				size = 1
			case 3: // reserved
				return total, nil
			}
			pos += 3 + size
		}
		if f.checksum {
			pos += 4
		}
	}
	return total, nil
}
