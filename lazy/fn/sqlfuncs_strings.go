package fn

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MySQL's string functions that Polars has no kernel for, with MySQL 8's
// meanings (utf8mb4 strings: positions and lengths count characters, not
// bytes; comparisons are binary, as alopex's collation). Each is an entry
// with its SQL name, named "sql.<name>" in plans; only SQL builds them.

var ts64 = &arrow.TimestampType{Unit: arrow.Microsecond}

// rowEval computes a function from its arguments read row by row.
type rowEval func(mem memory.Allocator, c *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error)

// sqlRowFn is the entry of a MySQL function over rows. kinds gives each
// argument's type, the last repeating for more arguments: 's' String (a
// number or date converts to its text), 'i' Int64 (a number converts), 'f'
// Float64, 't' a datetime in microseconds (a DATE is its midnight).
func sqlRowFn(name string, sql []string, minArgs, maxArgs int, nulls Nulls, kinds string, out arrow.DataType, eval rowEval) *Scalar {
	return &Scalar{Name: "sql." + name, SQL: sql, MinArgs: minArgs, MaxArgs: maxArgs, Nulls: nulls,
		Type: func(b *Binding) error {
			for i, a := range b.Args {
				k := kinds[min(i, len(kinds)-1)]
				t := a.DataType()
				ok := t.ID() == arrow.NULL
				var to arrow.DataType
				switch k {
				case 's':
					ok, to = true, str
				case 'i':
					ok, to = ok || core.IsNumeric(t), i64
				case 'f':
					ok, to = ok || core.IsNumeric(t), f64
				case 't':
					ok, to = ok || t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP, ts64
				}
				if !ok {
					want := map[byte]string{'i': "an integer", 'f': "a number", 't': "a date or datetime"}[k]
					return core.Errorf(core.KindInvalidInput, "%s: argument %d must be %s, got %s (%s)",
						sqlName(name, sql), i+1, want, core.DTypeName(t), a)
				}
				if !arrow.TypeEqual(t, to) {
					b.Cast(i, to)
				}
			}
			b.Out = out
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			r, err := kernels.NewRowArgs(args)
			if err != nil {
				return nil, err
			}
			return eval(mem, c, r, n)
		}}
}

// strRows is a String-valued function of every argument being non-null
// (a null argument makes the row null).
func strRows(nargs int, f func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool)) rowEval {
	return func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
		return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
			out, ok := f(i, r, dst)
			return out, ok, nil
		})
	}
}

// runeOffset is the byte offset of character k (0-based) of s, len(s) past
// its end.
func runeOffset(s string, k int) int {
	for b := range s {
		if k == 0 {
			return b
		}
		k--
	}
	return len(s)
}

// padRows is LPAD / RPAD(s, n, pad): s cut or padded with pad to n
// characters; NULL when n < 0, or when padding is needed and pad is empty.
func padRows(left bool) rowEval {
	return func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
		return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
			s, ok1 := r.Str(0, i)
			want, ok2 := r.Int(1, i)
			pad, ok3 := r.Str(2, i)
			if !ok1 || !ok2 || !ok3 || want < 0 {
				return nil, false, nil
			}
			have := int64(utf8.RuneCountInString(s))
			if want <= have {
				return append(dst, s[:runeOffset(s, int(want))]...), true, nil
			}
			if pad == "" {
				return nil, false, nil
			}
			if want > 1<<24 { // MySQL's max_allowed_packet guard: NULL
				return nil, false, nil
			}
			fill := func(dst []byte) []byte {
				for k := have; k < want; {
					for _, c := range pad {
						if k == want {
							break
						}
						dst = utf8.AppendRune(dst, c)
						k++
					}
				}
				return dst
			}
			if left {
				return append(fill(dst), s...), true, nil
			}
			return fill(append(dst, s...)), true, nil
		})
	}
}

// locate is the 1-based character position of sub in s at or after
// character pos (1-based), 0 when absent.
func locate(sub, s string, pos int64) int64 {
	if pos < 1 || pos > int64(utf8.RuneCountInString(s))+1 {
		return 0
	}
	start := runeOffset(s, int(pos-1))
	k := strings.Index(s[start:], sub)
	if k < 0 {
		return 0
	}
	return pos + int64(utf8.RuneCountInString(s[start:start+k]))
}

