package fn

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MySQL's JSON functions over JSON kept in text columns. A document is
// parsed with encoding/json (numbers kept as their text) and written back
// as MySQL prints JSON: ", " and ": " between items, an object's keys
// sorted by length and then bytes (MySQL's storage order). A path is
// MySQL's: $, .key, ."quoted key", [n]; wildcards are not supported.

// jsonPathStep is one step of a path: a key, or an array index.
type jsonPathStep struct {
	key   string
	index int
	isKey bool
}

func parseJSONPath(p string) ([]jsonPathStep, error) {
	bad := func(why string) error {
		return core.Errorf(core.KindInvalidInput, "invalid JSON path %q: %s", p, why)
	}
	s := strings.TrimSpace(p)
	if !strings.HasPrefix(s, "$") {
		return nil, bad("it must start with $")
	}
	s = s[1:]
	var steps []jsonPathStep
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		switch s[0] {
		case '.':
			s = strings.TrimSpace(s[1:])
			if strings.HasPrefix(s, `"`) {
				end := 1
				for end < len(s) && s[end] != '"' {
					if s[end] == '\\' {
						end++
					}
					end++
				}
				if end >= len(s) {
					return nil, bad("an unterminated quoted key")
				}
				k, err := strconv.Unquote(s[:end+1])
				if err != nil {
					return nil, bad("a malformed quoted key")
				}
				steps, s = append(steps, jsonPathStep{key: k, isKey: true}), s[end+1:]
				continue
			}
			end := 0
			for end < len(s) && s[end] != '.' && s[end] != '[' && s[end] != ' ' {
				end++
			}
			if end == 0 || s[:end] == "*" {
				return nil, bad("a key name or wildcard alopex does not support")
			}
			steps, s = append(steps, jsonPathStep{key: s[:end], isKey: true}), s[end:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, bad("an unterminated [")
			}
			n, err := strconv.Atoi(strings.TrimSpace(s[1:end]))
			if err != nil || n < 0 {
				return nil, bad("an array index that is not a non-negative integer")
			}
			steps, s = append(steps, jsonPathStep{index: n}), s[end+1:]
		default:
			return nil, bad("expected . or [")
		}
	}
	return steps, nil
}

// parseJSON reads a document (nil, bool, json.Number, string, []any,
// map[string]any); ok false when s is not JSON.
func parseJSON(s string) (any, bool) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if strings.TrimSpace(s[d.InputOffset():]) != "" { // trailing text
		return nil, false
	}
	return v, true
}

func jsonAt(v any, steps []jsonPathStep) (any, bool) {
	for _, st := range steps {
		switch x := v.(type) {
		case map[string]any:
			if !st.isKey {
				return nil, false
			}
			var ok bool
			if v, ok = x[st.key]; !ok {
				return nil, false
			}
		case []any:
			if st.isKey || st.index >= len(x) {
				return nil, false
			}
			v = x[st.index]
		default: // MySQL: $[0] of a scalar is the scalar
			if st.isKey || st.index != 0 {
				return nil, false
			}
		}
	}
	return v, true
}

// appendJSON writes v as MySQL prints JSON.
func appendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case json.Number:
		return append(dst, x...)
	case string:
		return appendJSONString(dst, x)
	case []any:
		dst = append(dst, '[')
		for k, e := range x {
			if k > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendJSON(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if len(keys[i]) != len(keys[j]) {
				return len(keys[i]) < len(keys[j])
			}
			return keys[i] < keys[j]
		})
		dst = append(dst, '{')
		for k, key := range keys {
			if k > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(appendJSONString(dst, key), ": "...)
			dst = appendJSON(dst, x[key])
		}
		return append(dst, '}')
	}
	return dst
}

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch r {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		default:
			if r < 0x20 {
				dst = append(dst, `\u00`...)
				dst = append(dst, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&15])
			} else {
				dst = utf8.AppendRune(dst, r)
			}
		}
	}
	return append(dst, '"')
}

// jsonDoc parses the document of row i of argument 0, an error naming the
// function when it is not JSON (as MySQL raises).
func jsonDoc(fn string, r *kernels.RowArgs, i int) (any, bool, error) {
	s, ok := r.Str(0, i)
	if !ok {
		return nil, false, nil
	}
	v, valid := parseJSON(s)
	if !valid {
		return nil, false, core.Errorf(core.KindInvalidInput, "%s: invalid JSON text in argument 1: %q", fn, truncateText(s))
	}
	return v, true, nil
}

