package kernels

import (
	"math"
	"slices"
	"testing"
)

func TestInterpolateLinear(t *testing.T) {
	rows := []int32{0, 1, 2, 3, 4, 5}
	vals := []float64{0, 0, 0, 6, 0, 0}
	valid := []bool{false, true, false, true, false, false}
	vals[1] = 2
	InterpolateLinear(vals, valid, rows)
	if !slices.Equal(valid, []bool{false, true, true, true, false, false}) || vals[2] != 4 {
		t.Fatalf("got %v %v", vals, valid)
	}
	// Ticks: the slope is a truncated division, as Polars' integer interpolation.
	ticks := []int64{0, 0, 0, 7}
	tv := []bool{true, false, false, true}
	InterpolateLinear(ticks, tv, []int32{0, 1, 2, 3})
	if !slices.Equal(ticks, []int64{0, 2, 4, 7}) {
		t.Fatalf("ticks %v", ticks)
	}
	// A NaN end point makes the gap NaN; rows of another partition are untouched.
	f := []float64{1, 0, math.NaN(), 9}
	fv := []bool{true, false, true, false}
	InterpolateLinear(f, fv, []int32{0, 1, 2})
	if !math.IsNaN(f[1]) || fv[3] {
		t.Fatalf("nan %v %v", f, fv)
	}
}

func TestInterpolateNearestAndFillSources(t *testing.T) {
	valid := []bool{false, true, false, false, true, false, true, false}
	at := func(r int) bool { return valid[r] }
	rows := []int32{0, 1, 2, 3, 4, 5, 6, 7}
	src := make([]int32, len(rows))
	InterpolateNearest(at, rows, src)
	// Gap of 3 (1..4): the nearer end; gap of 2 (4..6): a tie takes the later row.
	if want := []int32{-1, 1, 1, 4, 4, 6, 6, -1}; !slices.Equal(src, want) {
		t.Fatalf("nearest %v, want %v", src, want)
	}
	FillSources(at, rows, src, false, 1)
	if want := []int32{-1, 1, 1, -1, 4, 4, 6, 6}; !slices.Equal(src, want) {
		t.Fatalf("forward limit 1: %v, want %v", src, want)
	}
	FillSources(at, rows, src, true, -1)
	if want := []int32{1, 1, 4, 4, 4, 6, 6, -1}; !slices.Equal(src, want) {
		t.Fatalf("backward: %v, want %v", src, want)
	}
	// A partition in another order fills along that order.
	FillSources(at, []int32{7, 6, 5}, src, false, -1)
	if src[7] != -1 || src[6] != 6 || src[5] != 6 {
		t.Fatalf("ordered partition: %v", src)
	}
}
