package vector

// item is a candidate neighbour: a distance and an internal id.
type item struct {
	d  float32
	id uint32
}

// less orders items by distance, then by id, so that ties resolve the same
// way on every run.
func (a item) less(b item) bool { return a.d < b.d || (a.d == b.d && a.id < b.id) }

// maxHeap keeps the farthest item on top: the bounded result set of a
// search. The sift loops are written out so that no interface call or
// boxing sits on the search path.
type maxHeap []item

func (h *maxHeap) push(x item) {
	s := append(*h, x)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[p].less(s[i]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
	*h = s
}

func (h *maxHeap) pop() item {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	siftDownMax(s, 0)
	*h = s
	return top
}

// replaceTop swaps the farthest item for x (which must be closer) in one sift.
func (h maxHeap) replaceTop(x item) {
	h[0] = x
	siftDownMax(h, 0)
}

func siftDownMax(s []item, i int) {
	n := len(s)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		big := l
		if r := l + 1; r < n && s[l].less(s[r]) {
			big = r
		}
		if !s[i].less(s[big]) {
			return
		}
		s[i], s[big] = s[big], s[i]
		i = big
	}
}

// minHeap keeps the closest item on top: the candidate queue of a search.
type minHeap []item

func (h *minHeap) push(x item) {
	s := append(*h, x)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
	*h = s
}

func (h *minHeap) pop() item {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		sm := l
		if r := l + 1; r < n && s[r].less(s[l]) {
			sm = r
		}
		if !s[sm].less(s[i]) {
			break
		}
		s[i], s[sm] = s[sm], s[i]
		i = sm
	}
	*h = s
	return top
}

// sortAscending empties h into out (closest first) and returns it.
func (h *maxHeap) sortAscending(out []item) []item {
	n := len(*h)
	out = append(out[:0], make([]item, n)...)
	for i := n - 1; i >= 0; i-- {
		out[i] = h.pop()
	}
	return out
}
