package storage

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Building a vector index from its table, and loading a saved one (which
// reads the vectors from the rows), read every row block once: the block
// cache must not keep them. 50,000 rows of 256 floats are ~45 MiB of
// blocks; the cache (256 MiB here) may grow by walkCacheSlack at most.
func TestVectorIndexWalksLeaveTheCacheAlone(t *testing.T) {
	const n, dim = 50_000, 256
	dir := filepath.Join(t.TempDir(), "db")
	opts := Options{NoSync: true, CacheSize: 256 << 20}
	db, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(dim)}}, PrimaryKey: []string{"id"}})
	})
	r := rand.New(rand.NewPCG(1, 2))
	ids := array.NewInt64Builder(memory.DefaultAllocator)
	vecs := array.NewFixedSizeListBuilder(memory.DefaultAllocator, dim, arrow.PrimitiveTypes.Float32)
	fl := vecs.ValueBuilder().(*array.Float32Builder)
	for i := range n {
		ids.Append(int64(i))
		vecs.Append(true)
		for range dim {
			fl.Append(float32(r.NormFloat64()))
		}
	}
	rb := array.NewRecordBatch(schemaOf(field("id", i64), field("v", VectorType(dim))), []arrow.Array{ids.NewArray(), vecs.NewArray()}, n)
	defer rb.Release()
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", rb, ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2", M: 4, EfConstruction: 8})
	})
	// Closed and opened again: the rows are in sstables, the cache empty.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	q := make([]float32, dim)
	for pass, what := range []string{"build", "reload"} {
		if db, err = Open(dir, opts); err != nil {
			t.Fatal(err)
		}
		before := db.pdb.Metrics().BlockCache.Size
		run(t, db, func(tx *Txn) error {
			_, _, err := tx.VectorSearch("docs", "by_v", VectorQuery{Vector: q, K: 3})
			return err
		})
		info := vectorIndexInfoOf(t, db)
		if !info.Built || info.FromDisk != (pass == 1) {
			t.Fatalf("%s: the index is %+v", what, info)
		}
		if grown := db.pdb.Metrics().BlockCache.Size - before; grown > walkCacheSlack+4<<20 {
			t.Errorf("%s: the block cache grew by %d MiB", what, grown>>20)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func vectorIndexInfoOf(t *testing.T, db *DB) VectorIndexInfo {
	t.Helper()
	var info VectorIndexInfo
	run(t, db, func(tx *Txn) error {
		ti, err := tx.Describe()
		if err != nil {
			return err
		}
		for _, x := range ti {
			if x.Name == "docs" {
				info = x.VectorIndexes[0]
			}
		}
		return nil
	})
	return info
}
