package vector

import (
	"testing"
	"unsafe"
)

func TestHugeInterior(t *testing.T) {
	const huge = 2 << 20
	if hugeInterior(make([]byte, huge+100)) != nil {
		t.Fatal("an array under two huge pages got advice")
	}
	b := make([]byte, 9<<20+123)
	r := hugeInterior(b)
	start := uintptr(unsafe.Pointer(&r[0])) - uintptr(unsafe.Pointer(&b[0]))
	if p := uintptr(unsafe.Pointer(&r[0])); p%huge != 0 || len(r)%huge != 0 || len(r) < 6<<20 {
		t.Fatalf("interior at %#x, %d bytes", p, len(r))
	}
	if int(start)+len(r) > len(b) {
		t.Fatalf("interior [%d, %d) outside the %d bytes", start, int(start)+len(r), len(b))
	}
	adviseHuge(b)
	collapseHuge(b)
}

func TestGrowHuge(t *testing.T) {
	var mem *slab
	s := growHuge([]float32(nil), &mem, 3)
	if len(s) != 3 || s[0] != 0 {
		t.Fatal(s)
	}
	copy(s, []float32{1, 2, 3})
	s = growHuge(s, &mem, 2<<20) // new backing array (a slab), advised
	if mem == nil {
		t.Fatal("an 8 MiB array is not a slab")
	}
	if len(s) != 3+2<<20 || s[2] != 3 || s[3] != 0 || s[len(s)-1] != 0 {
		t.Fatal("contents not kept or tail not zero")
	}
	s = s[:cap(s)]
	for i := range s {
		s[i] = 7 // stale values in the spare capacity
	}
	s = s[:3]
	s = growHuge(s, &mem, 5) // in place: the new elements are zeroed
	if len(s) != 8 || s[2] != 7 || s[3] != 0 || s[7] != 0 {
		t.Fatal(s)
	}
	mem.free()
}
