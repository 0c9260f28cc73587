package fn

import (
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// REGEXP_SUBSTR(s, p[, pos[, occurrence]]) and REGEXP_INSTR(s, p[, pos[,
// occurrence[, return_option]]]): the occurrence-th match of p in s at or
// after character pos (1-based; both default to 1). The pattern is
// compiled by the kernels' compiler (the one str.contains uses), once per
// batch when constant; sqlexec folds a match type into it.

// regexMatch finds the occurrence-th match at or after character pos:
// byte bounds, or ok false when there is none (or pos is outside s).
func regexMatch(p *kernels.Pattern, s string, pos, occurrence int64) (int, int, bool, error) {
	if pos < 1 || pos > int64(utf8.RuneCountInString(s))+1 || occurrence < 1 {
		return 0, 0, false, nil
	}
	from := runeOffset(s, int(pos-1))
	for {
		lo, hi, err := p.FindFrom(s, from)
		if err != nil || lo < 0 {
			return 0, 0, false, err
		}
		if occurrence--; occurrence == 0 {
			return lo, hi, true, nil
		}
		from = hi
		if hi == lo { // an empty match: step past one character
			if hi == len(s) {
				return 0, 0, false, nil
			}
			_, size := utf8.DecodeRuneInString(s[hi:])
			from += size
		}
	}
}

// regexRows reads a pattern argument: compiled once when it is a constant.
type regexRows struct {
	r     *kernels.RowArgs
	fixed *kernels.Pattern
}

func newRegexRows(r *kernels.RowArgs, args []kernels.Value) (*regexRows, error) {
	g := &regexRows{r: r}
	if src, ok := args[1].Scalar.(string); ok && args[1].IsScalar() {
		p, err := kernels.CompilePattern(src, false)
		if err != nil {
			return nil, err
		}
		g.fixed = p
	}
	return g, nil
}

func (g *regexRows) at(i int) (*kernels.Pattern, bool, error) {
	if g.fixed != nil {
		return g.fixed, true, nil
	}
	src, ok := g.r.Str(1, i)
	if !ok {
		return nil, false, nil
	}
	p, err := kernels.CompilePattern(src, false) // cached by source text
	return p, err == nil, err
}

// regexArgs reads row i's string, pattern and the integer options from
// argument 2 on into opts (defaults: position 1, occurrence 1,
// return_option 0); ok false when any is NULL.
func regexArgs(r *kernels.RowArgs, g *regexRows, i int, opts []int64) (string, *kernels.Pattern, bool, error) {
	s, ok := r.Str(0, i)
	if !ok {
		return "", nil, false, nil
	}
	p, ok, err := g.at(i)
	if !ok || err != nil {
		return "", nil, false, err
	}
	for k := range opts {
		opts[k] = min(1, int64(2-k)) // 1, 1, 0
		if 2+k < r.Len() {
			v, ok := r.Int(2+k, i)
			if !ok {
				return "", nil, false, nil
			}
			opts[k] = v
		}
	}
	return s, p, true, nil
}

func regexFn(name string, maxArgs int, out arrow.DataType, eval func(mem memory.Allocator, r *kernels.RowArgs, g *regexRows, n int) (arrow.Array, error)) *Scalar {
	s := sqlRowFn(name, []string{name}, 2, maxArgs, NullsAny, "ssi", out, nil)
	s.Eval = func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		r, err := kernels.NewRowArgs(args)
		if err != nil {
			return nil, err
		}
		g, err := newRegexRows(r, args)
		if err != nil {
			return nil, err
		}
		return eval(mem, r, g, n)
	}
	return s
}

var sqlRegexFunctions = []*Scalar{
	regexFn("regexp_substr", 4, str, func(mem memory.Allocator, r *kernels.RowArgs, g *regexRows, n int) (arrow.Array, error) {
		opts := make([]int64, 2)
		return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
			s, p, ok, err := regexArgs(r, g, i, opts)
			if !ok || err != nil {
				return nil, false, err
			}
			lo, hi, found, err := regexMatch(p, s, opts[0], opts[1])
			if !found || err != nil {
				return nil, false, err
			}
			return append(dst, s[lo:hi]...), true, nil
		})
	}),
	regexFn("regexp_instr", 5, i64, func(mem memory.Allocator, r *kernels.RowArgs, g *regexRows, n int) (arrow.Array, error) {
		opts := make([]int64, 3)
		return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
			s, p, ok, err := regexArgs(r, g, i, opts)
			if !ok || err != nil {
				return 0, false, err
			}
			if opts[2] != 0 && opts[2] != 1 {
				return 0, false, core.Errorf(core.KindInvalidInput, "REGEXP_INSTR: return_option (argument 5) must be 0 or 1, got %d", opts[2])
			}
			lo, hi, found, err := regexMatch(p, s, opts[0], opts[1])
			if !found || err != nil {
				return 0, err == nil, err
			}
			at := lo
			if opts[2] == 1 {
				at = hi
			}
			return int64(utf8.RuneCountInString(s[:at])) + 1, true, nil
		})
	}),
}
