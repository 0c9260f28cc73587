package exec

// sortByKey returns the indexes 0..n-1 ordered by keys (unsigned, distinct
// or not; ties keep index order): an LSD radix sort, 8 bits a pass, that
// skips the passes of bytes all keys share. It orders groups by their first
// row, where a comparison sort of millions of groups showed in profiles.
//
// Each pass moves the keys along with their indexes, so that every pass
// reads keys in sequence instead of gathering them through the indexes
// (for millions of keys a cache miss each), and the counts of all passes
// come from one read of the keys.
func sortByKey(keys []uint64) []int32 {
	n := len(keys)
	var or, and uint64 = 0, ^uint64(0)
	for _, k := range keys {
		or |= k
		and &= k
	}
	varying := or ^ and // bits that differ between some keys
	var shifts []uint
	for shift := uint(0); shift < 64; shift += 8 {
		if (varying>>shift)&0xff != 0 {
			shifts = append(shifts, shift)
		}
	}
	idx := make([]int32, n)
	if n < 2 || len(shifts) == 0 {
		for i := range idx {
			idx[i] = int32(i)
		}
		return idx
	}
	counts := make([][256]int, len(shifts))
	for _, k := range keys {
		for p, shift := range shifts {
			counts[p][(k>>shift)&0xff]++
		}
	}
	for p := range counts {
		pos := 0
		for b, c := range counts[p] {
			counts[p][b] = pos
			pos += c
		}
	}
	// The first pass scatters from keys in place of a copy; later passes
	// go back and forth between two buffers of keys and of indexes.
	var srcKeys, dstKeys []uint64
	if len(shifts) > 1 {
		srcKeys, dstKeys = make([]uint64, n), make([]uint64, n)
	}
	srcIdx, dstIdx := make([]int32, n), idx
	for p, shift := range shifts {
		pos := &counts[p]
		last := p == len(shifts)-1
		if p == 0 {
			for i, k := range keys {
				b := (k >> shift) & 0xff
				j := pos[b]
				dstIdx[j] = int32(i)
				if !last {
					dstKeys[j] = k
				}
				pos[b]++
			}
		} else {
			for i, k := range srcKeys {
				b := (k >> shift) & 0xff
				j := pos[b]
				dstIdx[j] = srcIdx[i]
				if !last {
					dstKeys[j] = k
				}
				pos[b]++
			}
		}
		srcKeys, dstKeys = dstKeys, srcKeys
		srcIdx, dstIdx = dstIdx, srcIdx
	}
	return srcIdx
}
