// Package vector holds distance kernels and the flat and HNSW vector
// indexes. It arrives with the vector search issue.
package vector
