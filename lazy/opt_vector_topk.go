package lazy

import "github.com/alopexdb/alopex/lazy/fn"

// vectorTopK plans sort(distance).head(k) as a VectorTopK node: the k
// nearest rows by a vector distance (lazy/fn/vectors.go), computed with a
// bounded heap instead of a full sort, or answered by a vector index
// attached to the scanned frame. It matches a head (offset 0) over a sort
// by one key that is a distance call, or a column a projection below
// computes as one, in the direction that puts the nearest first (ascending,
// descending for inner_product and cosine_similarity); top_k and bottom_k
// are such sorts. The index is used when the chain below the sort is
// row-wise projections and filters down to the scan of an indexed frame,
// the distance is of the indexed column to a constant query, and the
// index's metric orders rows as the distance does; the filters then become
// the search's allow-list.
type vectorTopK struct{}

func (vectorTopK) Name() string { return "vector_topk" }

func (r vectorTopK) Apply(p Plan) Plan {
	p = mapChildren(p, r.Apply)
	s, ok := p.(*Slice)
	if !ok || s.Offset != 0 || s.Length < 0 {
		return p
	}
	srt, ok := s.Input.(*Sort)
	if !ok || len(srt.Keys) != 1 {
		return p
	}
	key := srt.Keys[0]
	dist := distanceCall(key.Expr, srt.Input)
	if dist == nil {
		return p
	}
	info := fn.VectorDistances[dist.Name]
	if key.Descending != info.LargerIsCloser {
		return p // farthest first: an ordinary sort
	}
	return &VectorTopK{Input: srt.Input, Key: key, K: s.Length, Metric: info.Name, Dist: dist,
		Index: FindVectorIndex(srt.Input, dist)}
}

// distanceCall returns the distance call a sort key is, directly or as a
// column computed by a projection of input; nil if it is none.
func distanceCall(e Expr, input Plan) *Call {
	e = StripAlias(e)
	if c, ok := e.(*Call); ok {
		if _, isDist := fn.VectorDistances[c.Name]; isDist {
			return c
		}
		return nil
	}
	col, ok := e.(*Column)
	if !ok {
		return nil
	}
	for {
		switch in := input.(type) {
		case *Filter:
			input = in.Input
			continue
		case *Project:
			for _, x := range in.Exprs {
				if OutputName(x) == col.Name {
					if _, isCol := StripAlias(x).(*Column); isCol {
						return distanceCall(x, in.Input)
					}
					return distanceCall(StripAlias(x), in.Input)
				}
			}
		}
		return nil
	}
}

// FindVectorIndex returns how a top-k by dist (resolved against input's
// schema) can be answered by an attached index, or nil.
func FindVectorIndex(input Plan, dist *Call) *VectorIndexUse {
	var filters []Expr
	var e Expr = dist
	for {
		switch in := input.(type) {
		case *Filter:
			filters = append(filters, splitConjunction(in.Predicate)...)
			input = in.Input
			continue
		case *Project:
			if in.IsScalar() {
				return nil
			}
			for _, x := range in.Exprs {
				if ContainsAgg(x) || containsWindow(x) {
					return nil
				}
			}
			e = inlineProject(e, in)
			for i, f := range filters {
				filters[i] = inlineProject(f, in)
			}
			input = in.Input
			continue
		case *Scan:
			if in.Limit >= 0 {
				return nil
			}
			c, ok := e.(*Call)
			if !ok || len(c.Args) != 2 {
				return nil
			}
			col, ok := c.Args[0].(*Column)
			q, isLit := c.Args[1].(*Literal)
			if !ok || !isLit {
				return nil
			}
			qv, ok := q.Value.([]float32)
			metric := fn.VectorDistances[c.Name].Metric
			if !ok || metric == "" {
				return nil
			}
			switch src := in.Source.(type) {
			case *IndexedSource:
				if col.Name != src.Column || metric != src.Index.Metric().String() {
					return nil
				}
				return &VectorIndexUse{Source: src, Scan: in, Query: qv, Filters: filters}
			case VectorSearchSource:
				name, kind := src.VectorIndexOn(col.Name, metric)
				if name == "" {
					return nil
				}
				return &VectorIndexUse{Stored: src, StoredIndex: name, StoredKind: kind, Scan: in, Query: qv, Filters: filters}
			}
		}
		return nil
	}
}

// inlineProject rewrites e, over p's output, in terms of p's input.
func inlineProject(e Expr, p *Project) Expr {
	return Transform(e, func(x Expr) Expr {
		c, ok := x.(*Column)
		if !ok {
			return x
		}
		for _, pe := range p.Exprs {
			if OutputName(pe) == c.Name {
				return StripAlias(pe)
			}
		}
		return x
	})
}
