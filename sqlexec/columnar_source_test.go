package sqlexec

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// gatedDelta is a columnar table whose delta piece is read only once gate
// closes: a scan then reads the delta after the statement's first batch
// was written, the order a loaded machine may pick.
type gatedDelta struct {
	*columnarSource
	gate chan struct{}
}

func (g *gatedDelta) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	if i == len(g.segs) {
		<-g.gate
	}
	return g.columnarSource.ReadPiece(ctx, mem, i, columns)
}

// openColumnarTable makes a columnar table c (k BIGINT key, x BIGINT) of
// segment rows 0..n-1 (one segment) and delta rows n..n+extra-1.
func openColumnarTable(t *testing.T, n, extra int) (*storage.DB, *Session) {
	t.Helper()
	db, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := NewSession(db)
	run := func(q string) {
		if _, err := s.Execute(context.Background(), q, nil, nil); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run("CREATE TABLE c (k BIGINT PRIMARY KEY, x BIGINT) WITH (storage='columnar')")
	// At least storage's bulk threshold of rows into the empty table: one segment.
	rb := kx(0, n, 0)
	if err := db.Run(func(tx *storage.Txn) error { _, err := tx.Insert("c", rb, storage.ConflictError); return err }); err != nil {
		t.Fatal(err)
	}
	for i := n; i < n+extra; i++ {
		run(fmt.Sprintf("INSERT INTO c VALUES (%d, 0)", i))
	}
	return db, s
}

// kx is a batch of rows (k, x) with k = lo..hi-1 and x = x; the caller
// releases it (the tests here leave that to the garbage collector).
func kx(lo, hi int, x int64) arrow.RecordBatch {
	kb, xb := array.NewInt64Builder(memory.DefaultAllocator), array.NewInt64Builder(memory.DefaultAllocator)
	defer kb.Release()
	defer xb.Release()
	for i := lo; i < hi; i++ {
		kb.Append(int64(i))
		xb.Append(x)
	}
	k, xs := kb.NewArray(), xb.NewArray()
	defer k.Release()
	defer xs.Release()
	return array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil), []arrow.Array{k, xs}, int64(hi-lo))
}

