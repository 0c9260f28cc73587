package parquet

import (
	"encoding/binary"

	"github.com/parquet-go/bitpack"
)

// Dictionary-encoded data pages hold, after a byte giving the bit width,
// their dictionary indexes as an RLE/bit-packing hybrid stream. gatherHybrid
// decodes them straight into the values they stand for: no slice of
// indexes is written and read back, and a run of one index becomes a fill.

// gatherHybrid fills dst with dict[k] for the first len(dst) indexes k of
// the hybrid stream src of the given bit width (0 to 32). An index past
// the dictionary or a stream too short for dst is corrupt.
func gatherHybrid[T any](dst, dict []T, src []byte, width int) error {
	if width < 0 || width > 32 {
		return corruptf("a dictionary page's indexes are %d bits wide, more than 32", width)
	}
	i, pos := 0, 0
	for pos < len(dst) {
		h, k := binary.Uvarint(src[i:])
		if k <= 0 {
			return corruptf("a dictionary page ends after %d of its %d indexes", pos, len(dst))
		}
		i += k
		if h&1 == 0 { // repeated: h>>1 copies of one index, in (width+7)/8 bytes
			nb := (width + 7) / 8
			if nb > len(src)-i {
				return corruptf("a dictionary page's run has no index")
			}
			var v uint64
			for b := range nb {
				v |= uint64(src[i+b]) << (8 * b)
			}
			i += nb
			if v >= uint64(len(dict)) {
				return badIndex(v, len(dict))
			}
			count := int(min(h>>1, uint64(len(dst)-pos)))
			x := dict[v]
			run := dst[pos : pos+count]
			for j := range run {
				run[j] = x
			}
			pos += count
			continue
		}
		// bit-packed: h>>1 groups of eight indexes, width bytes a group
		groups := h >> 1
		if width > 0 && groups > uint64(len(src)-i)/uint64(width) {
			return corruptf("a dictionary page's bit-packed run runs past its end")
		}
		nb := int(groups) * width // groups is bounded by src unless width is 0
		count := len(dst) - pos   // the last group's padding may go past dst
		if groups < uint64(count)/8+1 {
			count = min(count, int(groups)*8)
		}
		if err := gatherPacked(dst[pos:pos+count], dict, src[i:], width); err != nil {
			return err
		}
		i += nb
		pos += count
	}
	return nil
}

// gatherBlock is how many indexes gatherPacked unpacks at a time: few
// enough that they stay in the first-level cache between the two loops.
const gatherBlock = 512

// gatherPacked fills dst with dict[k] for the first len(dst) indexes k
// bit-packed (LSB first, width bits each) at the start of src; src may go
// on past them (the rest of the page), which spares copying a block to pad
// it. Indexes are unpacked a block at a time with parquet-go's bitpack (AVX2
// where the CPU has it), then checked and gathered in one tight loop.
func gatherPacked[T any](dst, dict []T, src []byte, width int) error {
	if width == 0 {
		if len(dict) == 0 && len(dst) > 0 {
			return badIndex(0, 0)
		}
		for j := range dst {
			dst[j] = dict[0]
		}
		return nil
	}
	var idx [gatherBlock]int32
	var padded [gatherBlock*4 + bitpack.PaddingInt32]byte
	for start := 0; start < len(dst); start += gatherBlock {
		out := dst[start:min(start+gatherBlock, len(dst))]
		from := start * width / 8 // start is a multiple of 8
		need := bitpack.ByteCount(uint(len(out)*width)) + bitpack.PaddingInt32
		packed := src[from:]
		if len(packed) < need {
			n := copy(padded[:], packed)
			clear(padded[n:])
			packed = padded[:]
		}
		ks := idx[:len(out)]
		bitpack.Unpack(ks, packed, uint(width))
		for j, k := range ks {
			kk := uint(uint32(k))
			if kk >= uint(len(dict)) {
				return badIndex(uint64(kk), len(dict))
			}
			out[j] = dict[kk]
		}
	}
	return nil
}

func badIndex(k uint64, n int) error {
	return corruptf("a dictionary index %d is past the dictionary's %d values", k, n)
}
