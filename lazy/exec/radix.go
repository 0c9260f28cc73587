package exec

import "math/bits"

// sortByKey returns the indexes 0..n-1 ordered by keys (unsigned, distinct
// or not; ties keep index order): an LSD radix sort, 8 bits a pass, that
// skips the passes of bytes all keys share. It orders groups by their first
// row, where a comparison sort of millions of groups showed in profiles.
//
// Each pass moves the keys along with their indexes, so that every pass
// reads keys in sequence instead of gathering them through the indexes
// (for millions of keys a cache miss each), and the counts of all passes
// come from one read of the keys. Keys that come as a few ascending runs
// (groups' first rows: each worker's groups of a partition are in order)
// are merged instead (mergeAscendingRuns) when that takes no more passes:
// a merge pass, sequential on both sides, costs about half a radix pass.
func sortByKey(keys []uint64) []int32 {
	n := len(keys)
	runs := []int{0} // where each ascending run starts, while there are few
	for i := 1; i < n && runs != nil; i++ {
		if keys[i] < keys[i-1] {
			runs = append(runs, i)
			if len(runs) > 64 {
				runs = nil // more merge passes than a radix sort's
			}
		}
	}
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
	if len(runs) > 1 && bits.Len(uint(len(runs)-1)) <= len(shifts) {
		return mergeAscendingRuns(keys, runs)
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

// mergeAscendingRuns is sortByKey of keys that are ascending within each of runs
// (their starts, the first 0): adjacent runs are merged pairwise, pass after
// pass, each pass reading and writing in sequence; a tie takes the left
// run's key first, which keeps index order.
func mergeAscendingRuns(keys []uint64, runs []int) []int32 {
	n := len(keys)
	srcKeys, dstKeys := make([]uint64, n), make([]uint64, n)
	srcIdx, dstIdx := make([]int32, n), make([]int32, n)
	copy(srcKeys, keys)
	for i := range srcIdx {
		srcIdx[i] = int32(i)
	}
	for len(runs) > 1 {
		next := runs[:0:0]
		for r := 0; r < len(runs); r += 2 {
			lo := runs[r]
			next = append(next, lo)
			mid, hi := n, n
			if r+1 < len(runs) {
				mid = runs[r+1]
			}
			if r+2 < len(runs) {
				hi = runs[r+2]
			}
			i, j, o := lo, mid, lo
			for i < mid && j < hi {
				if srcKeys[j] < srcKeys[i] {
					dstKeys[o], dstIdx[o] = srcKeys[j], srcIdx[j]
					j++
				} else {
					dstKeys[o], dstIdx[o] = srcKeys[i], srcIdx[i]
					i++
				}
				o++
			}
			o += copy(dstKeys[o:], srcKeys[i:mid])
			copy(dstIdx[o-(mid-i):], srcIdx[i:mid])
			o += copy(dstKeys[o:], srcKeys[j:hi])
			copy(dstIdx[o-(hi-j):], srcIdx[j:hi])
		}
		runs = next
		srcKeys, dstKeys = dstKeys, srcKeys
		srcIdx, dstIdx = dstIdx, srcIdx
	}
	return srcIdx
}
