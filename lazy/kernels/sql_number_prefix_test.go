package kernels

import "testing"

// decimalPrefix rounds the text MySQL reads exactly, halves away from zero;
// a float on the way would give 1.00 for "1.005" (1.00499999…).
func TestDecimalPrefix(t *testing.T) {
	for _, c := range []struct {
		s     string
		scale int
		want  string
	}{
		{"1.005", 2, "1.01"},
		{"0.285", 2, "0.29"},
		{" -1.255abc", 2, "-1.26"},
		{"3.65", 1, "3.7"},
		{"12345678901234567.89", 2, "12345678901234567.89"},
		{"12345678901234567.895", 2, "12345678901234567.90"},
		{"2.5e-1", 2, "0.25"},
		{"1.5e2", 1, "150.0"},
		{"2.5", 0, "3"},
		{"-2.5", 0, "-3"},
		{"7", 0, "7"},
		{"abc", 2, "0"},
		{"", 2, "0"},
		{"1e999", 2, "1e999"}, // beyond any DECIMAL: left for the cast to reject
		{"1e-999", 2, "1e-999"},
	} {
		if got := decimalPrefix(c.s, c.scale); got != c.want {
			t.Errorf("decimalPrefix(%q, %d) = %q, want %q", c.s, c.scale, got, c.want)
		}
	}
}
