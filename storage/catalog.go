package storage

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// RowIDColumn is the name of the hidden primary key of a table created
// without one: an int64 allocated on insert, never reused. Scan returns it
// when asked for by name; Delete and Update take it as the key.
const RowIDColumn = "_rowid"

// TableDef describes a table to create.
type TableDef struct {
	Name    string
	Columns []ColumnDef
	// PrimaryKey names the key columns in key order; empty gives the table
	// the hidden RowIDColumn key.
	PrimaryKey []string
	Indexes    []IndexDef
	// Storage is StorageRow ("" too) or StorageColumnar (columnar.go).
	Storage string
}

// ColumnDef describes one column.
type ColumnDef struct {
	Name string
	// Type is one of Int8..Int64, Uint8..Uint64, Float32, Float64,
	// Decimal128(p, s), String, Binary, Boolean, Date32, Timestamp(us) or
	// FixedSizeList<float32>(d) (VectorType).
	Type    arrow.DataType
	NotNull bool
	// Default fills the column when an insert omits it: a Go value (int,
	// int64, uint64, float64, string, []byte, bool, time.Time, a
	// decimal128.Num of the column's scale, []float32) exactly convertible
	// to Type, or nil (NULL).
	Default any
	// AutoIncrement fills an omitted or NULL value from a per-table counter
	// (integer columns only, at most one per table). An explicit larger
	// value moves the counter past it, as MySQL does.
	AutoIncrement bool
}

// IndexDef describes a secondary index.
type IndexDef struct {
	Name    string
	Table   string
	Columns []string
	// Unique rejects two rows with equal non-NULL values in Columns
	// (NULLs never conflict, as in MySQL).
	Unique bool
}

// ColumnDesc is a stored column: its definition and its permanent id, the
// id row values carry (so renames and drops never rewrite rows).
type ColumnDesc struct {
	ColumnDef
	ID uint32
	// Hidden is true for RowIDColumn.
	Hidden bool

	typ      colType
	defaultV datum
}

// IndexDesc is a stored secondary index.
type IndexDesc struct {
	IndexDef
	ID uint32

	cols []int // positions in TableDesc.Columns
}

// TableDesc is a table as the catalog holds it, as of the transaction that
// returned it. Treat it as read-only.
type TableDesc struct {
	Name string
	// ID is the table's key prefix; it changes on TRUNCATE.
	ID uint64
	// Columns are the visible columns in order, then the hidden RowIDColumn
	// when the table has no declared primary key.
	Columns []ColumnDesc
	// PrimaryKey names the key columns (RowIDColumn for a hidden key).
	PrimaryKey []string
	Indexes    []IndexDesc
	// VectorIndexes are the table's vector indexes (vecindex_catalog.go).
	VectorIndexes []VectorIndexDef
	// SchemaVersion counts the table's schema changes; row values carry the
	// version they were written at.
	SchemaVersion uint32
	// Storage is StorageRow or StorageColumnar (columnar.go).
	Storage string

	pk      []int // positions of the key columns
	byName  map[string]int
	nextCol uint32
	nextIdx uint32
	autoInc int         // position of the AUTO_INCREMENT column, -1 if none
	posByID []int32     // column id -> position, -1 for dropped ids
	keyCol  []bool      // position -> part of the primary key
	allCols *rowDecoder // decodes every column at its position
}

// HasHiddenRowID reports whether the key is the hidden RowIDColumn.
func (t *TableDesc) HasHiddenRowID() bool {
	return len(t.pk) == 1 && t.Columns[t.pk[0]].Hidden
}

// Schema is the Arrow schema of the visible columns, in order. A NOT NULL
// column is a non-nullable field.
func (t *TableDesc) Schema() *arrow.Schema {
	fields := make([]arrow.Field, 0, len(t.Columns))
	for _, c := range t.Columns {
		if !c.Hidden {
			fields = append(fields, arrow.Field{Name: c.Name, Type: c.Type, Nullable: !c.NotNull})
		}
	}
	return arrow.NewSchema(fields, nil)
}

