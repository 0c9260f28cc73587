package vector

import "slices"

// Reserve makes room for n more vectors, so that adding them in batches
// (a stored table's index built from its rows, 4,096 at a time) allocates
// the vectors and the level-0 links once at their size instead of doubling:
// doubling leaves up to half the slab unused and holds the old and the new
// slab at once while it copies (192 MiB at the peak for 100 MiB of
// vectors). A quantized index reserves only its ids and links.
func (h *HNSW) Reserve(n int) {
	if n <= 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	rows := h.rows()
	if h.sq == nil && cap(h.vecs)-len(h.vecs) < n*h.dim {
		h.vecs = reserveHuge(h.vecs, &h.vecsMem, n*h.dim)
	}
	if cap(h.links0)-len(h.links0) < n*h.stride0() {
		h.links0 = reserveHuge(h.links0, &h.links0Mem, n*h.stride0())
	}
	h.ext = slices.Grow(h.ext, n)
	h.levels = slices.Grow(h.levels, n)
	h.upperAt = slices.Grow(h.upperAt, n)
	h.byExt = growMap(h.byExt, rows+n)
}

// reserveHuge returns s with room for n more elements (growHuge then
// fills within it); mem owns s's memory, as for growHuge.
func reserveHuge[T float32 | uint32](s []T, mem **slab, n int) []T {
	grown, gmem := makeSlab[T](len(s), len(s)+n)
	adviseHuge(asBytes(grown[:cap(grown)]))
	copy(grown, s)
	(*mem).free()
	*mem = gmem
	return grown
}

// growMap returns m, or a copy sized for n entries when m is smaller.
func growMap(m map[int64]uint32, n int) map[int64]uint32 {
	if len(m) > 0 || n <= 0 {
		return m // rehashing a filled map would cost more than it saves
	}
	return make(map[int64]uint32, n)
}

// loadRoom is how many rows a loaded index has room for beyond its own:
// the first commits after a reopen add rows (an UPDATE adds a version of
// each row it changes), and a slab loaded at its exact size would be
// copied whole for the first of them (200,000 × 128: a second 110 MiB
// slab beside the first, and the collector's goal raised by both). The
// room is a sixteenth; pages never written stay out of the resident set.
func loadRoom(rows int) int {
	return max(rows/16, 1024)
}
