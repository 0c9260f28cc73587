package fn

// Per-group medians and quantiles by selection: a quantile needs only the
// one or two order statistics around its position, found in linear time
// (quickselect), where a sort of the group costs n log n.

// nanLast orders floats ascending with NaN after every number (Polars'
// order for quantiles).
func nanLast(a, b float64) bool { return a < b || (a == a && b != b) }

// selectQuantile returns quantileOf(sorted v, q, interp), reordering v in
// place but sorting only what the quantile needs: v[lo] and v[hi] (the
// order statistics at the floor and ceiling of its position) end up where
// a sort would put them.
func selectQuantile(v []float64, q float64, interp string) float64 {
	n := len(v)
	pos := q * float64(n-1)
	lo := int(pos) // pos >= 0
	nthElement(v, lo)
	if hi := lo + 1; hi < n && float64(lo) != pos {
		m := hi
		for i := hi + 1; i < n; i++ {
			if nanLast(v[i], v[m]) {
				m = i
			}
		}
		v[hi], v[m] = v[m], v[hi]
	}
	return quantileOf(v, q, interp)
}

// nthElement reorders v so that v[k] is the element a sort would put
// there, with no greater one before it and no smaller one after it.
func nthElement(v []float64, k int) {
	lo, hi := 0, len(v)-1
	for hi-lo > 16 {
		// Median of three as the pivot, moved to hi.
		mid := lo + (hi-lo)/2
		if nanLast(v[mid], v[lo]) {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if nanLast(v[hi], v[lo]) {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if nanLast(v[mid], v[hi]) {
			v[mid], v[hi] = v[hi], v[mid]
		}
		pivot := v[hi]
		// Three-way partition (many equal values: a group of integers).
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case nanLast(v[i], pivot):
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case nanLast(pivot, v[i]):
				v[i], v[gt] = v[gt], v[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return
		}
	}
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && nanLast(v[j], v[j-1]); j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}
