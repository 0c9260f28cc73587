package main

/*
#include <stdint.h>
*/
import "C"

import (
	"math"
	"runtime"
	"runtime/cgo"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
)

// Vector indexes cross the boundary as handles to a vector.Index. Vectors
// come in as pointers into the caller's C-contiguous float32 arrays (read
// in place; Add copies them once into the index), and search results are
// written into arrays the caller allocated, so no data is copied on the
// Python side in either direction.

func vectorIndexOf(h C.uint64_t) (vector.Index, error) {
	if h == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "null vector index handle")
	}
	idx, ok := cgo.Handle(h).Value().(vector.Index)
	if !ok {
		return nil, core.Errorf(core.KindInternal, "handle %d is not a vector index", uint64(h))
	}
	return idx, nil
}

func floats(p *C.float, n C.int64_t) []float32 {
	if p == nil || n <= 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(p)), int(n))
}

func int64s(p *C.int64_t, n C.int64_t) []int64 {
	if p == nil || n < 0 {
		return nil
	}
	if n == 0 {
		return []int64{}
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(p)), int(n))
}

// alopex_vector_new creates an empty index: kind 0 flat, 1 HNSW; metric 0
// l2, 1 ip, 2 cosine; m, efConstruction, efSearch are HNSW parameters (0:
// default).
//
//export alopex_vector_new
func alopex_vector_new(kind C.int, metric C.int, dim C.int64_t, m C.int64_t, efConstruction C.int64_t,
	efSearch C.int64_t, out *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		if metric < 0 || metric > C.int(vector.Cosine) {
			return core.Errorf(core.KindInvalidInput, "unknown metric code %d", int(metric))
		}
		if dim <= 0 || dim > 1<<20 {
			return core.Errorf(core.KindInvalidInput, "dim must be between 1 and %d, got %d", 1<<20, int64(dim))
		}
		var (
			idx vector.Index
			err error
		)
		switch kind {
		case 0:
			idx, err = vector.NewFlat(int(dim), vector.Metric(metric))
		case 1:
			idx, err = vector.NewHNSW(int(dim), vector.Metric(metric), vector.HNSWOptions{
				M: int(m), EfConstruction: int(efConstruction), EfSearch: int(efSearch)})
		default:
			return core.Errorf(core.KindInvalidInput, "unknown index kind %d", int(kind))
		}
		if err != nil {
			return err
		}
		*out = C.uint64_t(cgo.NewHandle(idx))
		return nil
	})
}

// alopex_vector_release frees an index handle.
//
//export alopex_vector_release
func alopex_vector_release(h C.uint64_t) {
	defer func() { _ = recover() }()
	if h != 0 {
		cgo.Handle(h).Delete()
	}
}

// alopex_vector_add adds n vectors of dimension dim (n×dim float32, row
// major) under ids (NULL: generated).
//
//export alopex_vector_add
func alopex_vector_add(h C.uint64_t, data *C.float, n C.int64_t, dim C.int64_t, ids *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		if int(dim) != idx.Dim() {
			return core.Errorf(core.KindInvalidInput, "vectors have dimension %d, the index %d", int64(dim), idx.Dim())
		}
		var idList []int64
		if ids != nil {
			idList = int64s(ids, n)
		}
		return idx.Add(floats(data, n*dim), idList)
	})
}

