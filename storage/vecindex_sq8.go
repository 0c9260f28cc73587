package storage

import (
	"slices"

	"github.com/cockroachdb/pebble/v2"

	"github.com/alopexdb/alopex/vector"
)

// A quantized (sq8) HNSW index holds one byte per dimension: its distances
// are approximate. The full vectors are in the table, so a search fetches
// more candidates than asked (vector.RefineCandidates) and re-ranks them
// with exact distances to their rows' vectors, read through the
// transaction at its snapshot (the snapshot the labels were chosen at), all
// candidates of a batch in one walk of the store.

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
	var keys []string // candidates repeat across queries: each read once
	for _, r := range res {
		for _, h := range r.Hits {
			keys = append(keys, h.Key)
		}
	}
	slices.Sort(keys)
	vecs, err := lv.readVectors(t, slices.Compact(keys))
	if err != nil {
		return err
	}
	dim := lv.typ.dim
	for qi := range res {
		q := queries[qi*dim : (qi+1)*dim]
		hits := res[qi].Hits[:0]
		for _, h := range res[qi].Hits {
			v := vecs[h.Key]
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

// readVectors reads the indexed vectors of the rows keys (sorted,
// distinct) at t's snapshot in one forward walk of the store — one
// iterator seeking from key to key, not a point read each; a row that is
// missing or whose vector is NULL or of another dimension is left out.
func (lv *liveVec) readVectors(t *Txn, keys []string) (map[string][]float32, error) {
	out := make(map[string][]float32, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	if t.sealed {
		return nil, errSealed()
	}
	add := func(key string, val []byte) {
		if x, null := lv.vectorOf(val); !null && len(x) == lv.typ.dim {
			out[key] = x
		}
	}
	it, err := t.snap.NewIter(&pebble.IterOptions{LowerBound: []byte(keys[0]), UpperBound: append([]byte(keys[len(keys)-1]), 0)})
	if err != nil {
		return nil, storageError(err)
	}
	defer it.Close()
	for _, k := range keys {
		if w, ok := t.pend.get(k); ok { // the transaction's own writes win
			if !w.del {
				add(k, w.val)
			}
			continue
		}
		if !it.SeekGE([]byte(k)) || string(it.Key()) != k {
			if err := it.Error(); err != nil {
				return nil, storageError(err)
			}
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, storageError(err)
		}
		add(k, v)
	}
	return out, t.pend.failed()
}
