package storage

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
)

// A stored sq8 index answers with the rows' exact distances (its
// candidates re-ranked with the full vectors read from the table), finds
// the true nearest rows, respects the allow-list, and says it is
// quantized in Describe.
func TestVectorSearchSQ8Reranks(t *testing.T) {
	const n, dim = 1500, 16
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(dim)}}, PrimaryKey: []string{"id"}})
	})
	r := rand.New(rand.NewPCG(1, 2))
	rows := map[string][]float32{}
	var js []string
	for i := range n {
		v := randVec(r, dim)
		rows[strconv.Itoa(i)] = v
		js = append(js, fmt.Sprintf(`{"id": %d, "v": %s}`, i, floatsJSON(v)))
	}
	s := schemaOf(field("id", i64), field("v", VectorType(dim)))
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", batch(t, s, "["+joinComma(js)+"]"), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2", Quantization: "sq8"})
	})
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	hits, total := 0, 0
	for qi := range 30 {
		q := randVec(r, dim)
		var allow []int64
		var allowKey func(string) bool
		if qi%2 == 1 { // every third row
			for i := 0; i < n; i += 3 {
				allow = append(allow, int64(i))
			}
			allowKey = func(k string) bool { i, _ := strconv.Atoi(k); return i%3 == 0 }
		}
		ids, ok := searchIDs(t, tx, q, 10, allow)
		if !ok {
			t.Fatalf("query %d not answered by the index", qi)
		}
		res, _, err := tx.VectorSearch("docs", "by_v", VectorQuery{Vector: q, K: 10})
		if err != nil {
			t.Fatal(err)
		}
		for j, key := range res.Keys {
			want, _ := vector.SquaredL2(q, rows[strconv.FormatInt(key[0].(int64), 10)])
			if !near(res.Dists[j], want) {
				t.Fatalf("query %d: distance %v of row %v, exactly %v: not re-ranked", qi, res.Dists[j], key[0], want)
			}
		}
		exact := exactTop(rows, q, 10, allowKey)
		set := map[string]bool{}
		for _, k := range exact {
			set[k] = true
		}
		for _, id := range ids {
			if allowKey != nil && !allowKey(strconv.FormatInt(id, 10)) {
				t.Fatalf("query %d: row %d outside the allow-list", qi, id)
			}
			if set[strconv.FormatInt(id, 10)] {
				hits++
			}
		}
		total += len(exact)
	}
	if rc := float64(hits) / float64(total); rc < 0.95 {
		t.Fatalf("sq8 recall@10 %.3f < 0.95", rc)
	}
	infos, err := tx.Describe()
	if err != nil {
		t.Fatal(err)
	}
	if vi := infos[0].VectorIndexes[0]; vi.Quantization != "sq8" || !vi.Built {
		t.Fatalf("describe: %+v", vi)
	}
}

func floatsJSON(v []float32) string {
	out := "["
	for i, x := range v {
		if i > 0 {
			out += ","
		}
		out += strconv.FormatFloat(float64(x), 'g', -1, 32)
	}
	return out + "]"
}

func TestCreateVectorIndexRejectsBadQuantization(t *testing.T) {
	db := openMem(t)
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	for _, def := range []VectorIndexDef{
		{Name: "a", Table: "docs", Column: "v", Kind: "hnsw", Quantization: "pq"},
		{Name: "b", Table: "docs", Column: "v", Kind: "flat", Quantization: "sq8"},
	} {
		tx, _ := db.Begin()
		err := tx.CreateVectorIndex(def)
		tx.Rollback()
		wantKind(t, err, core.KindInvalidInput)
	}
}
