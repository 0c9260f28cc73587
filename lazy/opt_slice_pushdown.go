package lazy

import "math"

// slicePushdown moves head/slice below row-wise projections and into scans,
// so that a scan stops reading once it has produced the rows asked for.
type slicePushdown struct{}

func (slicePushdown) Name() string { return "slice_pushdown" }

func (r slicePushdown) Apply(p Plan) Plan {
	p = mapChildren(p, r.Apply)
	s, ok := p.(*Slice)
	if !ok {
		return p
	}
	return r.pushSlice(s)
}

func (r slicePushdown) pushSlice(s *Slice) Plan {
	switch in := s.Input.(type) {
	case *Project:
		if in.IsScalar() {
			return s // one row whatever the input: the slice applies to that row
		}
		// Projections are row-wise: slicing before or after is the same.
		return in.WithChildren([]Plan{r.pushSlice(&Slice{Input: in.Input, Offset: s.Offset, Length: s.Length})})
	case *Slice:
		off := addRows(in.Offset, s.Offset)
		length := s.Length
		if in.Length >= 0 {
			avail := max(in.Length-s.Offset, 0)
			if length < 0 || length > avail {
				length = avail
			}
		}
		return r.pushSlice(&Slice{Input: in.Input, Offset: off, Length: length})
	case *Scan:
		if s.Length < 0 {
			return s
		}
		limit := addRows(s.Offset, s.Length)
		if in.Limit >= 0 && in.Limit < limit {
			limit = in.Limit
		}
		scan := in.WithPushdown(in.Columns, in.Predicate, limit)
		if s.Offset == 0 {
			return scan
		}
		return &Slice{Input: scan, Offset: s.Offset, Length: s.Length}
	}
	return s
}

// addRows adds two non-negative row counts, saturating at the largest
// int64: offsets and lengths come from the user (LIMIT 2^63-1 OFFSET 5)
// and a wrapped sum would turn into "no limit" or a negative offset.
func addRows(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
