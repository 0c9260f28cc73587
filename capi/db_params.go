package main

import (
	"encoding/binary"
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

// The values of ? placeholders of execute() and executemany(), packed by
// Python (database.py, _pack_params) so that the common kinds cost neither
// JSON work in Python nor a JSON decoder here. Each value is a tag byte
// and its payload (integers little-endian):
//
//	'n'            NULL
//	't' / 'f'      true / false
//	'i' int64      an integer that fits in 64 signed bits
//	'I' u32 int64s a run of integers (an IN list of ints): their count,
//	               then each as 'i' carries it
//	'd' float64    a float (NaN and the infinities too)
//	's' u32 bytes  text, UTF-8
//	'v' u32 f32s   a vector: its dimension, then that many little-endian
//	               float32s (Python checked them as a vector literal)
//	'j' u32 bytes  any other value: its literal node as JSON ({"kind":"lit",…}),
//	               decoded by the plan decoder (dates, decimals, vectors, …)
//
// Each kind becomes exactly the literal the plan decoder makes of its JSON
// form, so both encodings of a value mean the same.

// decodePackedParams decodes raw into one literal per value.
func decodePackedParams(raw []byte) ([]lazy.Expr, error) {
	var out []lazy.Expr
	var slab []lazy.Literal // literals are allocated in blocks: an IN list of 1,000 is a few allocations, not 1,000
	newLit := func(l lazy.Literal) *lazy.Literal {
		if len(slab) == cap(slab) {
			slab = make([]lazy.Literal, 0, min(max(2*cap(slab), 4), 256))
		}
		slab = append(slab, l)
		return &slab[len(slab)-1]
	}
	for len(raw) > 0 {
		tag := raw[0]
		raw = raw[1:]
		switch tag {
		case 'n':
			out = append(out, newLit(lazy.Literal{Value: nil}))
		case 't', 'f':
			out = append(out, newLit(lazy.Literal{Value: tag == 't'}))
		case 'i', 'd':
			if len(raw) < 8 {
				return nil, malformedParams(len(out))
			}
			u := binary.LittleEndian.Uint64(raw)
			raw = raw[8:]
			if tag == 'i' {
				out = append(out, newLit(lazy.Literal{Value: int64(u), Dynamic: true}))
			} else {
				out = append(out, newLit(lazy.Literal{Value: math.Float64frombits(u), Type: arrow.PrimitiveTypes.Float64, Dynamic: true}))
			}
		case 'I':
			if len(raw) < 4 || uint64(len(raw)-4)/8 < uint64(binary.LittleEndian.Uint32(raw)) {
				return nil, malformedParams(len(out))
			}
			n := int(binary.LittleEndian.Uint32(raw))
			raw = raw[4:]
			if out == nil {
				out = make([]lazy.Expr, 0, n)
			}
			for range n {
				out = append(out, newLit(lazy.Literal{Value: int64(binary.LittleEndian.Uint64(raw)), Dynamic: true}))
				raw = raw[8:]
			}
		case 'v':
			if len(raw) < 4 || uint64(len(raw)-4)/4 < uint64(binary.LittleEndian.Uint32(raw)) {
				return nil, malformedParams(len(out))
			}
			n := int(binary.LittleEndian.Uint32(raw))
			v := make([]float32, n)
			for i := range v {
				v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4+4*i:]))
			}
			raw = raw[4+4*n:]
			lit, err := lazy.VectorLiteral(v)
			if err != nil {
				return nil, err
			}
			out = append(out, lit)
		case 's', 'j':
			if len(raw) < 4 || uint64(len(raw)-4) < uint64(binary.LittleEndian.Uint32(raw)) {
				return nil, malformedParams(len(out))
			}
			n := int(binary.LittleEndian.Uint32(raw))
			body := raw[4 : 4+n]
			raw = raw[4+n:]
			if tag == 's' {
				out = append(out, newLit(lazy.Literal{Value: string(body)}))
				continue
			}
			e, err := decodeJSONParam(body)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		default:
			return nil, malformedParams(len(out))
		}
	}
	return out, nil
}

// decodeJSONParam decodes one literal node through the plan decoder.
func decodeJSONParam(node []byte) (lazy.Expr, error) {
	doc := make([]byte, 0, len(node)+64)
	doc = append(doc, `{"version":1,"plan":{"kind":"sql","query":"","params":[`...)
	doc = append(doc, node...)
	doc = append(doc, "]}}"...)
	_, _, exprs, err := lazy.DecodeSQL(doc, nil, engineEnv)
	if err != nil {
		return nil, err
	}
	if len(exprs) != 1 {
		return nil, core.Errorf(core.KindInternal, "a packed parameter decoded to %d values", len(exprs))
	}
	return exprs[0], nil
}

func malformedParams(i int) error {
	return core.Errorf(core.KindInternal, "malformed packed parameters at value %d", i)
}
