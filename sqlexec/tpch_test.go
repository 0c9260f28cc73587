package sqlexec_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/apache/arrow-go/v18/arrow"
)

var tpchTableNames = []string{"region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"}

// tpchSchema is a TPC-H table as tpchgen-cli writes it to Parquet (every
// column required).
func tpchSchema(name string) *arrow.Schema {
	i64, i32 := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32
	str, date := arrow.BinaryTypes.StringView, arrow.FixedWidthTypes.Date32
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	type f = arrow.Field
	tables := map[string][]f{
		"region":   {{Name: "r_regionkey", Type: i64}, {Name: "r_name", Type: str}, {Name: "r_comment", Type: str}},
		"nation":   {{Name: "n_nationkey", Type: i64}, {Name: "n_name", Type: str}, {Name: "n_regionkey", Type: i64}, {Name: "n_comment", Type: str}},
		"supplier": {{Name: "s_suppkey", Type: i64}, {Name: "s_name", Type: str}, {Name: "s_address", Type: str}, {Name: "s_nationkey", Type: i64}, {Name: "s_phone", Type: str}, {Name: "s_acctbal", Type: dec}, {Name: "s_comment", Type: str}},
		"customer": {{Name: "c_custkey", Type: i64}, {Name: "c_name", Type: str}, {Name: "c_address", Type: str}, {Name: "c_nationkey", Type: i64}, {Name: "c_phone", Type: str}, {Name: "c_acctbal", Type: dec}, {Name: "c_mktsegment", Type: str}, {Name: "c_comment", Type: str}},
		"part":     {{Name: "p_partkey", Type: i64}, {Name: "p_name", Type: str}, {Name: "p_mfgr", Type: str}, {Name: "p_brand", Type: str}, {Name: "p_type", Type: str}, {Name: "p_size", Type: i32}, {Name: "p_container", Type: str}, {Name: "p_retailprice", Type: dec}, {Name: "p_comment", Type: str}},
		"partsupp": {{Name: "ps_partkey", Type: i64}, {Name: "ps_suppkey", Type: i64}, {Name: "ps_availqty", Type: i32}, {Name: "ps_supplycost", Type: dec}, {Name: "ps_comment", Type: str}},
		"orders":   {{Name: "o_orderkey", Type: i64}, {Name: "o_custkey", Type: i64}, {Name: "o_orderstatus", Type: str}, {Name: "o_totalprice", Type: dec}, {Name: "o_orderdate", Type: date}, {Name: "o_orderpriority", Type: str}, {Name: "o_clerk", Type: str}, {Name: "o_shippriority", Type: i32}, {Name: "o_comment", Type: str}},
		"lineitem": {{Name: "l_orderkey", Type: i64}, {Name: "l_partkey", Type: i64}, {Name: "l_suppkey", Type: i64}, {Name: "l_linenumber", Type: i32}, {Name: "l_quantity", Type: dec}, {Name: "l_extendedprice", Type: dec}, {Name: "l_discount", Type: dec}, {Name: "l_tax", Type: dec}, {Name: "l_returnflag", Type: str}, {Name: "l_linestatus", Type: str}, {Name: "l_shipdate", Type: date}, {Name: "l_commitdate", Type: date}, {Name: "l_receiptdate", Type: date}, {Name: "l_shipinstruct", Type: str}, {Name: "l_shipmode", Type: str}, {Name: "l_comment", Type: str}},
	}
	return arrow.NewSchema(tables[name], nil)
}

// tpchSchemas are the TPC-H tables without rows: planning needs only schemas.
func tpchSchemas() map[string]lazy.Plan {
	out := map[string]lazy.Plan{}
	for _, name := range tpchTableNames {
		out[name] = lazy.NewScan(namedSource{name, tpchSchema(name)})
	}
	return out
}

var tpchQueryRe = regexp.MustCompile(`(?s)QUERIES\[(\d+)\] = """(.*?)"""`)

// tpchQueries reads the 22 reference queries from python/tests/tpch/sql.py,
// the texts the Python tests and the benchmark run, so there is one copy.
func tpchQueries(tb testing.TB) map[int]string {
	src, err := os.ReadFile("../python/tests/tpch/sql.py")
	if err != nil {
		tb.Skipf("TPC-H SQL texts not found: %v", err)
	}
	out := map[int]string{}
	for _, m := range tpchQueryRe.FindAllStringSubmatch(string(src), -1) {
		n, _ := strconv.Atoi(m[1])
		out[n] = m[2]
	}
	if len(out) != 22 {
		tb.Fatalf("found %d TPC-H queries in python/tests/tpch/sql.py, want 22", len(out))
	}
	return out
}

// planTPCH is what SQL planning costs: parse, translate, optimize.
func planTPCH(query string, tables map[string]lazy.Plan) (lazy.Plan, error) {
	p, err := sqlexec.Compile(query, tables, nil, nil)
	if err != nil {
		return nil, err
	}
	return exec.Optimize(p), nil
}

func TestTPCHPlans(t *testing.T) {
	tables := tpchSchemas()
	for n, q := range tpchQueries(t) {
		if _, err := planTPCH(q, tables); err != nil {
			t.Errorf("Q%d: %v", n, err)
		}
	}
}

// BenchmarkPlanTPCH measures SQL planning (parse, translate to a lazy plan,
// optimize) of each TPC-H query against the tables' schemas; no data is
// read. Run with: go test -run '^$' -bench PlanTPCH ./sqlexec
func BenchmarkPlanTPCH(b *testing.B) {
	tables := tpchSchemas()
	qs := tpchQueries(b)
	for n := 1; n <= 22; n++ {
		b.Run(fmt.Sprintf("Q%02d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := planTPCH(qs[n], tables); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTPCHPlanningTime logs the planning time of each query (one cold and
// the median of repeated warm runs) with -v; it asserts nothing about time.
func TestTPCHPlanningTime(t *testing.T) {
	if testing.Short() || !testing.Verbose() {
		t.Skip("timings are printed with -v only")
	}
	tables := tpchSchemas()
	qs := tpchQueries(t)
	for n := 1; n <= 22; n++ {
		r := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = planTPCH(qs[n], tables)
			}
		})
		t.Logf("Q%02d %8.1f µs/plan", n, float64(r.NsPerOp())/float64(time.Microsecond))
	}
}