// substringIndex is SUBSTRING_INDEX(s, delim, count).
func substringIndex(s, delim string, count int64) string {
	if delim == "" || count == 0 {
		return ""
	}
	if count > 0 {
		at := 0
		for ; count > 0; count-- {
			k := strings.Index(s[at:], delim)
			if k < 0 {
				return s
			}
			at += k + len(delim)
		}
		return s[:at-len(delim)]
	}
	end := len(s)
	for ; count < 0; count++ {
		k := strings.LastIndex(s[:end], delim)
		if k < 0 {
			return s
		}
		end = k
	}
	return s[end+len(delim):]
}

func hashRows(newHash func() hash.Hash) rowEval {
	return strRows(1, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
		s, ok := r.Str(0, i)
		if !ok {
			return nil, false
		}
		h := newHash()
		h.Write([]byte(s))
		return hex.AppendEncode(dst, h.Sum(nil)), true
	})
}

var sqlStringFunctions = []*Scalar{
	sqlRowFn("concat_ws", []string{"concat_ws"}, 2, -1, NullsAny, "s", str,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
				sep, ok := r.Str(0, i)
				if !ok {
					return nil, false, nil // a NULL separator: NULL
				}
				first := true
				for k := 1; k < r.Len(); k++ {
					s, ok := r.Str(k, i)
					if !ok {
						continue // NULL arguments are skipped
					}
					if !first {
						dst = append(dst, sep...)
					}
					dst, first = append(dst, s...), false
				}
				return dst, true, nil
			})
		}),
	sqlRowFn("lpad", []string{"lpad"}, 3, 3, NullsAny, "sis", str, padRows(true)),
	sqlRowFn("rpad", []string{"rpad"}, 3, 3, NullsAny, "sis", str, padRows(false)),
	sqlRowFn("repeat", []string{"repeat"}, 2, 2, NullsAny, "si", str,
		strRows(2, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok1 := r.Str(0, i)
			k, ok2 := r.Int(1, i)
			if !ok1 || !ok2 || int64(len(s))*k > 1<<26 { // beyond max_allowed_packet: NULL
				return nil, false
			}
			for ; k > 0; k-- {
				dst = append(dst, s...)
			}
			return dst, true
		})),
	sqlRowFn("space", []string{"space"}, 1, 1, NullsAny, "i", str,
		strRows(1, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			k, ok := r.Int(0, i)
			if !ok || k > 1<<26 {
				return nil, false
			}
			for ; k > 0; k-- {
				dst = append(dst, ' ')
			}
			return dst, true
		})),
	// LOCATE(sub, s[, pos]); INSTR(s, sub) and POSITION(sub IN s) are
	// translated to it.
	sqlRowFn("locate", []string{"locate", "position"}, 2, 3, NullsFromArgs, "ssi", i64,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			hasPos := r.Len() == 3
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				sub, ok1 := r.Str(0, i)
				s, ok2 := r.Str(1, i)
				pos, ok3 := int64(1), true
				if hasPos {
					pos, ok3 = r.Int(2, i)
				}
				if !ok1 || !ok2 || !ok3 {
					return 0, false, nil
				}
				return locate(sub, s, pos), true, nil
			})
		}),
	sqlRowFn("substring_index", []string{"substring_index"}, 3, 3, NullsFromArgs, "ssi", str,
		strRows(3, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok1 := r.Str(0, i)
			d, ok2 := r.Str(1, i)
			k, ok3 := r.Int(2, i)
			if !ok1 || !ok2 || !ok3 {
				return nil, false
			}
			return append(dst, substringIndex(s, d, k)...), true
		})),
	// FIELD(s, s1, s2, …): the position of s in the list, 0 when absent or
	// when s is NULL. Strings compare as bytes; sqlexec builds field_num,
	// which compares DOUBLEs, when an argument is not a string (MySQL
	// compares as numbers then: FIELD(3, 3.0) is 1).
	sqlRowFn("field", nil, 2, -1, NullsFromArgs, "s", i64,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				s, ok := r.Str(0, i)
				if !ok {
					return 0, true, nil
				}
				for k := 1; k < r.Len(); k++ {
					if v, ok := r.Str(k, i); ok && v == s {
						return int64(k), true, nil
					}
				}
				return 0, true, nil
			})
		}),
	sqlRowFn("field_num", nil, 2, -1, NullsFromArgs, "f", i64,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				x, ok := r.Float(0, i)
				if !ok {
					return 0, true, nil
				}
				for k := 1; k < r.Len(); k++ {
					if v, ok := r.Float(k, i); ok && v == x {
						return int64(k), true, nil
					}
				}
				return 0, true, nil
			})
		}),
	sqlRowFn("find_in_set", []string{"find_in_set"}, 2, 2, NullsFromArgs, "s", i64,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				s, ok1 := r.Str(0, i)
				list, ok2 := r.Str(1, i)
				if !ok1 || !ok2 {
					return 0, false, nil
				}
				if strings.ContainsRune(s, ',') || list == "" {
					return 0, true, nil
				}
				k := int64(1)
				for {
					j := strings.IndexByte(list, ',')
					item := list
					if j >= 0 {
						item = list[:j]
					}
					if item == s {
						return k, true, nil
					}
					if j < 0 {
						return 0, true, nil
					}
					list, k = list[j+1:], k+1
				}
			})
		}),
	// ELT(n, s1, s2, …): the n-th string, NULL when n is out of range.
	sqlRowFn("elt", []string{"elt"}, 2, -1, NullsAny, "is", str,
		strRows(2, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			k, ok := r.Int(0, i)
			if !ok || k < 1 || k >= int64(r.Len()) {
				return nil, false
			}
			s, ok := r.Str(int(k), i)
			return append(dst, s...), ok
		})),
	// INSERT(s, pos, len, new): s with len characters from pos replaced by
	// new; s itself when pos is outside it.
	sqlRowFn("insert", []string{"insert_func"}, 4, 4, NullsFromArgs, "siis", str,
		strRows(4, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok1 := r.Str(0, i)
			pos, ok2 := r.Int(1, i)
			ln, ok3 := r.Int(2, i)
			nw, ok4 := r.Str(3, i)
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return nil, false
			}
			chars := int64(utf8.RuneCountInString(s))
			if pos < 1 || pos > chars {
				return append(dst, s...), true
			}
			if ln < 0 || ln > chars-pos+1 {
				ln = chars - pos + 1
			}
			from := runeOffset(s, int(pos-1))
			to := from + runeOffset(s[from:], int(ln))
			return append(append(append(dst, s[:from]...), nw...), s[to:]...), true
		})),
	// ASCII(s): the first byte's value, 0 for ''.
	sqlRowFn("ascii", []string{"ascii"}, 1, 1, NullsFromArgs, "s", i64,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				s, ok := r.Str(0, i)
				if !ok || s == "" {
					return 0, ok, nil
				}
				return int64(s[0]), true, nil
			})
		}),
	// HEX(s): the bytes of s in upper-case hex (numbers are translated in
	// SQL); UNHEX(s): the bytes whose hex s is, NULL when s is not hex.
	sqlRowFn("hex", nil, 1, 1, NullsFromArgs, "s", str,
		strRows(1, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok := r.Str(0, i)
			if !ok {
				return nil, false
			}
			const digits = "0123456789ABCDEF"
			for k := 0; k < len(s); k++ {
				dst = append(dst, digits[s[k]>>4], digits[s[k]&15])
			}
			return dst, true
		})),
	sqlRowFn("hex_int", nil, 1, 1, NullsFromArgs, "i", str,
		strRows(1, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			v, ok := r.Int(0, i)
			if !ok {
				return nil, false
			}
			return strconv.AppendUint(dst, uint64(v), 16), true // lower case: SQL upper-cases
		})),
	sqlRowFn("unhex", []string{"unhex"}, 1, 1, NullsAny, "s", str,
		strRows(1, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok := r.Str(0, i)
			if !ok {
				return nil, false
			}
			if len(s)%2 == 1 {
				s = "0" + s
			}
			out, err := hex.AppendDecode(dst, []byte(s))
			return out, err == nil
		})),
	sqlRowFn("md5", []string{"md5"}, 1, 1, NullsFromArgs, "s", str, hashRows(md5.New)),
	sqlRowFn("sha1", []string{"sha1", "sha"}, 1, 1, NullsFromArgs, "s", str, hashRows(sha1.New)),
	// SHA2(s, bits): bits 224, 256 (or 0), 384 or 512; NULL otherwise.
	sqlRowFn("sha2", []string{"sha2"}, 2, 2, NullsAny, "si", str,
		strRows(2, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok1 := r.Str(0, i)
			bits, ok2 := r.Int(1, i)
			if !ok1 || !ok2 {
				return nil, false
			}
			var sum []byte
			switch bits {
			case 224:
				h := sha256.Sum224([]byte(s))
				sum = h[:]
			case 0, 256:
				h := sha256.Sum256([]byte(s))
				sum = h[:]
			case 384:
				h := sha512.Sum384([]byte(s))
				sum = h[:]
			case 512:
				h := sha512.Sum512([]byte(s))
				sum = h[:]
			default:
				return nil, false
			}
			return hex.AppendEncode(dst, sum), true
		})),
	sqlRowFn("crc32", []string{"crc32"}, 1, 1, NullsFromArgs, "s", i64,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				s, ok := r.Str(0, i)
				return int64(crc32.ChecksumIEEE([]byte(s))), ok, nil
			})
		}),
}