// A streamed write over a columnar table reads it as it was when the plan
// was built: the rows the first batch moved from the segment to the delta
// (an UPDATE writes a delete marker and the row under its key in the
// delta) are not read again when the delta piece is read after that
// write. Before the scan pinned the table, the delta read here met the
// moved rows and the UPDATE counted them twice (a columnar UPDATE's
// rowcount of 48 for a row table's 31, python/tests/test_db_columnar.py).
func TestColumnarWriteReadsTheTableAsBuilt(t *testing.T) {
	const n, extra = 5000, 3
	db, _ := openColumnarTable(t, n, extra)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	x := &stmtExec{ctx: context.Background(), txn: tx}
	p, err := x.catalog().tablePlan("c", true)
	if err != nil {
		t.Fatal(err)
	}
	cs := p.(*lazy.Scan).Source.(*columnarSource)
	if len(cs.segs) != 1 || !cs.delta {
		t.Fatalf("want one segment and a delta, got %s", cs.Access(nil))
	}
	gate := make(chan struct{})
	src := &gatedDelta{columnarSource: cs, gate: gate}
	seen, batches := 0, 0
	err = tx.Statement(func() error {
		return exec.Stream(context.Background(), lazy.NewScan(src), func(rb arrow.RecordBatch) error {
			seen += int(rb.NumRows())
			batches++
			// Rewrite the rows as they are: each segment row moves to the delta.
			_, err := tx.Update("c", rb)
			if batches == 1 {
				close(gate)
			}
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != n+extra {
		t.Fatalf("the statement read %d rows of a table of %d", seen, n+extra)
	}
}

// A pinned columnar table keeps reading what it held when pinned, its
// segments and its delta, however the transaction writes afterwards: an
// UPDATE that moves every segment row to the delta, a DELETE of delta
// rows, new rows.
func TestColumnarPinHoldsTheTable(t *testing.T) {
	const n, extra = 5000, 3
	db, _ := openColumnarTable(t, n, extra)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	x := &stmtExec{ctx: context.Background(), txn: tx}
	p, err := x.catalog().tablePlan("c", true)
	if err != nil {
		t.Fatal(err)
	}
	cs := p.(*lazy.Scan).Source.(*columnarSource)
	pinned, release, err := cs.Pin(context.Background(), []int{0, 1}, []string{"k", "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	// Every segment row moves to the delta, two delta rows go, one comes.
	if _, err := tx.Update("c", kx(0, n, 1)); err != nil {
		t.Fatal(err)
	}
	rows := kx(n+1, n+extra, 0)
	defer rows.Release()
	keys := array.NewRecordBatch(arrow.NewSchema(rows.Schema().Fields()[:1], nil), rows.Columns()[:1], rows.NumRows())
	defer keys.Release()
	if _, err := tx.Delete("c", keys); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Insert("c", kx(-1, 0, 7), storage.ConflictError); err != nil {
		t.Fatal(err)
	}
	sum, nrows := int64(0), 0
	for i := range 2 {
		rb, err := pinned.ReadPiece(context.Background(), memory.DefaultAllocator, i, []string{"k", "x"})
		if err != nil {
			t.Fatal(err)
		}
		nrows += int(rb.NumRows())
		for _, v := range rb.Column(1).(*array.Int64).Int64Values() {
			sum += v
		}
		rb.Release()
	}
	if nrows != n+extra || sum != 0 {
		t.Fatalf("the pinned table read %d rows of sum(x) %d, want %d rows of sum 0", nrows, sum, n+extra)
	}
	if _, err := pinned.ReadPiece(context.Background(), memory.DefaultAllocator, 1, nil); err == nil {
		t.Fatal("a second read of the pinned delta succeeded")
	}
}

// UPDATE and DELETE of a columnar table whose rows are in two segments
// and in the delta count and change each row once, as on a row table.
func TestColumnarUpdateCountsEachRowOnce(t *testing.T) {
	const n, extra = 128*1024 + 3000, 40 // storage's segments hold 128Ki rows
	db, s := openColumnarTable(t, n, extra)
	if err := db.Run(func(tx *storage.Txn) error {
		segs, err := tx.Segments("c")
		if len(segs) != 2 {
			t.Fatalf("%d segments, want 2 (%v)", len(segs), err)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int64 {
		t.Helper()
		r, err := s.Execute(context.Background(), q, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return r.RowsAffected
	}
	for round := range 2 {
		if got := count("UPDATE c SET x = x + 1 WHERE k % 3 = 0"); got != (n+extra+2)/3 {
			t.Fatalf("round %d: UPDATE counted %d rows, want %d", round, got, (n+extra+2)/3)
		}
	}
	if got := count("UPDATE c SET k = k + 1000000 WHERE k % 7 = 1"); got != (n+extra+5)/7 {
		t.Fatalf("a key-moving UPDATE counted %d rows, want %d", got, (n+extra+5)/7)
	}
	if got := count("DELETE FROM c WHERE x = 2"); got != (n+extra+2)/3 {
		t.Fatalf("DELETE counted %d rows, want %d", got, (n+extra+2)/3)
	}
	if got := count("DELETE FROM c"); got != n+extra-(n+extra+2)/3 {
		t.Fatalf("DELETE of the rest counted %d rows, want %d", got, n+extra-(n+extra+2)/3)
	}
}

// A filtered scan of a columnar table reads its filter's columns first
// and the other columns at the rows kept only (late materialization,
// pinnedColumnar.ReadPieceRows): over two segments with deleted rows, a
// delta of updated and inserted rows, NULLs and a dictionary-encoded
// string column, every filter (keeping no row, a few, about half, all)
// gives the rows the same table stored as rows gives.
func TestColumnarLateFilterMatchesRowTable(t *testing.T) {
	const n = 128*1024 + 9000 // two segments
	db, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := NewSession(db)
	exec := func(q string) *Result {
		t.Helper()
		r, err := s.Execute(context.Background(), q, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return r
	}
	mem := memory.DefaultAllocator
	kb, xb := array.NewInt64Builder(mem), array.NewInt64Builder(mem)
	db2 := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 12, Scale: 2})
	sb, pb := array.NewStringBuilder(mem), array.NewStringBuilder(mem)
	for k := range n {
		kb.Append(int64(k))
		if k%10 == 9 {
			xb.AppendNull()
		} else {
			xb.Append(int64(k % 1000))
		}
		db2.Append(decimal128.FromI64(int64(k)))
		if k%13 == 12 {
			sb.AppendNull()
		} else {
			sb.Append(fmt.Sprintf("kind-%d", k%7))
		}
		pb.Append(fmt.Sprintf("p%06d", (k*7919)%n))
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "d", Type: db2.Type(), Nullable: true}, {Name: "tag", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	rows := array.NewRecordBatch(schema, []arrow.Array{kb.NewArray(), xb.NewArray(), db2.NewArray(), sb.NewArray(), pb.NewArray()}, n)
	for _, table := range []string{"r", "c"} {
		with := ""
		if table == "c" {
			with = " WITH (storage='columnar')"
		}
		exec("CREATE TABLE " + table + " (k BIGINT PRIMARY KEY, x BIGINT, d DECIMAL(12, 2), tag TEXT, name TEXT)" + with)
		if err := db.Run(func(tx *storage.Txn) error { _, err := tx.Insert(table, rows, storage.ConflictError); return err }); err != nil {
			t.Fatal(err)
		}
		// Deleted segment rows, rows moved to the delta, new delta rows.
		exec("DELETE FROM " + table + " WHERE k % 97 = 5")
		exec("UPDATE " + table + " SET x = x + 1, tag = 'moved' WHERE k % 101 = 3")
		exec("INSERT INTO " + table + " VALUES (1000000, 17, 1.5, 'kind-3', 'new'), (1000001, NULL, NULL, NULL, NULL), (1000002, 400, 2, 'kind-1', 'newer')")
	}
	if err := db.Run(func(tx *storage.Txn) error {
		segs, err := tx.Segments("c")
		if has, _ := tx.HasDelta("c"); len(segs) != 2 || !has {
			t.Fatalf("%d segments, delta %v: want 2 and a delta (%v)", len(segs), has, err)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	read := func(q string) []string {
		t.Helper()
		r := exec(q)
		defer r.Release()
		var out []string
		for _, rb := range r.table.Batches() {
			for i := range int(rb.NumRows()) {
				row := ""
				for j := range int(rb.NumCols()) {
					row += rb.Column(j).ValueStr(i) + ","
				}
				out = append(out, row)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, q := range []string{
		"SELECT k, tag, name FROM %s WHERE x = 5000",                            // no row
		"SELECT k, name, d FROM %s WHERE x = 17",                                // a few
		"SELECT k, x, tag, name, d FROM %s WHERE x < 500",                       // half, the filter's column projected
		"SELECT k, name FROM %s WHERE x >= 0",                                   // every non-null
		"SELECT name, d FROM %s WHERE k >= 0",                                   // every row
		"SELECT k, name, x FROM %s WHERE tag = 'kind-3' AND x < 100",            // a dictionary column, two stages
		"SELECT k, d FROM %s WHERE tag IS NULL AND name > 'p1'",                 // NULLs
		"SELECT k, tag FROM %s WHERE tag = 'moved' OR k = 1000001",              // delta rows only
		"SELECT count(*), sum(d), min(name), max(tag) FROM %s WHERE x %% 3 = 1", // aggregated
	} {
		got, want := read(fmt.Sprintf(q, "c")), read(fmt.Sprintf(q, "r"))
		if len(want) == 0 && !strings.Contains(q, "5000") {
			t.Fatalf("%s: no row on the row table", q)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("%s: the columnar table gives %d rows, the row table %d\n got %.300q\nwant %.300q", fmt.Sprintf(q, "c"), len(got), len(want), got, want)
		}
	}
}

// BenchmarkColumnarPin pins a freshly loaded columnar table (no delete
// marker, no delta) for a scan of every segment, then releases it: what
// every columnar scan pays before reading (the markers are read up front).
func BenchmarkColumnarPin(b *testing.B) {
	db, err := storage.Open(b.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := NewSession(db)
	if _, err := s.Execute(context.Background(), "CREATE TABLE c (k BIGINT PRIMARY KEY, x BIGINT) WITH (storage='columnar')", nil, nil); err != nil {
		b.Fatal(err)
	}
	rb := kx(0, 3*128*1024, 0) // three segments
	defer rb.Release()
	if err := db.Run(func(tx *storage.Txn) error { _, err := tx.Insert("c", rb, storage.ConflictError); return err }); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	x := &stmtExec{ctx: context.Background(), txn: tx}
	p, err := x.catalog().tablePlan("c", true)
	if err != nil {
		b.Fatal(err)
	}
	cs := p.(*lazy.Scan).Source.(*columnarSource)
	pieces := make([]int, cs.NumPieces())
	for i := range pieces {
		pieces[i] = i
	}
	b.ResetTimer()
	for range b.N {
		_, release, err := cs.Pin(context.Background(), pieces, []string{"k", "x"})
		if err != nil {
			b.Fatal(err)
		}
		release()
	}
}
