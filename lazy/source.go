package lazy

import (
	"context"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// PartitionedSource is a Source read in pieces, such as the row groups of
// Parquet files. The executor reads pieces on demand, in parallel, with only
// the columns a query needs, and skips pieces whose statistics show the scan
// predicate cannot hold in them. Implementations are safe for concurrent use.
type PartitionedSource interface {
	Source
	NumPieces() int
	PieceRows(i int) int64
	// ReadPiece reads the named columns (in the given order) of piece i.
	ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error)
	// PieceStats returns the min and max of a column in piece i (Go values:
	// int64, uint64, float64, string, bool), its null count, and whether
	// statistics exist. Float bounds leave NaN out, as Parquet's do: a
	// piece may hold NaN whatever its max says.
	PieceStats(i int, column string) (min, max any, nulls int64, ok bool)
}

// PinnableSource is a PartitionedSource a running statement may change
// (a stored table that an UPDATE reads while it writes it). The executor
// pins it when it builds the scan, before any operator runs, and reads the
// pieces from the source Pin returns, which holds the listed pieces as
// they were then: a statement never reads its own writes, whenever a
// piece is read. release frees what the pinned source holds; the executor
// calls it once, after the scan's last read (also when the scan never
// ran).
type PinnableSource interface {
	PartitionedSource
	Pin(ctx context.Context, pieces []int, columns []string) (pinned PartitionedSource, release func(), err error)
}

// Opener creates sources for file scans named in a plan (kind "parquet" or
// "csv", a path or glob, and reader options). It is implemented outside
// lazy (package dataframe) and handed to Decode.
type Opener interface {
	Open(kind string, path string, opts map[string]any) (Source, error)
}

// PiecesToRead lists the pieces of src a scan with predicate pred must
// read: those whose statistics do not rule the predicate out.
func PiecesToRead(src PartitionedSource, pred Expr) []int {
	out := make([]int, 0, src.NumPieces())
	for i := range src.NumPieces() {
		if pred == nil || mayMatch(pred, func(col string) (any, any, int64, bool) { return src.PieceStats(i, col) }, src.PieceRows(i)) {
			out = append(out, i)
		}
	}
	return out
}

type statsFn func(col string) (min, max any, nulls int64, ok bool)

// mayMatch reports whether a predicate can be true for some row of a piece
// with the given column statistics. It understands conjunctions,
// disjunctions and comparisons of a column with a literal; anything else
// may match.
func mayMatch(e Expr, stats statsFn, rows int64) bool {
	switch x := e.(type) {
	case *Binary:
		switch x.Op {
		case OpAnd:
			return mayMatch(x.Left, stats, rows) && mayMatch(x.Right, stats, rows)
		case OpOr:
			return mayMatch(x.Left, stats, rows) || mayMatch(x.Right, stats, rows)
		}
		if !x.Op.IsComparison() {
			return true
		}
		col, lit, op, ok := columnVsLiteral(x)
		if !ok {
			return true
		}
		lo, hi, nulls, have := stats(col)
		if !have {
			return true
		}
		if nulls == rows {
			return false // comparisons with null are never true
		}
		if lit.Value == nil || lo == nil || hi == nil {
			return true
		}
		if _, ok := hi.(float64); ok && nanMaySatisfy(op, lit.Value) {
			// The piece may hold NaN, which alopex orders above every
			// number (and equal to NaN): the max cannot rule it out.
			hi = math.NaN()
		}
		cLo, okLo := compareStat(lo, lit.Value)
		cHi, okHi := compareStat(hi, lit.Value)
		if !okLo || !okHi {
			return true
		}
		switch op {
		case OpEq:
			return cLo <= 0 && cHi >= 0
		case OpNotEq:
			return !(cLo == 0 && cHi == 0)
		case OpLt:
			return cLo < 0
		case OpLtEq:
			return cLo <= 0
		case OpGt:
			return cHi > 0
		case OpGtEq:
			return cHi >= 0
		}
	case *Unary:
		if x.Op == OpIsNull {
			if c, ok := StripCast(x.X).(*Column); ok {
				if _, _, nulls, have := stats(c.Name); have {
					return nulls > 0
				}
			}
		}
	}
	return true
}

// nanMaySatisfy reports whether a NaN value satisfies "NaN op lit" for some
// value of the literal's kind: >, >= and != do for every number, = only for
// a NaN literal; < and <= never do.
func nanMaySatisfy(op BinaryOp, lit any) bool {
	switch op {
	case OpGt, OpGtEq, OpNotEq:
		return true
	case OpEq:
		f, ok := lit.(float64)
		return ok && math.IsNaN(f)
	}
	return false
}

// StripCast returns e under any casts that keep order (numeric widening).
func StripCast(e Expr) Expr {
	for {
		c, ok := e.(*Cast)
		if !ok {
			return e
		}
		e = c.X
	}
}

// columnVsLiteral recognizes col op lit and lit op col (flipping the latter).
func columnVsLiteral(b *Binary) (string, *Literal, BinaryOp, bool) {
	flip := map[BinaryOp]BinaryOp{OpLt: OpGt, OpLtEq: OpGtEq, OpGt: OpLt, OpGtEq: OpLtEq, OpEq: OpEq, OpNotEq: OpNotEq}
	if c, ok := orderPreserving(b.Left); ok {
		if l, ok := b.Right.(*Literal); ok {
			return c, l, b.Op, true
		}
	}
	if c, ok := orderPreserving(b.Right); ok {
		if l, ok := b.Left.(*Literal); ok {
			return c, l, flip[b.Op], true
		}
	}
	return "", nil, "", false
}

// orderPreserving returns the column under e when e is the column or a
// widening numeric cast of it (which keeps min and max meaningful).
func orderPreserving(e Expr) (string, bool) {
	for {
		switch x := e.(type) {
		case *Column:
			return x.Name, true
		case *Cast:
			from, to := x.X.DataType(), x.To
			if !(numericish(from) && numericish(to)) {
				return "", false
			}
			e = x.X
		default:
			return "", false
		}
	}
}

func numericish(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}

// compareStat compares a statistic with a literal value: -1, 0, 1. Floats
// are in alopex's total order, where NaN equals NaN and is above every number.
func compareStat(stat, lit any) (int, bool) {
	toF := func(v any) (float64, bool) {
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case uint64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	if a, ok := stat.(int64); ok {
		if b, ok := lit.(int64); ok {
			return cmp3(a, b), true
		}
	}
	if a, ok := stat.(string); ok {
		if b, ok := lit.(string); ok {
			return strings.Compare(a, b), true
		}
		return 0, false
	}
	a, ok1 := toF(stat)
	b, ok2 := toF(lit)
	if !ok1 || !ok2 {
		return 0, false
	}
	switch na, nb := math.IsNaN(a), math.IsNaN(b); {
	case na && nb:
		return 0, true
	case na:
		return 1, true
	case nb:
		return -1, true
	}
	return cmp3(a, b), true
}

func cmp3[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
