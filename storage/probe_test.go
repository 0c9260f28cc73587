package storage

import (
	"math/rand/v2"
	"testing"
)

// The probe agrees with point lookups for keys in any order, over
// committed rows and the transaction's own writes and deletions.
func TestKeyProbeAgreesWithGet(t *testing.T) {
	db := openMem(t)
	kvTable(t, db)
	run(t, db, func(tx *Txn) error { return putKV(t, tx, `[{"k":2,"v":0},{"k":4,"v":0},{"k":6,"v":0},{"k":8,"v":0}]`) })
	tx := begin(t, db)
	if err := putKV(t, tx, `[{"k":5,"v":0}]`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Delete("t", batch(t, schemaOf(field("k", i64)), `[{"k":4}]`)); err != nil {
		t.Fatal(err)
	}
	d, _ := tx.Table("t")
	r := rand.New(rand.NewPCG(5, 5))
	for trial := 0; trial < 20; trial++ {
		lo := rowPrefix(d.ID)
		p := newKeyProbe(tx, lo, prefixEnd(lo))
		k := int64(0)
		for i := 0; i < 30; i++ {
			if trial%2 == 0 {
				k += r.Int64N(3) // mostly ascending, with repeats
			} else {
				k = r.Int64N(11)
			}
			key := d.appendRowKey(nil, []datum{{i: k}, {}})
			got, err := p.exists(key)
			want, _ := tx.exists(key)
			if err != nil || got != want {
				t.Fatalf("trial %d: exists(%d) = %v, %v; want %v", trial, k, got, err, want)
			}
		}
		p.close()
	}
}
