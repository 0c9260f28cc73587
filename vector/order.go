package vector

// bfsOrder numbers the rows in breadth-first order of the level-0 graph
// from the entry point (rows it does not reach follow in row order): a
// node's neighbours then mostly get numbers near each other and near its
// own, so the differences SaveWithoutVectors codes are short. perm[new] is
// the old row number.
func (h *HNSW) bfsOrder() []uint32 {
	rows := h.rows()
	perm := make([]uint32, 0, rows)
	seen := make(bitset, (rows+63)/64)
	visit := func(start uint32) {
		seen.set(start)
		perm = append(perm, start)
		for q := len(perm) - 1; q < len(perm); q++ {
			ln := h.links(perm[q], 0)
			for _, n := range ln[1 : 1+ln[0]] {
				if !seen.has(n) {
					seen.set(n)
					perm = append(perm, n)
				}
			}
		}
	}
	if h.entry >= 0 {
		visit(uint32(h.entry))
	}
	for i := range rows {
		if !seen.has(uint32(i)) {
			visit(uint32(i))
		}
	}
	return perm
}
