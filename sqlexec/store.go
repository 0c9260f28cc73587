package sqlexec

import (
	"context"
	"runtime"
	"slices"
	"strings"

	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The few places that read storage's catalog and scan options, kept
// together so that the rest of the package speaks in its own terms.

// RowIDColumn is the hidden row id of a table without a primary key.
const RowIDColumn = storage.RowIDColumn

func hasTable(txn *storage.Txn, name string) bool {
	names, err := txn.Tables()
	return err == nil && slices.ContainsFunc(names, func(t string) bool { return strings.EqualFold(t, name) })
}

func hasView(txn *storage.Txn, name string) bool {
	_, ok := viewOf(txn, name)
	return ok
}

func viewOf(txn *storage.Txn, name string) (string, bool) {
	text, ok, err := txn.View(name)
	return text, ok && err == nil
}

func listViews(txn *storage.Txn) []string {
	names, _ := txn.Views()
	return names
}

// descPrimaryKey is the primary key, [RowIDColumn] for a table without one.
func descPrimaryKey(d *storage.TableDesc) []string {
	if d.HasHiddenRowID() || len(d.PrimaryKey) == 0 {
		return []string{RowIDColumn}
	}
	return d.PrimaryKey
}

func descIndexes(d *storage.TableDesc) []indexInfo {
	out := make([]indexInfo, 0, len(d.Indexes))
	for _, ix := range d.Indexes {
		out = append(out, indexInfo{name: ix.Name, columns: ix.Columns, unique: ix.Unique})
	}
	return out
}

// scanTable streams columns of table along an access path in key order, a
// table scan on all cores (storage.Txn.ScanParallel).
func scanTable(ctx context.Context, txn *storage.Txn, table string, columns []string, a accessPath) (array.RecordReader, error) {
	opts := storage.ScanOptions{Columns: columns, Index: a.index}
	for _, r := range a.ranges {
		opts.Ranges = append(opts.Ranges, storage.KeyRange{Lower: r.lower, Upper: r.upper,
			LowerExclusive: !r.lowerIncl, UpperExclusive: !r.upperIncl})
	}
	return txn.ScanParallel(ctx, table, opts, runtime.GOMAXPROCS(0))
}