// sqlName is the SQL name a function's errors use.
func sqlName(name string, sql []string) string {
	if len(sql) > 0 {
		name = sql[0]
	}
	return strings.ToUpper(strings.TrimSuffix(strings.TrimSuffix(name, "_func"), "_int"))
}

// formatNumber is FORMAT(x, d): x rounded to d decimals (halves away from
// zero), with commas between thousands ('en_US').
func formatNumber(dst []byte, x float64, d int64) []byte {
	d = max(0, min(d, 30))
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.AppendFloat(dst, x, 'f', -1, 64)
	}
	p := math.Pow10(int(d))
	if r := math.Round(x*p) / p; !math.IsInf(x*p, 0) {
		x = r
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', int(d), 64)
	if x < 0 && strings.Trim(s, "0.") != "" {
		dst = append(dst, '-')
	}
	intPart, frac, _ := strings.Cut(s, ".")
	for k := range len(intPart) {
		if k > 0 && (len(intPart)-k)%3 == 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, intPart[k])
	}
	if frac != "" {
		dst = append(append(dst, '.'), frac...)
	}
	return dst
}

// conv is CONV(s, from, to): the number s is in base |from| (its longest
// valid prefix; a leading '-' negates it in 64 bits), written in base |to|
// (signed when to < 0), upper case; ok false for a base outside 2..36.
func conv(dst []byte, s string, from, to int64) ([]byte, bool) {
	if from < 0 {
		from = -from
	}
	if from < 2 || from > 36 || to < -36 || to > 36 || (to > -2 && to < 2) {
		return nil, false
	}
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var v uint64
	for k := 0; k < len(s); k++ {
		c := s[k] | 0x20
		var dig uint64
		switch {
		case s[k] >= '0' && s[k] <= '9':
			dig = uint64(s[k] - '0')
		case c >= 'a' && c <= 'z':
			dig = uint64(c-'a') + 10
		default:
			k = len(s)
			continue
		}
		if dig >= uint64(from) {
			break
		}
		hi, lo := bits.Mul64(v, uint64(from))
		lo, carry := bits.Add64(lo, dig, 0)
		if hi != 0 || carry != 0 {
			v = math.MaxUint64
			break
		}
		v = lo
	}
	if neg {
		v = -v
	}
	start := len(dst)
	if to < 0 {
		dst = strconv.AppendInt(dst, int64(v), int(-to))
	} else {
		dst = strconv.AppendUint(dst, v, int(to))
	}
	for k := start; k < len(dst); k++ {
		if dst[k] >= 'a' && dst[k] <= 'z' {
			dst[k] -= 0x20
		}
	}
	return dst, true
}

