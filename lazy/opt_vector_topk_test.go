package lazy_test

import (
	"fmt"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"
)

// vectorSources are the sources of testdata/optimizer/vector_topk.txt:
//
//	source 0: DF [id, n, emb] (id Int64, n Int64, emb Array(Float32, shape=4)), 50 rows
//	source 1: an HNSW cosine index over emb (row i under id i)
//	source 2: a flat l2 index over emb
func vectorSources(t *testing.T) []lazy.Source {
	mem := memory.NewGoAllocator()
	const rows, dim = 50, 4
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
		{Name: "emb", Type: core.VectorType(dim)},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	vecs := make([]float32, 0, rows*dim)
	lb := b.Field(2).(*array.FixedSizeListBuilder)
	for i := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.Int64Builder).Append(int64(i % 7))
		lb.Append(true)
		for j := range dim {
			v := float32((i*7+j*3)%11) - 5
			vecs = append(vecs, v)
			lb.ValueBuilder().(*array.Float32Builder).Append(v)
		}
	}
	table := core.NewTable(schema, []arrow.RecordBatch{b.NewRecordBatch()})
	hnsw, err := vector.NewHNSW(dim, vector.Cosine, vector.HNSWOptions{})
	if err != nil {
		t.Fatal(err)
	}
	flat, err := vector.NewFlat(dim, vector.L2)
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []vector.Index{hnsw, flat} {
		if err := idx.Add(vecs, nil); err != nil {
			t.Fatal(err)
		}
	}
	return []lazy.Source{table, &lazy.VectorIndexSource{Index: hnsw}, &lazy.VectorIndexSource{Index: flat}}
}

func TestVectorTopK(t *testing.T) {
	sources := vectorSources(t)
	datadriven.RunTest(t, "testdata/optimizer/vector_topk.txt", func(t *testing.T, d *datadriven.TestData) string {
		p, err := lazy.Decode([]byte(`{"version": 1, "plan": `+d.Input+`}`), sources, lazy.Env{})
		if err != nil {
			return fmt.Sprintf("error: %s: %v\n", core.KindOf(err), err)
		}
		switch d.Cmd {
		case "apply":
			var name string
			d.ScanArgs(t, "rule", &name)
			return rewriteOutput(t, p, ruleNamed(t, name).Apply)
		case "optimize":
			return rewriteOutput(t, p, exec.Optimize)
		}
		d.Fatalf(t, "unknown command %q", d.Cmd)
		return ""
	})
}
