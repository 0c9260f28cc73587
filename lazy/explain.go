package lazy

import (
	"fmt"
	"strings"
)

// Explain renders a plan as an indented tree, root first. DataFrame
// explain() and SQL EXPLAIN both print this text.
func Explain(p Plan) string {
	var b strings.Builder
	explainNode(&b, p, 0)
	return b.String()
}

func explainNode(b *strings.Builder, p Plan, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(describe(p))
	b.WriteByte('\n')
	for _, c := range p.Children() {
		explainNode(b, c, depth+1)
	}
}

// Describe is the one line Explain prints for node p (without its
// inputs): EXPLAIN ANALYZE and LazyFrame.profile() label their rows by it.
func Describe(p Plan) string { return describe(p) }

func exprList(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func describe(p Plan) string {
	if d, ok := p.(interface{ Describe() string }); ok {
		return d.Describe()
	}
	switch p := p.(type) {
	case *Scan:
		total := p.Source.Schema().NumFields()
		s := fmt.Sprintf("SCAN %s", p.Source.Name())
		if ks, ok := p.Source.(KeyedSource); ok {
			s = ks.Access(p.Predicate)
		}
		if p.Columns != nil {
			read := p.Columns
			if p.Predicate != nil {
				read = ReadColumns(p)
			}
			s += fmt.Sprintf(" PROJECT %d/%d COLUMNS [%s]", len(read), total, strings.Join(read, ", "))
		} else {
			s += fmt.Sprintf(" PROJECT */%d COLUMNS", total)
		}
		if p.Predicate != nil {
			s += " SELECTION " + p.Predicate.String()
		}
		if p.Limit >= 0 {
			s += fmt.Sprintf(" LIMIT %d", p.Limit)
		}
		if ps, ok := p.Source.(PartitionedSource); ok {
			s += fmt.Sprintf(" ROW GROUPS %d/%d", len(PiecesToRead(ps, p.Predicate)), ps.NumPieces())
		}
		return s
	case *Filter:
		return "FILTER " + p.Predicate.String()
	case *Project:
		if p.RowWise && (&Project{Exprs: p.Exprs}).IsScalar() {
			return "SELECT " + exprList(p.Exprs) + " FOR EACH ROW" // no column read, yet one row per input row
		}
		return "SELECT " + exprList(p.Exprs)
	case *Aggregate:
		if len(p.Keys) == 0 {
			return "AGGREGATE " + exprList(p.Aggregates)
		}
		return "AGGREGATE " + exprList(p.Aggregates) + " BY " + exprList(p.Keys)
	case *Sort:
		keys := make([]string, len(p.Keys))
		for i, k := range p.Keys {
			keys[i] = k.String()
		}
		return "SORT BY [" + strings.Join(keys, ", ") + "]"
	case *Join:
		return p.describe()
	case *WindowNode:
		return p.describe()
	case *Union:
		return fmt.Sprintf("UNION %d INPUTS", len(p.Inputs))
	case *RowIndex:
		return fmt.Sprintf("WITH ROW INDEX %q offset=%d", p.Name, p.Offset)
	case *Tail:
		if p.Length >= 0 {
			return fmt.Sprintf("TAIL %d len=%d", p.N, p.Length)
		}
		return fmt.Sprintf("TAIL %d", p.N)
	case *Cache:
		return fmt.Sprintf("CACHE id=%d", p.ID)
	case *Slice:
		if p.Length < 0 {
			return fmt.Sprintf("SLICE offset=%d", p.Offset)
		}
		return fmt.Sprintf("SLICE offset=%d len=%d", p.Offset, p.Length)
	}
	return fmt.Sprintf("%T", p)
}
