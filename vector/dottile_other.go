//go:build !amd64

package vector

const hasAVX2FMA, hasAVX512 = false, false

func dotTile4x3AVX2(q *float32, qStride int, x *float32, xStride int, n int, out *[12]float32) {
	panic("unreachable: no assembly tile kernel on this architecture")
}

func dotTile4x6AVX512(q *float32, qStride int, x *float32, xStride int, n int, out *[24]float32) {
	panic("unreachable: no assembly tile kernel on this architecture")
}

func sqL2GatherAVX2(q *float32, base *float32, d int, ids *uint32, n int, out *float32) {
	panic("unreachable: no assembly gather kernel on this architecture")
}

func dotGatherAVX2(q *float32, base *float32, d int, ids *uint32, n int, out *float32) {
	panic("unreachable: no assembly gather kernel on this architecture")
}

func sqL2GatherAVX512(q *float32, base *float32, d int, ids *uint32, n int, out *float32) {
	panic("unreachable: no assembly gather kernel on this architecture")
}

func dotGatherAVX512(q *float32, base *float32, d int, ids *uint32, n int, out *float32) {
	panic("unreachable: no assembly gather kernel on this architecture")
}

func prefetchLinks(p *uint32) {}

func dotU8GatherAVX2(w *float32, codes *uint8, d int, ids *uint32, n int, out *float32) {
	panic("unreachable: no assembly gather kernel on this architecture")
}
