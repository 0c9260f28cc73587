package kernels

import "testing"

// TestCompileLike: LIKE patterns with their escape, against MySQL 8's
// documented answers.
func TestCompileLike(t *testing.T) {
	for _, tc := range []struct {
		pat    string
		escape rune
		s      string
		want   bool
	}{
		{"a%", '\\', "abc", true},
		{"a%", '\\', "bac", false},
		{"%b%", '\\', "abc", true},
		{"a_c", '\\', "abc", true},
		{"a_c", '\\', "ac", false},
		{"a_c", '\\', "aéc", true}, // _ is one character, not one byte
		{"10\\%", '\\', "10%", true},
		{"10\\%", '\\', "100", false},
		{"10|%", '|', "10%", true},
		{"10|%", '|', "10x", false},
		{"a\\", '\\', "a\\", true}, // an escape at the end is literal
		{"", '\\', "", true},
		{"", '\\', "x", false},
		{"%", '\\', "", true},
		{"_%_", '\\', "a", false},
		{"_%_", '\\', "ab", true},
		{"ABC", '\\', "abc", false}, // binary collation
		{"a%c%e", 0, "abcde", true},
		{"a%c%e", 0, "abcd", false},
	} {
		if got := CompileLike(tc.pat, tc.escape).Match(tc.s); got != tc.want {
			t.Errorf("%q LIKE %q ESCAPE %q = %v, want %v", tc.s, tc.pat, tc.escape, got, tc.want)
		}
	}
}
