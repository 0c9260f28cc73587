package kernels_test

import (
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestStrContainsRegexAcrossRows checks str.contains with regexes of the
// LIKE shape (found through a literal searched over the whole values
// buffer, then matched without the regex engine) and others (prefiltered by
// a required literal) against Go's regexp row by row, in every string
// layout, with nulls and matches that straddle rows.
func TestStrContainsRegexAcrossRows(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	alphabet := []string{"a", "b", "é", "日", "\n", "x"}
	patterns := []string{
		"a.*b", "(?s)a.*b", "^a.b", "b$", "a.{2}b$", "(?s)^.*日.+a$", "é.é", "ab.*ba.*ab",
		"a[bé]+b", "(a|b)日", "(?i)ab.*x", "x\\s*a",
	}
	for trial := range 150 {
		n := rng.Intn(30)
		in := make([]any, n)
		for i := range in {
			if rng.Intn(10) == 0 {
				continue
			}
			var b strings.Builder
			for range rng.Intn(7) {
				b.WriteString(alphabet[rng.Intn(len(alphabet))])
			}
			in[i] = b.String()
		}
		pat := patterns[trial%len(patterns)]
		re := regexp.MustCompile(pat)
		want := make([]any, n)
		for i, v := range in {
			if v != nil {
				want[i] = re.MatchString(v.(string))
			}
		}
		checkStrKernel(t, fmt.Sprintf("trial %d: contains %q", trial, pat), func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrContains(mem, a, scalar(pat), false, true)
		}, in, boo, want)
	}
}
