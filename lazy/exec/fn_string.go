package exec

import (
	"unicode/utf8"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The evaluators of the string functions (planner side: lazy/fn_string.go).
// The input (args[0]) is materialized when it is a scalar; the other
// arguments are passed to the kernels as they come, scalar or column.

func init() {
	lazy.CheckRegex = func(pattern string) error {
		_, err := kernels.CompilePattern(pattern, false)
		return err
	}
	lazy.CheckTimeFormat = kernels.CheckTimeFormat

	unary := func(name string, f func(mem memory.Allocator, a arrow.Array) (arrow.Array, error)) {
		registerString(name, func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return f(mem, a)
		})
	}
	unary("str.len_bytes", func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrLenBytes(mem, a), nil
	})
	unary("str.len_chars", func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrLenChars(mem, a), nil
	})
	unary("str.reverse", kernels.StrReverse)
	unary("str.to_uppercase", func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) { return kernels.StrToCase(mem, a, true) })
	unary("str.to_lowercase", func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrToCase(mem, a, false)
	})

	registerString("str.contains", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrContains(mem, a, args[0], literal(c), lazy.OptBool(c.Opts, "strict", true))
	})
	registerString("str.find", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrFind(mem, a, args[0], literal(c), lazy.OptBool(c.Opts, "strict", true))
	})
	registerString("str.count_matches", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrCountMatches(mem, a, args[0], literal(c))
	})
	registerString("str.replace", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrReplace(mem, a, args[0], args[1], literal(c), int(lazy.OptFloat(c.Opts, "n", 1)))
	})
	registerString("str.replace_all", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrReplace(mem, a, args[0], args[1], literal(c), -1)
	})
	affix := func(name string, end bool) {
		registerString(name, func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrStartsWith(mem, a, args[0], end), nil
		})
	}
	affix("str.starts_with", false)
	affix("str.ends_with", true)

	registerString("str.slice", func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrSlice(mem, a, args[0], args[1])
	})
	headTail := func(name string, tail bool) {
		registerString(name, func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrHead(mem, a, args[0], tail)
		})
	}
	headTail("str.head", false)
	headTail("str.tail", true)

	registerString("str.zfill", func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		return kernels.StrZfill(mem, a, args[0])
	})
	pad := func(name string, start bool) {
		registerString(name, func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			fill, _ := utf8.DecodeRuneInString(lazy.OptString(c.Opts, "fill_char", " "))
			return kernels.StrPad(mem, a, args[0], fill, start)
		})
	}
	pad("str.pad_start", true)
	pad("str.pad_end", false)
	strip := func(name string, start, end bool) {
		registerString(name, func(mem memory.Allocator, _ *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
			return kernels.StrStrip(mem, a, args[0], start, end)
		})
	}
	strip("str.strip_chars", true, true)
	strip("str.strip_chars_start", true, false)
	strip("str.strip_chars_end", false, true)

	registerString("str.to_integer", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error) {
		base, _ := args[0].Scalar.(int64)
		return kernels.StrToInteger(mem, a, int(base), c.Type, lazy.OptBool(c.Opts, "strict", true))
	})
	registerString("str.to_date", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
		return kernels.StrToDate(mem, a, lazy.OptString(c.Opts, "format", ""), lazy.OptBool(c.Opts, "strict", true))
	})
	registerString("str.to_datetime", func(mem memory.Allocator, c *lazy.Call, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
		return kernels.StrToDatetime(mem, a, lazy.OptString(c.Opts, "format", ""), c.Type.(*arrow.TimestampType),
			lazy.OptBool(c.Opts, "strict", true))
	})
}

// stringFn evaluates a string function on its input a (an array of n rows)
// and the remaining arguments.
type stringFn func(mem memory.Allocator, c *lazy.Call, a arrow.Array, args []kernels.Value) (arrow.Array, error)

func registerString(name string, fn stringFn) {
	registerEval(name, func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		a, err := materialize(mem, args[0], n)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		return fn(mem, c, a, args[1:])
	})
}

func literal(c *lazy.Call) bool { return lazy.OptBool(c.Opts, "literal", false) }
