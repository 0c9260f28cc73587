package storage

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
)

// VectorIndexDef defines a vector index of a stored table: CREATE INDEX
// name ON table USING HNSW (column) WITH (metric=…, m=…, ef_construction=…).
// Unlike secondary indexes it has no keys in the store: it is kept in
// memory, current with every commit (vecindex.go).
type VectorIndexDef struct {
	Name   string
	Table  string
	Column string
	// Kind is "hnsw" or "flat".
	Kind string
	// Metric is "l2", "cosine" or "ip" (vector.ParseMetric).
	Metric string
	// M and EfConstruction are HNSW's graph degree and build breadth (0:
	// the defaults, 16 and 200).
	M              int
	EfConstruction int
	// Quantization is "" (float32 vectors) or "sq8" (HNSW only: one byte
	// per dimension in memory; searches re-rank their candidates with the
	// rows' full vectors, vecindex_sq8.go).
	Quantization string

	colID uint32
}

type storedVectorIndex struct {
	Name           string `json:"name"`
	Column         uint32 `json:"column"`
	Kind           string `json:"kind"`
	Metric         string `json:"metric"`
	M              int    `json:"m,omitempty"`
	EfConstruction int    `json:"ef_construction,omitempty"`
	Quantization   string `json:"quantization,omitempty"`
}

func (d VectorIndexDef) stored() storedVectorIndex {
	return storedVectorIndex{Name: d.Name, Column: d.colID, Kind: d.Kind, Metric: d.Metric, M: d.M, EfConstruction: d.EfConstruction, Quantization: d.Quantization}
}

func (s storedVectorIndex) def() VectorIndexDef {
	return VectorIndexDef{Name: s.Name, colID: s.Column, Kind: s.Kind, Metric: s.Metric, M: s.M, EfConstruction: s.EfConstruction, Quantization: s.Quantization}
}

// VectorIndex returns the table's vector index named name (case-insensitive), or nil.
func (t *TableDesc) VectorIndex(name string) *VectorIndexDef {
	for i := range t.VectorIndexes {
		if strings.EqualFold(t.VectorIndexes[i].Name, name) {
			return &t.VectorIndexes[i]
		}
	}
	return nil
}

// VectorIndexOn returns the vector index on column ordering by metric, or nil.
func (t *TableDesc) VectorIndexOn(column, metric string) *VectorIndexDef {
	for i := range t.VectorIndexes {
		ix := &t.VectorIndexes[i]
		if strings.EqualFold(ix.Column, column) && ix.Metric == metric {
			return ix
		}
	}
	return nil
}

// finishVectorIndexes resolves the indexes' column names from their ids.
func (t *TableDesc) finishVectorIndexes() {
	for i := range t.VectorIndexes {
		ix := &t.VectorIndexes[i]
		ix.Table = t.Name
		if int(ix.colID) < len(t.posByID) && t.posByID[ix.colID] >= 0 {
			ix.Column = t.Columns[t.posByID[ix.colID]].Name
		}
	}
}

// usesColumn names the vector index on column position i, if any.
func (t *TableDesc) vectorIndexOnColumn(i int) (string, bool) {
	for _, ix := range t.VectorIndexes {
		if ix.colID == t.Columns[i].ID {
			return ix.Name, true
		}
	}
	return "", false
}

// CreateVectorIndex adds a vector index on a VECTOR column. It is built
// from the rows when first searched.
func (t *Txn) CreateVectorIndex(def VectorIndexDef) error {
	return t.statement(func() error {
		d, err := t.Table(def.Table)
		if err != nil {
			return err
		}
		if err := d.rowStoreOnly("a vector index"); err != nil {
			return err
		}
		if err := checkName("index", def.Name); err != nil {
			return err
		}
		if d.Index(def.Name) != nil || d.VectorIndex(def.Name) != nil {
			return core.Errorf(core.KindInvalidInput, "table %q already has an index %q", d.Name, def.Name).With("index", def.Name)
		}
		i, err := d.columnIndex(def.Column)
		if err != nil {
			return err
		}
		c := d.Columns[i]
		if c.typ.kind != kVector {
			return core.Errorf(core.KindInvalidInput, "vector index %q needs a VECTOR column; %q is %s", def.Name, c.Name, c.Type).
				With("column", c.Name)
		}
		switch def.Kind {
		case "hnsw", "flat":
		default:
			return core.Errorf(core.KindInvalidInput, "unknown vector index kind %q: use HNSW or FLAT", def.Kind)
		}
		if def.Metric == "" {
			def.Metric = "l2"
		}
		if _, err := vector.ParseMetric(def.Metric); err != nil {
			return core.Errorf(core.KindInvalidInput, "vector index %q: unknown metric %q: use 'l2', 'cosine' or 'ip'", def.Name, def.Metric)
		}
		if def.M < 0 || def.M > 512 || def.EfConstruction < 0 || def.EfConstruction > 100_000 {
			return core.Errorf(core.KindInvalidInput, "vector index %q: m must be in 2..512 and ef_construction in 1..100000", def.Name)
		}
		if def.Kind == "hnsw" && def.M == 1 {
			return core.Errorf(core.KindInvalidInput, "vector index %q: m must be at least 2", def.Name)
		}
		if def.Kind == "flat" && (def.M != 0 || def.EfConstruction != 0) {
			return core.Errorf(core.KindInvalidInput, "vector index %q: m and ef_construction apply to HNSW indexes, not FLAT", def.Name)
		}
		if vector.CheckQuantization(def.Quantization) != nil {
			return core.Errorf(core.KindInvalidInput, "vector index %q: unknown quantization %q: use 'sq8' (or leave it out for float32 vectors)", def.Name, def.Quantization).
				With("value", def.Quantization)
		}
		if def.Kind == "flat" && def.Quantization != "" {
			return core.Errorf(core.KindInvalidInput, "vector index %q: quantization applies to HNSW indexes, not FLAT", def.Name)
		}
		for _, ix := range d.VectorIndexes {
			if ix.colID == c.ID && ix.Metric == def.Metric {
				return core.Errorf(core.KindInvalidInput, "column %q already has a %s vector index by %s: %q", c.Name, ix.Kind, ix.Metric, ix.Name)
			}
		}
		def.colID = c.ID
		def.Table, def.Column = d.Name, c.Name
		nd := d.clone()
		nd.VectorIndexes = append(nd.VectorIndexes, def)
		nd.SchemaVersion++
		nd.finish()
		return t.putDesc(nd)
	})
}

// dropVectorIndex drops the vector index name of d, reporting whether d had one.
func (t *Txn) dropVectorIndex(d *TableDesc, name string) (bool, error) {
	if d.VectorIndex(name) == nil {
		return false, nil
	}
	nd := d.clone()
	for i, ix := range nd.VectorIndexes {
		if strings.EqualFold(ix.Name, name) {
			nd.VectorIndexes = append(nd.VectorIndexes[:i:i], nd.VectorIndexes[i+1:]...)
			break
		}
	}
	nd.SchemaVersion++
	nd.finish()
	return true, t.putDesc(nd)
}