func truncateText(s string) string {
	if len(s) > 60 {
		return s[:runeOffset(s, 57)] + "..."
	}
	return s
}

// jsonPaths reads the path arguments from k on: parsed once per batch when
// constant, per row otherwise.
type jsonPaths struct {
	r      *kernels.RowArgs
	from   int
	consts [][]jsonPathStep
}

func newJSONPaths(r *kernels.RowArgs, args []kernels.Value, from int) (*jsonPaths, error) {
	p := &jsonPaths{r: r, from: from, consts: make([][]jsonPathStep, len(args))}
	for k := from; k < len(args); k++ {
		if s, ok := args[k].Scalar.(string); ok && args[k].IsScalar() {
			steps, err := parseJSONPath(s)
			if err != nil {
				return nil, err
			}
			p.consts[k] = steps
		}
	}
	return p, nil
}

func (p *jsonPaths) at(k, i int) ([]jsonPathStep, bool, error) {
	if p.consts[k] != nil {
		return p.consts[k], true, nil
	}
	s, ok := p.r.Str(k, i)
	if !ok {
		return nil, false, nil
	}
	steps, err := parseJSONPath(s)
	return steps, err == nil, err
}

// jsonFn is a JSON function's entry: its arguments are Strings (numbers
// converting to text) unless kinds says otherwise.
func jsonFn(name string, minArgs, maxArgs int, nulls Nulls, out arrow.DataType,
	eval func(mem memory.Allocator, r *kernels.RowArgs, args []kernels.Value, n int) (arrow.Array, error)) *Scalar {
	s := sqlRowFn(name, []string{name}, minArgs, maxArgs, nulls, "s", out, nil)
	s.Eval = func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		r, err := kernels.NewRowArgs(args)
		if err != nil {
			return nil, err
		}
		return eval(mem, r, args, n)
	}
	return s
}

// jsonValue is a JSON_OBJECT / JSON_ARRAY argument: numbers stay numbers,
// booleans booleans, strings strings, NULL null.
func jsonValueKinds(b *Binding, from int) {
	for i := from; i < len(b.Args); i++ {
		t := b.Args[i].DataType()
		switch {
		case t.ID() == arrow.BOOL:
			b.Cast(i, i64)
		case core.IsInteger(t):
			b.Cast(i, i64)
		case core.IsNumeric(t):
			b.Cast(i, f64)
		default:
			b.Cast(i, str)
		}
	}
}

var sqlJSONFunctions = []*Scalar{
	jsonFn("json_valid", 1, 1, NullsFromArgs, i64, func(mem memory.Allocator, r *kernels.RowArgs, _ []kernels.Value, n int) (arrow.Array, error) {
		return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
			s, ok := r.Str(0, i)
			if !ok {
				return 0, false, nil
			}
			if json.Valid([]byte(s)) {
				return 1, true, nil
			}
			return 0, true, nil
		})
	}),
	// JSON_EXTRACT(doc, path, …) (doc->path): the value at the path, NULL
	// when absent; with several paths, the array of the values found.
	jsonFn("json_extract", 2, -1, NullsAny, str, func(mem memory.Allocator, r *kernels.RowArgs, args []kernels.Value, n int) (arrow.Array, error) {
		paths, err := newJSONPaths(r, args, 1)
		if err != nil {
			return nil, err
		}
		return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
			doc, ok, err := jsonDoc("JSON_EXTRACT", r, i)
			if !ok || err != nil {
				return nil, false, err
			}
			var found []any
			for k := 1; k < len(args); k++ {
				steps, ok, err := paths.at(k, i)
				if !ok || err != nil {
					return nil, false, err
				}
				if v, ok := jsonAt(doc, steps); ok {
					found = append(found, v)
				}
			}
			switch {
			case len(found) == 0:
				return nil, false, nil
			case len(args) == 2:
				return appendJSON(dst, found[0]), true, nil
			}
			return appendJSON(dst, found), true, nil
		})
	}),
	// JSON_UNQUOTE(s): the text of a JSON string ("a\"b" → a"b); any other
	// text as it is.
	jsonFn("json_unquote", 1, 1, NullsFromArgs, str, func(mem memory.Allocator, r *kernels.RowArgs, _ []kernels.Value, n int) (arrow.Array, error) {
		return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
			s, ok := r.Str(0, i)
			if !ok {
				return nil, false, nil
			}
			if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
				var u string
				if err := json.Unmarshal([]byte(s), &u); err != nil {
					return nil, false, core.Errorf(core.KindInvalidInput, "JSON_UNQUOTE: invalid JSON string %q", truncateText(s))
				}
				return append(dst, u...), true, nil
			}
			return append(dst, s...), true, nil
		})
	}),
	// JSON_LENGTH(doc[, path]): an object's keys, an array's elements, 1
	// for a scalar; NULL when the path finds nothing.
	jsonFn("json_length", 1, 2, NullsAny, i64, func(mem memory.Allocator, r *kernels.RowArgs, args []kernels.Value, n int) (arrow.Array, error) {
		paths, err := newJSONPaths(r, args, 1)
		if err != nil {
			return nil, err
		}
		return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
			doc, ok, err := jsonDoc("JSON_LENGTH", r, i)
			if !ok || err != nil {
				return 0, false, err
			}
			if len(args) == 2 {
				steps, ok, err := paths.at(1, i)
				if !ok || err != nil {
					return 0, false, err
				}
				if doc, ok = jsonAt(doc, steps); !ok {
					return 0, false, nil
				}
			}
			switch x := doc.(type) {
			case map[string]any:
				return int64(len(x)), true, nil
			case []any:
				return int64(len(x)), true, nil
			}
			return 1, true, nil
		})
	}),
	jsonBuild("json_object", true),
	jsonBuild("json_array", false),
}

