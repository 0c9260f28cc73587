package exec

// sortByKey returns the indexes 0..n-1 ordered by keys (unsigned, distinct
// or not; ties keep index order): an LSD radix sort, 8 bits a pass, that
// skips the passes of bytes all keys share. It orders groups by their first
// row, where a comparison sort of millions of groups showed in profiles.
func sortByKey(keys []uint64) []int32 {
	n := len(keys)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	if n < 2 {
		return idx
	}
	var or, and uint64 = 0, ^uint64(0)
	for _, k := range keys {
		or |= k
		and &= k
	}
	varying := or ^ and // bits that differ between some keys
	src, dst := idx, make([]int32, n)
	var count [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		if (varying>>shift)&0xff == 0 {
			continue
		}
		clear(count[:])
		for _, i := range src {
			count[(keys[i]>>shift)&0xff]++
		}
		pos := 0
		for b := range count {
			c := count[b]
			count[b] = pos
			pos += c
		}
		for _, i := range src {
			b := (keys[i] >> shift) & 0xff
			dst[count[b]] = i
			count[b]++
		}
		src, dst = dst, src
	}
	return src
}