// Column returns the column called name (RowIDColumn included), or a
// ColumnNotFound error with suggestions.
func (t *TableDesc) Column(name string) (*ColumnDesc, error) {
	i, err := t.columnIndex(name)
	if err != nil {
		return nil, err
	}
	return &t.Columns[i], nil
}

// Index returns the index called name, or nil.
func (t *TableDesc) Index(name string) *IndexDesc {
	for i := range t.Indexes {
		if strings.EqualFold(t.Indexes[i].Name, name) {
			return &t.Indexes[i]
		}
	}
	return nil
}

func (t *TableDesc) columnIndex(name string) (int, error) {
	if i, ok := t.byName[strings.ToLower(name)]; ok {
		return i, nil
	}
	var names []string
	for _, c := range t.Columns {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	e := core.Errorf(core.KindColumnNotFound, "column %q not found in table %q", name, t.Name).With("column", name)
	if s := core.Suggest(name, names); len(s) > 0 {
		e.Message += "; did you mean " + strings.Join(quoteAll(s), " or ") + "?"
		e = e.With("suggestions", s)
	} else {
		e.Message += "; its columns are " + strings.Join(names, ", ")
	}
	return 0, e
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = `"` + x + `"`
	}
	return out
}

// storedTable is the JSON form of a TableDesc in the catalog.
type storedTable struct {
	Name          string              `json:"name"`
	ID            uint64              `json:"id"`
	Columns       []storedColumn      `json:"columns"`
	PrimaryKey    []uint32            `json:"pk"`
	Indexes       []storedIndex       `json:"indexes,omitempty"`
	VectorIndexes []storedVectorIndex `json:"vector_indexes,omitempty"`
	SchemaVersion uint32              `json:"schema_version"`
	NextColumn    uint32              `json:"next_column"`
	NextIndex     uint32              `json:"next_index"`
	Storage       string              `json:"storage,omitempty"`
}

type storedColumn struct {
	Name          string `json:"name"`
	ID            uint32 `json:"id"`
	Type          string `json:"type"`
	NotNull       bool   `json:"not_null,omitempty"`
	Default       []byte `json:"default,omitempty"` // one rowcodec field
	AutoIncrement bool   `json:"auto_increment,omitempty"`
	Hidden        bool   `json:"hidden,omitempty"`
}

type storedIndex struct {
	Name    string   `json:"name"`
	ID      uint32   `json:"id"`
	Columns []uint32 `json:"columns"`
	Unique  bool     `json:"unique,omitempty"`
}

func (t *TableDesc) marshal() ([]byte, error) {
	st := storedTable{Name: t.Name, ID: t.ID, SchemaVersion: t.SchemaVersion, NextColumn: t.nextCol, NextIndex: t.nextIdx}
	if t.Storage != StorageRow {
		st.Storage = t.Storage
	}
	for _, c := range t.Columns {
		sc := storedColumn{Name: c.Name, ID: c.ID, Type: typeName(c.Type), NotNull: c.NotNull, AutoIncrement: c.AutoIncrement, Hidden: c.Hidden}
		if !c.defaultV.null {
			sc.Default = appendField(nil, c.ID, &c.typ, c.defaultV)
		}
		st.Columns = append(st.Columns, sc)
	}
	for _, p := range t.pk {
		st.PrimaryKey = append(st.PrimaryKey, t.Columns[p].ID)
	}
	for _, ix := range t.Indexes {
		si := storedIndex{Name: ix.Name, ID: ix.ID, Unique: ix.Unique}
		for _, p := range ix.cols {
			si.Columns = append(si.Columns, t.Columns[p].ID)
		}
		st.Indexes = append(st.Indexes, si)
	}
	for _, vx := range t.VectorIndexes {
		st.VectorIndexes = append(st.VectorIndexes, vx.stored())
	}
	return json.Marshal(st)
}

