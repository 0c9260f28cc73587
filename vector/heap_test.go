package vector

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The swapping heaps the hole-moving ones replaced: each operation must
// leave the same array.
type refMaxHeap []item

func (h *refMaxHeap) push(x item) {
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

func (h *refMaxHeap) pop() item {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	refSiftDownMax(s, 0)
	*h = s
	return top
}

// replaceTop swaps the farthest item for x (which must be closer) in one sift.
func (h refMaxHeap) replaceTop(x item) {
	h[0] = x
	refSiftDownMax(h, 0)
}

func refSiftDownMax(s []item, i int) {
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

// refMinHeap keeps the closest item on top: the candidate queue of a search.
type refMinHeap []item

func (h *refMinHeap) push(x item) {
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

func (h *refMinHeap) pop() item {
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

func TestHeapsMatchSwapping(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var mx maxHeap
	var rmx refMaxHeap
	var mn minHeap
	var rmn refMinHeap
	for i := range 200_000 {
		// few distinct distances: ties resolve by id
		x := item{d: float32(rng.IntN(50)), id: uint32(rng.IntN(1000))}
		switch op := rng.IntN(4); {
		case op < 2 || len(mx) == 0:
			mx.push(x)
			rmx.push(x)
			mn.push(x)
			rmn.push(x)
		case op == 2:
			if a, b := mx.pop(), rmx.pop(); a != b {
				t.Fatalf("op %d: maxHeap pop %v, want %v", i, a, b)
			}
			if a, b := mn.pop(), rmn.pop(); a != b {
				t.Fatalf("op %d: minHeap pop %v, want %v", i, a, b)
			}
		default:
			if x.less(mx[0]) {
				mx.replaceTop(x)
				rmx.replaceTop(x)
			}
		}
		if !slices.Equal(mx, maxHeap(rmx)) || !slices.Equal(mn, minHeap(rmn)) {
			t.Fatalf("op %d: the heaps differ", i)
		}
		if len(mx) > 300 {
			mx, rmx, mn, rmn = mx[:0], rmx[:0], mn[:0], rmn[:0]
		}
	}
}

// BenchmarkHeaps runs the search's heap operations (push, replaceTop,
// pop) on the swapping heaps and on the hole-moving ones, interleaved.
func BenchmarkHeaps(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	xs := make([]item, 1<<16)
	for i := range xs {
		xs[i] = item{d: rng.Float32(), id: uint32(i)}
	}
	const w = 200
	for _, ref := range []bool{true, false, true, false} {
		name := "hole"
		if ref {
			name = "swap"
		}
		b.Run(name, func(b *testing.B) {
			var mx maxHeap
			var rmx refMaxHeap
			var mn minHeap
			var rmn refMinHeap
			for i := 0; b.Loop(); i++ {
				x := xs[i&(len(xs)-1)]
				if ref {
					rmn.push(x)
					if len(rmx) < w {
						rmx.push(x)
					} else if x.less(rmx[0]) {
						rmx.replaceTop(x)
					}
					if len(rmn) > 2*w {
						rmn.pop()
					}
				} else {
					mn.push(x)
					if len(mx) < w {
						mx.push(x)
					} else if x.less(mx[0]) {
						mx.replaceTop(x)
					}
					if len(mn) > 2*w {
						mn.pop()
					}
				}
			}
		})
	}
}
