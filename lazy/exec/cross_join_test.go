package exec

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// crossPlan is the cross join of l (column a, n rows in batches of 3) with
// r (column b, m rows), values 0.. with every fifth a null.
func crossPlan(t *testing.T, mem memory.Allocator, n, m int) (lazy.Plan, func()) {
	t.Helper()
	vals := func(k int) []any {
		out := make([]any, k)
		for i := range out {
			if i%5 != 4 {
				out[i] = int64(i)
			}
		}
		return out
	}
	sizes := func(k int) []int {
		var s []int
		for k > 0 {
			s = append(s, min(3, k))
			k -= 3
		}
		return s
	}
	ta := newTable(t, mem, []column{{"a", arrow.PrimitiveTypes.Int64, vals(n)}}, sizes(n)...)
	tb := newTable(t, mem, []column{{"b", arrow.PrimitiveTypes.Int64, vals(m)}}, sizes(m)...)
	j, err := lazy.NewJoin(lazy.NewScan(ta), lazy.NewScan(tb), lazy.JoinCross, nil, nil, "_r")
	if err != nil {
		t.Fatal(err)
	}
	return j, func() { ta.Release(); tb.Release() }
}

func TestCrossJoinPairsInLeftOrder(t *testing.T) {
	// Below crossStreamRight right rows the left side streams; above, the
	// pairs come in blocks (of 4 pairs here, so blocks cut through the
	// pairs of one left row). Either way: every pair, left row by left row.
	for _, m := range []int{0, 1, crossStreamRight, crossStreamRight + 1, 11} {
		t.Run(fmt.Sprint("right rows ", m), func(t *testing.T) {
			setMorselRows(t, 4)
			mem := checkLeaks(t)
			j, release := crossPlan(t, mem, 7, m)
			defer release()
			res := run(t, mem, j)
			var got, want []string
			for i := range res.rows {
				got = append(got, fmt.Sprint(res.cols["a"][i], res.cols["b"][i]))
			}
			for a := range 7 {
				for b := range m {
					show := func(v int) string {
						if v%5 == 4 {
							return "<nil>"
						}
						return fmt.Sprint(v)
					}
					want = append(want, show(a)+" "+show(b))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("pairs %v\nwant %v", got, want)
			}
		})
	}
}

func TestCrossJoinFilterAndAggregateAbove(t *testing.T) {
	// The correlated-subquery shape: pairs filtered, counted per left row.
	setMorselRows(t, 8)
	mem := checkLeaks(t)
	j, release := crossPlan(t, mem, 40, 30)
	defer release()
	g, err := lazy.NewGroupBy(filter(t, j, bin(lazy.OpGt, col("b"), col("a"))),
		[]lazy.Expr{col("a")}, []lazy.Expr{alias(&lazy.Agg{Func: lazy.AggLen}, "n")})
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, mem, g)
	got := map[string]string{}
	for i := range res.rows {
		got[fmt.Sprint(res.cols["a"][i])] = fmt.Sprint(res.cols["n"][i])
	}
	want := map[string]string{}
	for a := range 40 {
		n := 0
		for b := range 30 {
			if a%5 != 4 && b%5 != 4 && b > a {
				n++
			}
		}
		if a%5 != 4 && n > 0 {
			want[fmt.Sprint(a)] = fmt.Sprint(n)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counts %v\nwant %v", got, want)
	}
}

func TestCrossBlocksStayFewAndBounded(t *testing.T) {
	for _, c := range []struct{ n, m int64 }{{0, 0}, {1, 1}, {20_000, 20_000}, {1 << 30, 1 << 30}, {1 << 31, 3}} {
		size := crossBlockPairs(c.n, c.m)
		blocks := (c.n*c.m + size - 1) / size
		if size < int64(MorselRows) || blocks > max(c.n+c.m, 1) || size > max(int64(MorselRows), min(c.n, c.m)) {
			t.Errorf("%d x %d: blocks of %d pairs, %d blocks", c.n, c.m, size, blocks)
		}
	}
}

func TestCrossJoinCancelledBetweenBlocks(t *testing.T) {
	setMorselRows(t, 16)
	j, release := crossPlan(t, checkLeaks(t), 300, 300)
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	b := &builder{mem: workMem, ctx: ctx}
	op, err := b.build(filter(t, j, bin(lazy.OpGt, col("b"), col("a"))))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		op.Close()
		for _, c := range b.closers {
			c()
		}
	}()
	rb, err := op.Next(ctx)
	if err != nil || rb == nil {
		t.Fatalf("first block: %v %v", rb, err)
	}
	rb.Release()
	cancel()
	for range 10_000 {
		rb, err = op.Next(ctx)
		if rb != nil {
			rb.Release()
		}
		if err != nil || rb == nil {
			break
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v, want context.Canceled", err)
	}
}

func TestCrossJoinBatchesAreBlocks(t *testing.T) {
	// The pairs of one left batch (3 rows x 50) exceed a morsel: they must
	// come as several batches of at most a morsel each, not one of 150.
	setMorselRows(t, 16)
	j, release := crossPlan(t, checkLeaks(t), 9, 50)
	defer release()
	b := &builder{mem: workMem, ctx: context.Background()}
	op, err := b.build(j)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		op.Close()
		for _, c := range b.closers {
			c()
		}
	}()
	total := 0
	for {
		rb, err := op.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if rb == nil {
			break
		}
		if rb.NumRows() > 16 {
			t.Errorf("a batch of %d pairs, want at most a morsel (16)", rb.NumRows())
		}
		total += int(rb.NumRows())
		rb.Release()
	}
	if total != 9*50 {
		t.Fatalf("%d pairs, want %d", total, 9*50)
	}
}
