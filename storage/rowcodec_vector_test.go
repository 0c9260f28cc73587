package storage

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// vectorDef is a table with a vector column of dimension dim.
func vectorDef(dim int) TableDef {
	return TableDef{Name: "t", PrimaryKey: []string{"k"}, Columns: []ColumnDef{
		{Name: "k", Type: i64}, {Name: "v", Type: VectorType(dim)},
	}}
}

// appendRawVectorRow writes a row the way rows were written before vectors
// were packed: the vector's float32 bytes as a wireBytes field.
func appendRawVectorRow(d *TableDesc, vec []byte) []byte {
	b := appendRowHeader(nil, d.SchemaVersion)
	b = binary.AppendUvarint(b, uint64(d.Columns[1].ID)<<3|wireBytes)
	b = binary.AppendUvarint(b, uint64(len(vec)))
	return append(b, vec...)
}

func vectorBytes(xs []float32) []byte {
	b := make([]byte, 0, 4*len(xs))
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// TestVectorRowsPackedAndOldRowsRead: a vector is written packed (smaller,
// read back bit for bit), a vector that would not pack smaller is written
// as before, and rows written before packing (wireBytes) still read.
func TestVectorRowsPackedAndOldRowsRead(t *testing.T) {
	const dim = 64
	d, err := newTableDesc(vectorDef(dim))
	if err != nil {
		t.Fatal(err)
	}
	d.ID = 3
	rng := rand.New(rand.NewPCG(1, 1))
	gauss := make([]float32, dim)
	for i := range gauss {
		gauss[i] = float32(2 + rng.NormFloat64())
	}
	odd := make([]float32, dim) // exponents far apart: every one escaped
	for i := range odd {
		odd[i] = float32(math.Ldexp(1, (i%2)*100-50)) * float32(1+i)
	}
	for _, c := range []struct {
		name   string
		vec    []float32
		packed bool
	}{{"gaussian", gauss, true}, {"far exponents", odd, false}} {
		raw := vectorBytes(c.vec)
		vals := []datum{{i: 1}, {b: raw}}
		key := d.appendRowKey(nil, vals)
		val := d.appendRowValue(nil, vals)
		old := appendRawVectorRow(d, raw)
		if got := len(val) < len(old); got != c.packed {
			t.Errorf("%s: %d bytes packed, %d raw", c.name, len(val), len(old))
		}
		for _, v := range [][]byte{val, old} {
			back := make([]datum, 2)
			if err := d.decodeRow(key, v, back); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !bytes.Equal(back[1].b, raw) {
				t.Fatalf("%s: vector not bit-identical", c.name)
			}
		}
	}
	// A damaged packed vector is a corrupt row, not a wrong vector.
	val := d.appendRowValue(nil, []datum{{i: 1}, {b: vectorBytes(gauss)}})
	val = append(val[:len(val)-1], val[len(val)-1]|0x80) // padding bits set, or a code changed
	if err := d.decodeRow(d.appendRowKey(nil, []datum{{i: 1}}), val, make([]datum, 2)); err == nil {
		t.Error("a damaged packed vector decoded")
	}
}
