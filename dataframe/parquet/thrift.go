package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Parquet's footer and page headers are Thrift structs in the compact
// protocol. parquet-go decodes them trusting every length they hold: a list
// or binary field that claims 2^31 elements is allocated before a byte of it
// is read. thriftStructSize walks a struct first, checking each length
// against the bytes that remain, so that what parquet-go then allocates is
// bounded by the input's size. It decodes nothing.

// errThriftShort reports a struct that runs past the bytes given: the caller
// may retry with more bytes when the input has them.
var errThriftShort = errors.New("thrift struct runs past the end of its bytes")

// thriftMaxDepth bounds the nesting of structs and containers (Parquet's
// deepest is about 6): deeper input is corrupt, and recursion stays shallow.
const thriftMaxDepth = 32

// Compact protocol type codes.
const (
	thriftStop     = 0
	thriftTrue     = 1
	thriftFalse    = 2
	thriftByte     = 3
	thriftI16      = 4
	thriftI32      = 5
	thriftI64      = 6
	thriftDouble   = 7
	thriftBinary   = 8
	thriftList     = 9
	thriftSet      = 10
	thriftMap      = 11
	thriftStruct   = 12
	thriftUUIDType = 13
)

// thriftStructSize returns the length in bytes of the compact-protocol
// struct at the start of b.
func thriftStructSize(b []byte) (int, error) {
	w := thriftWalker{b: b}
	if err := w.skipStruct(0); err != nil {
		return 0, err
	}
	return w.pos, nil
}

type thriftWalker struct {
	b   []byte
	pos int
}

func (w *thriftWalker) remaining() int { return len(w.b) - w.pos }

func (w *thriftWalker) byte() (byte, error) {
	if w.pos >= len(w.b) {
		return 0, errThriftShort
	}
	c := w.b[w.pos]
	w.pos++
	return c, nil
}

func (w *thriftWalker) uvarint() (uint64, error) {
	v, n := binary.Uvarint(w.b[w.pos:])
	switch {
	case n == 0:
		return 0, errThriftShort
	case n < 0:
		return 0, fmt.Errorf("thrift varint overflows 64 bits at byte %d", w.pos)
	}
	w.pos += n
	return v, nil
}

// length reads a size prefix and checks that count items of at least one
// byte each fit in what remains.
func (w *thriftWalker) length(what string) (int, error) {
	v, err := w.uvarint()
	if err != nil {
		return 0, err
	}
	if v > uint64(w.remaining()) {
		if v > 1<<31 {
			return 0, fmt.Errorf("thrift %s length %d is out of range", what, v)
		}
		return 0, errThriftShort
	}
	return int(v), nil
}

func (w *thriftWalker) skip(n int) error {
	if n > w.remaining() {
		return errThriftShort
	}
	w.pos += n
	return nil
}

func (w *thriftWalker) skipStruct(depth int) error {
	if depth > thriftMaxDepth {
		return fmt.Errorf("thrift structs nest deeper than %d", thriftMaxDepth)
	}
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		typ := h & 0x0f
		if typ == thriftStop {
			return nil
		}
		if h>>4 == 0 { // long form: the field id follows as a zigzag varint
			if _, err := w.uvarint(); err != nil {
				return err
			}
		}
		if typ == thriftTrue || typ == thriftFalse {
			continue // the value is in the type
		}
		if err := w.skipValue(typ, depth); err != nil {
			return err
		}
	}
}

func (w *thriftWalker) skipValue(typ byte, depth int) error {
	switch typ {
	case thriftTrue, thriftFalse, thriftByte:
		return w.skip(1) // inside containers booleans take a byte
	case thriftI16, thriftI32, thriftI64:
		_, err := w.uvarint()
		return err
	case thriftDouble:
		return w.skip(8)
	case thriftUUIDType:
		return w.skip(16)
	case thriftBinary:
		n, err := w.length("binary")
		if err != nil {
			return err
		}
		return w.skip(n)
	case thriftList, thriftSet:
		h, err := w.byte()
		if err != nil {
			return err
		}
		n := int(h >> 4)
		if n == 15 {
			if n, err = w.length("list"); err != nil {
				return err
			}
		}
		for range n {
			if err := w.skipValue(h&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case thriftMap:
		n, err := w.length("map")
		if err != nil || n == 0 {
			return err
		}
		kv, err := w.byte()
		if err != nil {
			return err
		}
		for range n {
			if err := w.skipValue(kv>>4, depth+1); err != nil {
				return err
			}
			if err := w.skipValue(kv&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case thriftStruct:
		return w.skipStruct(depth + 1)
	}
	return fmt.Errorf("unknown thrift type %d at byte %d", typ, w.pos)
}
