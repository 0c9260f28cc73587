package lazy

import (
	"context"
	"fmt"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
)

// VectorTopK is the k nearest rows of its input by a vector distance: what
// sort(distance).head(k) means, planned by the vector_topk rule
// (opt_vector_topk.go). Its output equals that sort and head: the same rows
// in the same order, ties broken by input order (the sort is stable), nulls
// first unless NullsLast.
//
// Without Index it is executed exactly with a bounded heap (never a full
// sort). With Index the rows come from a vector index attached to the
// scanned frame (DataFrame.with_vector_index): the rows the filters allow
// become the index search's allow-list, so a filtered-out row is never
// returned, and k rows come back whenever k rows are allowed (an exact scan
// of the allowed rows makes up for a search that finds fewer).
type VectorTopK struct {
	Input Plan
	// Key is the distance, resolved against Input's schema.
	Key SortKey
	K   int64
	// Metric is the distance's name (l2_distance, cosine_distance, ...).
	Metric string
	// Dist is the distance call (Key's expression, or the one a projection
	// of Input computes for it).
	Dist  *Call
	Index *VectorIndexUse
}

// VectorIndexUse is how a VectorTopK reads its index: one attached to a
// frame (Source), or one of a stored table (Stored, StoredIndex).
type VectorIndexUse struct {
	Source *IndexedSource
	// Stored is the stored table whose vector index StoredIndex (of kind
	// StoredKind) answers.
	Stored      VectorSearchSource
	StoredIndex string
	StoredKind  string
	// Scan is the scan of Source under Input (with the predicate and
	// columns pushed into it).
	Scan *Scan
	// Query is the constant query vector.
	Query []float32
	// Filters are the predicates over the scan's output between the scan
	// and the top-k (their conjunction, with the scan's own predicate,
	// makes the allow-list).
	Filters []Expr
}

func (v *VectorTopK) Schema() *arrow.Schema { return v.Input.Schema() }
func (v *VectorTopK) Children() []Plan      { return []Plan{v.Input} }
func (v *VectorTopK) WithChildren(ch []Plan) Plan {
	c := *v
	c.Input = ch[0]
	if c.Index != nil {
		c.Index = FindVectorIndex(c.Input, c.Dist) // the chain to the scan may have changed
	}
	return &c
}

// Describe is the explain line: VECTOR TOP-K k=10 metric=cosine_distance
// INDEX hnsw FILTER (col("n") > 5) BY ...
func (v *VectorTopK) Describe() string {
	kind := "none"
	filter := ""
	if v.Index != nil {
		kind = v.Index.Kind()
		var preds []string
		if v.Index.Scan.Predicate != nil {
			preds = append(preds, v.Index.Scan.Predicate.String())
		}
		for _, f := range v.Index.Filters {
			preds = append(preds, f.String())
		}
		if len(preds) > 0 {
			filter = " FILTER " + strings.Join(preds, " & ")
		}
	}
	return fmt.Sprintf("VECTOR TOP-K k=%d metric=%s INDEX %s%s BY %s", v.K, v.Metric, kind, filter, v.Key)
}

// VectorIndexSource carries a vector index handed to a query beside its
// tables (the plan's scan names it in "vector_indexes"). It is not scanned.
type VectorIndexSource struct{ Index vector.Index }

func (s *VectorIndexSource) Name() string          { return "vector index" }
func (s *VectorIndexSource) Schema() *arrow.Schema { return arrow.NewSchema(nil, nil) }
func (s *VectorIndexSource) NumRows() int64        { return int64(s.Index.Len()) }

// Kind is the index's kind, for explain: "hnsw" or "flat", and the
// index's name for a stored one ("hnsw by_emb").
func (u *VectorIndexUse) Kind() string {
	if u.Stored != nil {
		return u.StoredKind + " " + u.StoredIndex
	}
	return u.Source.Kind
}