// alopex_vector_search finds the k nearest neighbours of nq queries and
// writes them to outIDs and outDists (nq×k each, allocated by the caller).
// filterKind 0: no filter; 1: mask (maskLen bytes, 0 or 1, by external
// id); 2: filterIDs (nFilter allowed external ids).
//
//export alopex_vector_search
func alopex_vector_search(h C.uint64_t, queries *C.float, nq C.int64_t, dim C.int64_t, k C.int64_t, ef C.int64_t,
	filterKind C.int, mask *C.uint8_t, filterIDs *C.int64_t, nFilter C.int64_t,
	outIDs *C.int64_t, outDists *C.float, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		if int(dim) != idx.Dim() {
			return core.Errorf(core.KindInvalidInput, "queries have dimension %d, the index %d", int64(dim), idx.Dim())
		}
		if k <= 0 || nq <= 0 {
			return core.Errorf(core.KindInvalidInput, "k and the number of queries must be positive, got %d and %d", int64(k), int64(nq))
		}
		if int64(k) > math.MaxInt64/16/int64(nq) {
			// The caller's result buffers hold nq×k entries (12 bytes
			// each): past this nq×k overflows and cannot describe real
			// buffers (Python caps k at the index's length).
			return core.Errorf(core.KindInvalidInput, "%d queries × k=%d results are too many; use a smaller k", int64(nq), int64(k))
		}
		var f *vector.Filter
		switch filterKind {
		case 0:
		case 1:
			m := []bool{}
			if nFilter > 0 {
				m = unsafe.Slice((*bool)(unsafe.Pointer(mask)), int(nFilter))
			}
			f = &vector.Filter{Mask: m}
		case 2:
			f = &vector.Filter{IDs: int64s(filterIDs, nFilter)}
		default:
			return core.Errorf(core.KindInvalidInput, "unknown filter kind %d", int(filterKind))
		}
		return idx.Search(floats(queries, nq*dim), int(k), int(ef), f,
			int64s(outIDs, nq*k), floats(outDists, nq*k))
	})
}

// alopex_vector_remove removes ids and reports how many were present.
//
//export alopex_vector_remove
func alopex_vector_remove(h C.uint64_t, ids *C.int64_t, n C.int64_t, removed *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		r, err := idx.Remove(int64s(ids, n))
		*removed = C.int64_t(r)
		return err
	})
}

// alopex_vector_info writes kind, metric, dim, len, m, ef_construction,
// ef_search to out[0..6] (m and the ef values are 0 for flat).
//
//export alopex_vector_info
func alopex_vector_info(h C.uint64_t, out *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		o := unsafe.Slice((*int64)(unsafe.Pointer(out)), 7)
		o[0], o[1], o[2], o[3] = 0, int64(idx.Metric()), int64(idx.Dim()), int64(idx.Len())
		o[4], o[5], o[6] = 0, 0, 0
		if hn, ok := idx.(*vector.HNSW); ok {
			m, efc, efs := hn.Params()
			o[0], o[4], o[5], o[6] = 1, int64(m), int64(efc), int64(efs)
		}
		return nil
	})
}

// alopex_vector_set_ef sets the default ef_search of an HNSW index.
//
//export alopex_vector_set_ef
func alopex_vector_set_ef(h C.uint64_t, ef C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		hn, ok := idx.(*vector.HNSW)
		if !ok {
			return core.Errorf(core.KindInvalidInput, "ef_search applies to HNSW indexes only")
		}
		return hn.SetEfSearch(int(ef))
	})
}

// alopex_vector_compact rebuilds an HNSW graph without removed vectors.
//
//export alopex_vector_compact
func alopex_vector_compact(h C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		if hn, ok := idx.(*vector.HNSW); ok {
			return hn.Compact()
		}
		return nil
	})
}

// alopex_vector_save writes the index to path.
//
//export alopex_vector_save
func alopex_vector_save(h C.uint64_t, path *C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vectorIndexOf(h)
		if err != nil {
			return err
		}
		return idx.Save(C.GoString(path))
	})
}

// alopex_vector_load reads an index saved by alopex_vector_save.
//
//export alopex_vector_load
func alopex_vector_load(path *C.char, out *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		idx, err := vector.Load(C.GoString(path))
		if err != nil {
			return err
		}
		*out = C.uint64_t(cgo.NewHandle(idx))
		return nil
	})
}

// alopex_set_threads sets how many cores the engine uses (GOMAXPROCS; 0 or
// less: all of them) and writes the previous setting to *previous. The
// benchmarks use it to measure single-threaded speed.
//
//export alopex_set_threads
func alopex_set_threads(n C.int64_t, previous *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		if n <= 0 {
			n = C.int64_t(runtime.NumCPU())
		}
		*previous = C.int64_t(runtime.GOMAXPROCS(int(n)))
		return nil
	})
}
