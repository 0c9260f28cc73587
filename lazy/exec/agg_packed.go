package exec

import (
	"encoding/binary"
	"strings"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Two-column keys (region and product, two ids) are the commonest
// multi-column group-by. Row-encoding them costs a byte string per row and
// a probe of a table of byte strings; instead each column's values get
// small dense codes from the worker's own dictionary for that column (a
// few entries, which stay in cache), and the two 32-bit codes packed into
// one int64 are the key of an intMap. Only when the worker is done are its
// groups' keys encoded as bytes, once per group, and its table becomes an
// ordinary row-encoded one, which the merge and the output take as before.

// packedKeys are a worker's per-column dictionaries of a two-column key.
type packedKeys struct {
	cols [2]packedCol
	// direct holds group+1 (0: none yet) of the keys whose two codes are
	// both below packedDirect, at c0·packedDirect + c1: low-cardinality
	// keys (flags, statuses, small ids), the commonest, find their group
	// by indexing instead of probing the hash table. Which of the two
	// holds a key depends on its codes alone, so each key has one group.
	direct []int32
}

// packedDirect bounds each code of a key in packedKeys.direct (a table of
// 16 KiB, which stays in the first-level cache).
const packedDirect = 64

// packedCol maps one key column's values to codes: 0 is null, value
// number i (in order of first appearance) is i+1.
type packedCol struct {
	// oneByte is the code of each one-byte string (0: not seen yet): an
	// index, not a probe, for the commonest short keys (flags); such
	// strings are never looked up in shorts.
	oneByte [256]uint32
	str     bool
	strs    *bytesMap
	shorts  *intMap // strings of at most maxShortKey bytes, packed
	ints    *intMap
	strVals []string
	intVals []int64
	width   int // bytes of an integer value in the row encoding
	codes   []uint32
	ikeys   []int64
}

// packable reports whether a two-column key of these types can be packed:
// strings, Categoricals and integer-like values (not floats, whose NaNs
// and zeros the row encoding canonicalizes, nor Booleans or decimals).
func packable(types []arrow.DataType) bool {
	if len(types) != 2 {
		return false
	}
	for _, t := range types {
		if !(core.IsString(t) || core.IsCategorical(t) || intKeyable(t) || t.ID() == arrow.UINT64) {
			return false
		}
	}
	return true
}

func newPackedKeys(types []arrow.DataType) *packedKeys {
	pk := &packedKeys{}
	for i, t := range types {
		c := &pk.cols[i]
		if core.IsString(t) || core.IsCategorical(t) {
			c.str, c.strs, c.shorts = true, newBytesMap(0), newIntMap(0)
		} else {
			c.ints, c.width = newIntMap(0), t.(arrow.FixedWidthDataType).BitWidth()/8
		}
	}
	return pk
}

// code sets c.codes to the code of each row of a.
func (c *packedCol) code(a arrow.Array) error {
	n := a.Len()
	if cap(c.codes) < n {
		c.codes = make([]uint32, n)
	}
	c.codes = c.codes[:n]
	nulls := a.NullN() > 0
	if !c.str {
		c.ikeys = intKeys(a, c.ikeys)
		for i, v := range c.ikeys {
			if nulls && a.IsNull(i) {
				c.codes[i] = 0
				continue
			}
			g, found := c.ints.getOrPut(v, int32(len(c.intVals)))
			if !found {
				c.intVals = append(c.intVals, v)
			}
			c.codes[i] = uint32(g) + 1
		}
		return nil
	}
	if sa, ok := a.(*array.String); ok {
		c.codeStrings(sa)
		return nil
	}
	at := kernels.StringAt(a)
	if d, ok := a.(*array.Dictionary); ok {
		var err error
		if at, err = categoricalAt(d); err != nil {
			return err
		}
	}
	for i := range n {
		if nulls && a.IsNull(i) {
			c.codes[i] = 0
			continue
		}
		c.codes[i] = c.codeString(at(i))
	}
	return nil
}

// codeStrings sets c.codes of a String array, reading its offsets itself
// rather than calling Value per row.
func (c *packedCol) codeStrings(a *array.String) {
	offs := a.ValueOffsets() // not rebased: they index the whole data buffer
	var data []byte
	if b := a.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	nulls := a.NullN() > 0
	for i := range c.codes {
		if nulls && a.IsNull(i) {
			c.codes[i] = 0
			continue
		}
		lo, hi := offs[i], offs[i+1]
		if hi-lo == 1 {
			if code := c.oneByte[data[lo]]; code != 0 {
				c.codes[i] = code
				continue
			}
		}
		c.codes[i] = c.codeString(unsafe.String(unsafe.SliceData(data[lo:hi]), hi-lo))
	}
}

// codeString returns the code of a non-null string value, adding it to the
// dictionary the first time. s may point into a batch: a new value is
// cloned.
func (c *packedCol) codeString(s string) uint32 {
	if len(s) == 1 {
		code := c.oneByte[s[0]]
		if code == 0 {
			c.strVals = append(c.strVals, strings.Clone(s))
			code = uint32(len(c.strVals))
			c.oneByte[s[0]] = code
		}
		return code
	}
	if len(s) <= maxShortKey {
		// Short values (flags, codes, ids) as fixed-width keys: an
		// integer probe, no string hash. Long ones keep the byte
		// table; a value is always looked up in the same one.
		g, found := c.shorts.getOrPut(packShortString(s), int32(len(c.strVals)))
		if !found {
			c.strVals = append(c.strVals, strings.Clone(s))
		}
		return uint32(g) + 1
	}
	g, found, key := c.strs.getOrPut(unsafe.Slice(unsafe.StringData(s), len(s)), int32(len(c.strVals)))
	if !found {
		c.strVals = append(c.strVals, key)
	}
	return uint32(g) + 1
}

// encode appends code's value as the row encoding does (rowEncoder.encode).
func (c *packedCol) encode(buf []byte, code uint32) []byte {
	if code == 0 {
		return append(buf, 0)
	}
	buf = append(buf, 1)
	if c.str {
		s := c.strVals[code-1]
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		return append(buf, s...)
	}
	var le [8]byte
	binary.LittleEndian.PutUint64(le[:], uint64(c.intVals[code-1]))
	return append(buf, le[:c.width]...) // the low bytes: the narrow value
}

// assignPacked sets w.gids for rows keyed by two packable columns: the
// rows at sel (w.gids[k] is row sel[k]'s group; position base+k), or all
// of them when sel is nil. The columns code every row (a value only a
// row sel leaves out takes a code no group uses: harmless), but only the
// selected rows make groups.
func (w *aggWorker) assignPacked(keys []arrow.Array, sel []int32, base int64) error {
	t := w.table
	pk := t.packed
	for i := range pk.cols {
		if err := pk.cols[i].code(keys[i]); err != nil {
			return err
		}
	}
	c0, c1 := pk.cols[0].codes, pk.cols[1].codes
	c1 = c1[:len(c0)]
	if pk.direct == nil {
		pk.direct = make([]int32, packedDirect*packedDirect)
	}
	direct := pk.direct
	prevK, prevG := int64(0), int32(-1)
	for i := range w.gids {
		r := i
		if sel != nil {
			r = int(sel[i])
		}
		a, b := c0[r], c1[r]
		k := int64(uint64(a)<<32 | uint64(b))
		if a < packedDirect && b < packedDirect {
			j := a*packedDirect + b
			g := direct[j] - 1
			if g < 0 {
				g = int32(len(t.first))
				t.intKeys = appendGrow(t.intKeys, k)
				t.first = appendGrow(t.first, base+int64(i))
				direct[j] = g + 1
			}
			w.gids[i] = g
			continue
		}
		if prevG >= 0 && k == prevK {
			w.gids[i] = prevG
			continue
		}
		g, found := t.ints.getOrPut(k, int32(len(t.first)))
		if !found {
			t.intKeys = appendGrow(t.intKeys, k)
			t.first = appendGrow(t.first, base+int64(i))
		}
		prevK, prevG = k, g
		w.gids[i] = g
	}
	return nil
}

// unpack turns a packed table into a row-encoded one with the same group
// ids (groups are interned in id order), so that states stay valid; its
// hash table's large slots come from mem (allocSlots).
func (t *groupTable) unpack(mem memory.Allocator) *groupTable {
	pk := t.packed
	out := newGroupTable(keysBytes)
	out.index = newGroupIndex(mem, len(t.first))
	out.strKeys = make([]string, 0, len(t.first))
	out.hashes = make([]uint64, 0, len(t.first))
	var buf []byte
	for g, k := range t.intKeys {
		buf = pk.cols[0].encode(buf[:0], uint32(uint64(k)>>32))
		buf = pk.cols[1].encode(buf, uint32(k))
		out.internBytes(buf, t.first[g])
	}
	return out
}
