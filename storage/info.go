package storage

// TableInfo describes a stored table for tools (`alopex info`): its
// definition and an estimate of its size on disk.
type TableInfo struct {
	Name       string      `json:"name"`
	PrimaryKey []string    `json:"primary_key"` // empty for a hidden row id
	Indexes    []IndexInfo `json:"indexes"`
	// VectorIndexes are the table's vector indexes.
	VectorIndexes []VectorIndexInfo `json:"vector_indexes"`
	// DataBytes and IndexBytes estimate the bytes of the table's rows and
	// of its secondary indexes in sstables (recent writes still in the
	// memtable are not counted until flushed).
	DataBytes  uint64 `json:"data_bytes"`
	IndexBytes uint64 `json:"index_bytes"`
	// Storage is "row" or "columnar" (whose data is its segments and delta).
	Storage string `json:"storage"`
}

// VectorIndexInfo is a vector index of TableInfo, with the state of its
// in-memory copy: built yet, the vectors it holds, and the searches it
// answered and left to an exact scan since it was built.
type VectorIndexInfo struct {
	Name   string `json:"name"`
	Column string `json:"column"`
	Kind   string `json:"kind"`
	Metric string `json:"metric"`
	// Quantization is "sq8" for an int8 scalar-quantized HNSW, else "".
	Quantization string `json:"quantization,omitempty"`
	Built        bool   `json:"built"`
	FromDisk     bool   `json:"from_disk"` // loaded from the files the last close saved
	Vectors      int    `json:"vectors"`
	Searches     int64  `json:"searches"`
	Fallbacks    int64  `json:"fallbacks"`
	// FilterMasks counts the allow-lists of filtered searches resolved
	// against the index, FilterMasksReused the searches that found theirs
	// cached (vecindex_allow.go).
	FilterMasks       int64 `json:"filter_masks"`
	FilterMasksReused int64 `json:"filter_masks_reused"`
}

// IndexInfo is a secondary index of TableInfo.
type IndexInfo struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
}

// Describe returns the TableInfo of every stored table this transaction
// sees, in name order.
func (t *Txn) Describe() ([]TableInfo, error) {
	names, err := t.Tables()
	if err != nil {
		return nil, err
	}
	out := make([]TableInfo, 0, len(names))
	for _, name := range names {
		d, err := t.Table(name)
		if err != nil {
			return nil, err
		}
		ti := TableInfo{Name: d.Name, PrimaryKey: d.PrimaryKey, Indexes: []IndexInfo{}, Storage: d.Storage}
		if d.HasHiddenRowID() {
			ti.PrimaryKey = []string{}
		}
		for _, ix := range d.Indexes {
			ti.Indexes = append(ti.Indexes, IndexInfo{Name: ix.Name, Columns: ix.Columns, Unique: ix.Unique})
		}
		ti.VectorIndexes = []VectorIndexInfo{}
		for _, vx := range d.VectorIndexes {
			ti.VectorIndexes = append(ti.VectorIndexes, t.db.vectorIndexInfo(d.ID, vx))
		}
		rows := rowPrefix(d.ID)
		if d.IsColumnar() {
			rows = tablePrefix(d.ID) // no secondary index: every key is data
		}
		if ti.DataBytes, err = t.db.pdb.EstimateDiskUsage(rows, prefixEnd(rows)); err != nil {
			return nil, storageError(err)
		}
		whole := tablePrefix(d.ID)
		all, err := t.db.pdb.EstimateDiskUsage(whole, prefixEnd(whole))
		if err != nil {
			return nil, storageError(err)
		}
		if all > ti.DataBytes {
			ti.IndexBytes = all - ti.DataBytes
		}
		out = append(out, ti)
	}
	return out, nil
}