// VectorSearchSource is a KeyedSource whose vector columns may have
// indexes: a stored table.
type VectorSearchSource interface {
	KeyedSource
	// VectorIndexOn names the index on column that orders rows by metric
	// ("l2", "cosine", "ip") and gives its kind; "" when there is none.
	VectorIndexOn(column, metric string) (name, kind string)
	// KeyColumns are the columns that identify a row (the primary key).
	KeyColumns() []string
	// SearchVectors returns every column of the k rows nearest to query by
	// index, among the rows of allow (nil: every row). ok is false when the
	// index cannot answer exactly as a scan would (with nullsFirst, also
	// when an allowed row has a NULL vector, whose NULL distance sorts
	// first): the caller computes the top-k exactly then.
	SearchVectors(ctx context.Context, index string, query []float32, k int, allow *AllowList, nullsFirst bool) (rows arrow.RecordBatch, ok bool, err error)
}

// AllowList is the rows a stored vector search may return: those whose key
// values are rows of the batch Keys returns (the caller releases it).
// Filter names the condition that selects them — the same text for the
// same condition with the same values — so that a source may reuse what it
// made of an earlier list with the same Filter, while the table is
// unchanged, without calling Keys.
type AllowList struct {
	Filter string
	Keys   func() (arrow.RecordBatch, error)
}

// FilterKey names expressions for AllowList.Filter: their text, which
// shows every call's options, plus each node's type (the same text with
// literals of different types — a date and its day number — differs) and
// each vector literal in full (the text abbreviates those).
func FilterKey(exprs []Expr) string {
	var b strings.Builder
	for _, e := range exprs {
		b.WriteString(e.String())
		b.WriteString(" |")
		Walk(e, func(x Expr) bool {
			b.WriteByte(' ')
			if t := x.DataType(); t != nil {
				b.WriteString(t.String())
			}
			if l, ok := x.(*Literal); ok {
				if v, isVec := l.Value.([]float32); isVec {
					b.WriteString(vector.FormatText(v))
				}
			}
			return true
		})
		b.WriteByte('\n')
	}
	return b.String()
}

// IndexedSource is an in-memory frame with a vector index attached to one
// of its vector columns: the index holds row i of the column under id i.
type IndexedSource struct {
	MemorySource
	Column string
	Index  vector.Index
	// Kind is "hnsw" or "flat".
	Kind string
}

// Unwrap returns the frame the index is attached to.
func (s *IndexedSource) Unwrap() Source { return s.MemorySource }

// AttachVectorIndex attaches idx to column of src, checking that they fit.
func AttachVectorIndex(src Source, column string, idx vector.Index) (*IndexedSource, error) {
	ms, ok := src.(MemorySource)
	if !ok {
		return nil, core.Errorf(core.KindNotSupported, "a vector index can only be attached to an in-memory frame")
	}
	f, ok := ms.Schema().FieldsByName(column)
	if !ok {
		return nil, core.Errorf(core.KindColumnNotFound, "vector index attached to column %q, which the frame does not have", column)
	}
	if !core.IsVector(f[0].Type) {
		return nil, core.Errorf(core.KindCompute, "vector index attached to column %q of type %s; it needs an Array(Float32, d) column", column, dtypeName(f[0].Type))
	}
	if d := core.VectorDim(f[0].Type); d != idx.Dim() {
		return nil, core.Errorf(core.KindInvalidInput, "vector index of dimension %d attached to column %q of dimension %d", idx.Dim(), column, d)
	}
	if int64(idx.Len()) != ms.NumRows() {
		return nil, core.Errorf(core.KindInvalidInput,
			"vector index holds %d vectors but the frame has %d rows; an attached index must hold row i of %q under id i",
			idx.Len(), ms.NumRows(), column)
	}
	kind := "flat"
	if _, ok := idx.(*vector.HNSW); ok {
		kind = "hnsw"
	}
	return &IndexedSource{MemorySource: ms, Column: column, Index: idx, Kind: kind}, nil
}
