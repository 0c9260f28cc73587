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
		if !s[p].less(x) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = x
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

// The sifts move a hole instead of swapping: the item sifted is written
// once, where it stops. The comparisons, and so the heaps, are those of
// swapping (heap_test.go), so searches and builds give the same results.
func siftDownMax(s []item, i int) {
	n := len(s)
	if i >= n {
		return // popped the last item
	}
	x := s[i]
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		big := l
		if r := l + 1; r < n && s[l].less(s[r]) {
			big = r
		}
		if !x.less(s[big]) {
			break
		}
		s[i] = s[big]
		i = big
	}
	s[i] = x
}

// minHeap keeps the closest item on top: the candidate queue of a search.
type minHeap []item

func (h *minHeap) push(x item) {
	s := append(*h, x)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !x.less(s[p]) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = x
	*h = s
}

func (h *minHeap) pop() item {
	s := *h
	top := s[0]
	n := len(s) - 1
	x := s[n]
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
		if !s[sm].less(x) {
			break
		}
		s[i] = s[sm]
		i = sm
	}
	if n > 0 {
		s[i] = x
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
