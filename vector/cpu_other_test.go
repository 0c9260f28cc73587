//go:build !unix

package vector

// cpuSeconds is not measured here: the benchmarks report 0.
func cpuSeconds() float64 { return 0 }
