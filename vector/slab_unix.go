//go:build unix

package vector

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// slab owns a private anonymous mapping (see slab.go).
type slab struct {
	mem     []byte
	cleanup runtime.Cleanup
}

// mapSlab maps size zeroed bytes (nil when the kernel refuses: the caller
// falls back to the heap).
func mapSlab(size int) *slab {
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil
	}
	s := &slab{mem: mem}
	s.cleanup = runtime.AddCleanup(s, func(m []byte) { _ = unix.Munmap(m) }, mem)
	return s
}

// free unmaps the slab now. The caller guarantees that nothing uses its
// array any more; nil and freed slabs are ignored.
func (s *slab) free() {
	if s == nil || s.mem == nil {
		return
	}
	s.cleanup.Stop()
	_ = unix.Munmap(s.mem)
	s.mem = nil
}
