package storage

import (
	"slices"

	"github.com/alopexdb/alopex/vector"
)

// A quantized (sq8) HNSW index holds one byte per dimension: its distances
// are approximate. The full vectors are in the table, so a search fetches
// more candidates than asked (vector.RefineCandidates) and re-ranks them
// with exact distances to their rows' vectors, read through the
// transaction at its snapshot (the snapshot the labels were chosen at).

// searchBatch answers nq queries as vecIndex.searchBatch does, for t;
// for a quantized index it re-ranks the candidates (rerank) and returns
// exact distances, as a float32 index would.
func (lv *liveVec) searchBatch(t *Txn, queries []float32, nq, k, ef int, set *KeySet) ([]vecResult, []bool, error) {
	if lv.def.Quantization == "" || k <= 0 {
		return lv.idx.searchSet(queries, nq, k, ef, t.start, set)
	}
	if ef <= 0 {
		if h, ok := lv.idx.idx.(*vector.HNSW); ok {
			_, _, ef = h.Params()
		}
	}
	res, ok, err := lv.idx.searchSet(queries, nq, vector.RefineCandidates(k, ef), ef, t.start, set)
	if err != nil || res == nil {
		return res, ok, err
	}
	if err := lv.rerank(t, queries, res, ok, k); err != nil {
		return nil, nil, err
	}
	return res, ok, nil
}

// rerank orders each result's hits by the exact distance between its
// query and the hit's row vector and keeps the k nearest. A hit whose row
// no longer reads as a vector (it cannot: the search allowed only versions
// visible to t) drops out and leaves its query to an exact search.
func (lv *liveVec) rerank(t *Txn, queries []float32, res []vecResult, ok []bool, k int) error {
	metric, err := vector.ParseMetric(lv.def.Metric)
	if err != nil {
		return err
	}
	dim := lv.typ.dim
	vecs := map[string][]float32{} // candidates repeat across queries
	for qi := range res {
		q := queries[qi*dim : (qi+1)*dim]
		hits := res[qi].Hits[:0]
		for _, h := range res[qi].Hits {
			v, seen := vecs[h.Key]
			if !seen {
				val, found, err := t.get([]byte(h.Key))
				if err != nil {
					return err
				}
				if found {
					if x, null := lv.vectorOf(val); !null && len(x) == dim {
						v = x
					}
				}
				vecs[h.Key] = v
			}
			if v == nil {
				ok[qi] = false
				continue
			}
			hits = append(hits, vecHit{Key: h.Key, Dist: vector.ExactDistance(metric, q, v)})
		}
		slices.SortStableFunc(hits, func(a, b vecHit) int {
			switch {
			case a.Dist < b.Dist:
				return -1
			case a.Dist > b.Dist:
				return 1
			}
			return 0
		})
		res[qi].Hits = hits[:min(k, len(hits))]
	}
	return nil
}
