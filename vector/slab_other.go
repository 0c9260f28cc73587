//go:build !unix

package vector

// slab is never made here: every array stays in the Go heap.
type slab struct{ mem []byte }

func mapSlab(int) *slab { return nil }

func (s *slab) free() {}
