package sqlexec_test

import (
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
)

// TestInspectViews: CREATE VIEW and DROP VIEW are described for a
// SQLContext, which keeps views itself; the view's query is text any
// parser mode reads, its column list applied.
func TestInspectViews(t *testing.T) {
	info, err := sqlexec.Inspect("create view revenue0 (supplier_no, total_revenue) as select a, sum(c) from u group by a")
	if err != nil {
		t.Fatal(err)
	}
	v := info.View
	if v == nil || v.Drop || len(v.Names) != 1 || v.Names[0] != "revenue0" {
		t.Fatalf("got %+v", v)
	}
	if !strings.Contains(v.Query, "AS `_view` (`supplier_no`, `total_revenue`)") {
		t.Errorf("query %q", v.Query)
	}
	p, err := sqlexec.Compile(v.Query, testTables(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Schema().Field(1).Name; got != "total_revenue" {
		t.Errorf("the view's second column is %q", got)
	}
	info, err = sqlexec.Inspect("DROP VIEW IF EXISTS a, b")
	if err != nil || info.View == nil || !info.View.Drop || !info.View.IfExists || len(info.View.Names) != 2 {
		t.Fatalf("got %+v, %v", info.View, err)
	}
	if info, _ := sqlexec.Inspect("DROP TABLE a"); info.View != nil {
		t.Errorf("DROP TABLE is no view statement")
	}
}

// TestIntervalPrecision: the SQL standard's INTERVAL '90' DAY (3), as
// TPC-H writes it, reads as INTERVAL '90' DAY; inside a string it stays.
func TestIntervalPrecision(t *testing.T) {
	for _, q := range []string{
		"SELECT a FROM t WHERE d <= DATE '1998-12-01' - interval '90' day (3)",
		"SELECT a FROM t WHERE d <= DATE '1998-12-01' - INTERVAL 90 DAY(3)",
	} {
		p, err := sqlexec.Compile(q, testTables(), nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := lazy.Explain(p); !strings.Contains(got, "1998-09-02") {
			t.Errorf("%s:\n%s", q, got)
		}
	}
	p, err := sqlexec.Compile("SELECT a FROM t WHERE b = 'interval ''9'' day (3)'", testTables(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := lazy.Explain(p); !strings.Contains(got, "day (3)") {
		t.Errorf("the string changed:\n%s", got)
	}
}