func unmarshalTable(b []byte) (*TableDesc, error) {
	var st storedTable
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, core.Errorf(core.KindInternal, "catalog: corrupt table descriptor: %v", err)
	}
	t := &TableDesc{Name: st.Name, ID: st.ID, SchemaVersion: st.SchemaVersion, nextCol: st.NextColumn, nextIdx: st.NextIndex, Storage: StorageRow}
	if st.Storage != "" {
		t.Storage = st.Storage
	}
	byID := map[uint32]int{}
	for _, sc := range st.Columns {
		typ, err := parseTypeName(sc.Type)
		if err != nil {
			return nil, err
		}
		c := ColumnDesc{ColumnDef: ColumnDef{Name: sc.Name, Type: typ, NotNull: sc.NotNull, AutoIncrement: sc.AutoIncrement}, ID: sc.ID, Hidden: sc.Hidden}
		if c.typ, err = resolveType(typ); err != nil {
			return nil, err
		}
		c.defaultV = nullDatum
		if sc.Default != nil {
			_, wire, p, _, err := nextField(sc.Default)
			if err == nil {
				c.defaultV, err = fieldDatum(&c.typ, wire, p)
			}
			if err != nil {
				return nil, core.Errorf(core.KindInternal, "catalog: corrupt default of column %q", sc.Name)
			}
			c.Default = datumToGo(&c.typ, c.defaultV)
		}
		byID[c.ID] = len(t.Columns)
		t.Columns = append(t.Columns, c)
	}
	for _, id := range st.PrimaryKey {
		p, ok := byID[id]
		if !ok {
			return nil, core.Errorf(core.KindInternal, "catalog: table %q has an unknown key column id %d", st.Name, id)
		}
		t.pk = append(t.pk, p)
	}
	for _, si := range st.Indexes {
		ix := IndexDesc{IndexDef: IndexDef{Name: si.Name, Table: st.Name, Unique: si.Unique}, ID: si.ID}
		for _, id := range si.Columns {
			p, ok := byID[id]
			if !ok {
				return nil, core.Errorf(core.KindInternal, "catalog: index %q has an unknown column id %d", si.Name, id)
			}
			ix.cols = append(ix.cols, p)
		}
		t.Indexes = append(t.Indexes, ix)
	}
	for _, sv := range st.VectorIndexes {
		if _, ok := byID[sv.Column]; !ok {
			return nil, core.Errorf(core.KindInternal, "catalog: vector index %q has an unknown column id %d", sv.Name, sv.Column)
		}
		t.VectorIndexes = append(t.VectorIndexes, sv.def())
	}
	t.finish()
	return t, nil
}

// finish recomputes the derived fields after the columns, key or indexes
// changed.
func (t *TableDesc) finish() {
	t.byName = make(map[string]int, len(t.Columns))
	t.autoInc = -1
	for i, c := range t.Columns {
		t.byName[strings.ToLower(c.Name)] = i
		if c.AutoIncrement {
			t.autoInc = i
		}
	}
	t.posByID = make([]int32, t.nextCol+1)
	for i := range t.posByID {
		t.posByID[i] = -1
	}
	for i, c := range t.Columns {
		if int(c.ID) < len(t.posByID) {
			t.posByID[c.ID] = int32(i)
		}
	}
	t.keyCol = make([]bool, len(t.Columns))
	t.PrimaryKey = t.PrimaryKey[:0]
	for _, p := range t.pk {
		t.keyCol[p] = true
		t.PrimaryKey = append(t.PrimaryKey, t.Columns[p].Name)
	}
	positions := make([]int, len(t.Columns))
	for i := range positions {
		positions[i] = i
	}
	t.allCols = newRowDecoder(t, positions)
	for i := range t.Indexes {
		ix := &t.Indexes[i]
		ix.Table = t.Name
		ix.Columns = ix.Columns[:0]
		for _, p := range ix.cols {
			ix.Columns = append(ix.Columns, t.Columns[p].Name)
		}
	}
	t.finishVectorIndexes()
}

// clone returns a deep enough copy for a catalog change to edit.
func (t *TableDesc) clone() *TableDesc {
	c := *t
	c.Columns = slices.Clone(t.Columns)
	c.pk = slices.Clone(t.pk)
	c.PrimaryKey = nil
	c.VectorIndexes = slices.Clone(t.VectorIndexes)
	c.Indexes = make([]IndexDesc, len(t.Indexes))
	for i, ix := range t.Indexes {
		ix.cols = slices.Clone(ix.cols)
		ix.Columns = nil
		c.Indexes[i] = ix
	}
	c.finish()
	return &c
}
