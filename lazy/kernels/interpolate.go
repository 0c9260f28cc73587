package kernels

// InterpolateLinear fills the nulls of vals that lie between two valid
// values of one run of rows with points on the straight line between them;
// nulls before the first and after the last valid value stay null. rows are
// positions into vals and valid, in order (one window partition); valid is
// updated for the rows filled.
//
// The arithmetic is Polars': low + k * ((high - low) / steps) in the type
// F of the result, so that the values agree with Polars' to the last bit (a
// NaN end point makes the points between NaN; temporal ticks interpolate as
// int64, the slope a truncated division, as there).
func InterpolateLinear[F float32 | float64 | int64](vals []F, valid []bool, rows []int32) {
	prev := -1 // position in rows of the last valid value
	for i, r := range rows {
		if !valid[r] {
			continue
		}
		if prev >= 0 && i-prev > 1 {
			low, high := vals[rows[prev]], vals[r]
			steps := F(i - prev)
			slope := (high - low) / steps
			for k := 1; k < i-prev; k++ {
				at := rows[prev+k]
				vals[at] = low + F(k)*slope
				valid[at] = true
			}
		}
		prev = i
	}
}

// InterpolateNearest sets src, for each row of rows (one partition, in
// order), to the row whose value it takes: itself when valid, else the
// nearer of the valid rows before and after it (the later one on a tie, as
// Polars picks), -1 before the first and after the last valid row.
func InterpolateNearest(valid func(row int) bool, rows []int32, src []int32) {
	prev := -1
	for i, r := range rows {
		if !valid(int(r)) {
			src[r] = -1
			continue
		}
		src[r] = r
		if prev >= 0 && i-prev > 1 {
			gap := i - prev
			for k := 1; k < gap; k++ {
				if 2*k < gap {
					src[rows[prev+k]] = rows[prev]
				} else {
					src[rows[prev+k]] = r
				}
			}
		}
		prev = i
	}
}

// FillSources sets src, for each row of rows (one partition, in order), to
// the row whose value fills it: itself when valid, else the last valid row
// before it (the next one after it when backward) if at most limit rows
// back (limit < 0: any distance), else -1.
func FillSources(valid func(row int) bool, rows []int32, src []int32, backward bool, limit int) {
	last, lastAt := int32(-1), 0
	for j := range rows {
		i := j
		if backward {
			i = len(rows) - 1 - j
		}
		r := rows[i]
		switch {
		case valid(int(r)):
			src[r], last, lastAt = r, r, j
		case last >= 0 && (limit < 0 || j-lastAt <= limit):
			src[r] = last
		default:
			src[r] = -1
		}
	}
}
