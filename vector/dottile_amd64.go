package vector

import "golang.org/x/sys/cpu"

// The tile kernels in dottile_amd64.s; dotTile picks the widest the CPU
// runs. Both need n > 0 and a whole number of their chunks.
var (
	hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512  = cpu.X86.HasAVX512F && hasAVX2FMA
)

//go:noescape
func dotTile4x3AVX2(q *float32, qStride int, x *float32, xStride int, n int, out *[12]float32)

//go:noescape
func dotTile4x6AVX512(q *float32, qStride int, x *float32, xStride int, n int, out *[24]float32)

//go:noescape
func sqL2GatherAVX2(q *float32, base *float32, d int, ids *uint32, n int, out *float32)

//go:noescape
func dotGatherAVX2(q *float32, base *float32, d int, ids *uint32, n int, out *float32)

//go:noescape
func sqL2GatherAVX512(q *float32, base *float32, d int, ids *uint32, n int, out *float32)

//go:noescape
func dotGatherAVX512(q *float32, base *float32, d int, ids *uint32, n int, out *float32)

//go:noescape
func prefetchLinks(p *uint32)

//go:noescape
func dotU8GatherAVX2(w *float32, codes *uint8, d int, ids *uint32, n int, out *float32)