var sqlStringFunctions2 = []*Scalar{
	sqlLike, // sqlfuncs_like.go
	sqlRowFn("format", []string{"format"}, 2, 3, NullsFromArgs, "fis", str,
		strRows(2, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			x, ok1 := r.Float(0, i)
			d, ok2 := r.Int(1, i)
			if !ok1 || !ok2 {
				return nil, false
			}
			return formatNumber(dst, x, d), true
		})),
	sqlRowFn("conv", []string{"conv"}, 3, 3, NullsAny, "sii", str,
		strRows(3, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			s, ok1 := r.Str(0, i)
			from, ok2 := r.Int(1, i)
			to, ok3 := r.Int(2, i)
			if !ok1 || !ok2 || !ok3 {
				return nil, false
			}
			return conv(dst, s, from, to)
		})),
	// CHAR(n, … [USING charset]): the bytes of each integer (big-endian, no
	// leading zero bytes), NULLs skipped; the parser calls it CHAR_FUNC and
	// passes the charset last, NULL without USING.
	sqlRowFn("char", []string{"char_func"}, 1, -1, NullsFromArgs, "i", str,
		func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
			return kernels.MapRowsString(mem, n, 16, func(i int, dst []byte) ([]byte, bool, error) {
				for k := range r.Len() {
					v, ok := r.Int(k, i)
					if !ok {
						continue
					}
					u := uint32(v)
					started := false
					for sh := 24; sh >= 0; sh -= 8 {
						b := byte(u >> sh)
						if b != 0 || started || sh == 0 {
							dst, started = append(dst, b), true
						}
					}
				}
				if !utf8.Valid(dst) {
					return nil, false, core.Errorf(core.KindInvalidInput, "CHAR: the bytes %q are not UTF-8 text (alopex strings are utf8mb4)", dst)
				}
				return dst, true, nil
			})
		}),
}
