// Package vector holds distance kernels and the flat (exact) and HNSW
// (approximate) vector indexes behind ax.VectorIndex.
//
// Files: distance.go (kernels on vek32 with unrolled Go loops for short
// vectors), store.go (vectors, ids and filters both indexes share), flat.go,
// exact.go (exact search as a blocked matrix product; its AVX2 and AVX-512
// tile kernels in dottile_amd64.s),
// hnsw.go (layout and parallel build), hnsw_search.go (search, filters,
// tombstones), format.go (the saved file format), heap.go and bitset.go.
//
// Distances, smaller is closer: "l2" is the squared Euclidean distance (as
// hnswlib and FAISS report it), "ip" is 1 - a·b, "cosine" is 1 - cos(a, b),
// computed as "ip" on vectors normalised when they are added.
package vector