// jsonBuild is JSON_OBJECT(k, v, …) (object) or JSON_ARRAY(v, …).
func jsonBuild(name string, object bool) *Scalar {
	return &Scalar{Name: "sql." + name, SQL: []string{name}, MinArgs: 0, MaxArgs: -1, Nulls: NullsAny,
		Type: func(b *Binding) error {
			if object && len(b.Args)%2 == 1 {
				return core.Errorf(core.KindInvalidInput, "JSON_OBJECT takes key, value pairs: got %d arguments", len(b.Args))
			}
			jsonValueKinds(b, 0)
			b.Out = str
			return nil
		},
		Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			r, err := kernels.NewRowArgs(args)
			if err != nil {
				return nil, err
			}
			kinds := make([]arrow.Type, len(args))
			for k, a := range args {
				kinds[k] = a.Type.ID()
			}
			value := func(dst []byte, k, i int) []byte {
				switch kinds[k] {
				case arrow.INT64:
					if v, ok := r.Int(k, i); ok {
						return strconv.AppendInt(dst, v, 10)
					}
				case arrow.FLOAT64:
					if v, ok := r.Float(k, i); ok {
						s := strconv.FormatFloat(v, 'g', -1, 64)
						if !strings.ContainsAny(s, ".eEn") {
							s += ".0"
						}
						return append(dst, s...)
					}
				default:
					if v, ok := r.Str(k, i); ok {
						return appendJSONString(dst, v)
					}
				}
				return append(dst, "null"...)
			}
			return kernels.MapRowsString(mem, n, 64, func(i int, dst []byte) ([]byte, bool, error) {
				if !object {
					dst = append(dst, '[')
					for k := range args {
						if k > 0 {
							dst = append(dst, ", "...)
						}
						dst = value(dst, k, i)
					}
					return append(dst, ']'), true, nil
				}
				// Keys sorted as MySQL stores them; of a repeated key the last
				// value wins (MySQL 8.0.3+); a NULL key is an error.
				type kv struct {
					key string
					at  int
				}
				pairs := make(map[string]int, len(args)/2)
				for k := 0; k < len(args); k += 2 {
					key, ok := r.Str(k, i)
					if !ok {
						return nil, false, core.Errorf(core.KindInvalidInput, "JSON_OBJECT: a key (argument %d) is NULL", k+1)
					}
					pairs[key] = k + 1 // the last value wins, as in MySQL 8
				}
				list := make([]kv, 0, len(pairs))
				for key, at := range pairs {
					list = append(list, kv{key, at})
				}
				sort.Slice(list, func(a, b int) bool {
					if len(list[a].key) != len(list[b].key) {
						return len(list[a].key) < len(list[b].key)
					}
					return list[a].key < list[b].key
				})
				dst = append(dst, '{')
				for k, p := range list {
					if k > 0 {
						dst = append(dst, ", "...)
					}
					dst = append(appendJSONString(dst, p.key), ": "...)
					dst = value(dst, p.at, i)
				}
				return append(dst, '}'), true, nil
			})
		}}
}
