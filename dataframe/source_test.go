package dataframe

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe/csv"
	"github.com/alopexdb/alopex/internal/testkit"
	"github.com/apache/arrow-go/v18/arrow"
)

// Opener finds the files of a scan: a glob or a directory without matching
// files, or a missing path, is a FileNotFound error for either format.
func TestOpenerFindsNoFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "other.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"csv", "parquet"} {
		for _, path := range []string{
			filepath.Join(dir, "*."+kind),
			dir,
			filepath.Join(dir, "missing."+kind),
		} {
			if _, err := (Opener{}).Open(kind, path, nil); core.KindOf(err) != core.KindFileNotFound {
				t.Errorf("%s %s: %v (%s)", kind, path, err, core.KindOf(err))
			}
		}
	}
	if _, err := (Opener{}).Open("json", dir, nil); core.KindOf(err) != core.KindNotSupported {
		t.Errorf("json: %v", err)
	}
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCSVManyFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.csv", "x,y\n1,a\n2,b\n")
	writeFile(t, dir, "b.csv", "x,y\n3,c\n")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "sub/c.csv", "x,y\n4,d\n")
	writeFile(t, dir, "notes.txt", "not csv")
	for _, path := range []string{dir, filepath.Join(dir, "*.csv")} {
		s, err := (Opener{}).Open("csv", path, map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		src := s.(*csv.Source)
		got := testkit.PieceRows(t, src)
		want := []string{"1|a", "2|b", "3|c", "4|d"}
		if path != dir {
			want = want[:3]
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %q", path, got)
		}
		if !strings.HasPrefix(src.Name(), "CSV [a.csv +") {
			t.Errorf("name %s", src.Name())
		}
	}
	writeFile(t, dir, "z.csv", "x,z\n1,2\n")
	if _, err := (Opener{}).Open("csv", filepath.Join(dir, "*.csv"), nil); core.KindOf(err) != core.KindSchema {
		t.Errorf("different headers: %v", err)
	}
}

// WriteTable checks the directory before either writer runs, and passes
// each writer's own option errors through.
func TestWriteTableErrors(t *testing.T) {
	dir := t.TempDir()
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)
	if _, err := WriteTable("csv", filepath.Join(dir, "no/such/dir.csv"), schema, nil, nil); core.KindOf(err) != core.KindFileNotFound {
		t.Errorf("missing directory: %v", err)
	}
	if _, err := WriteTable("parquet", filepath.Join(dir, "x.parquet"), schema, nil, map[string]any{"compression": "lz4"}); core.KindOf(err) != core.KindNotSupported {
		t.Errorf("lz4: %v", err)
	}
	if _, err := WriteTable("parquet", filepath.Join(dir, "x.parquet"), schema, nil, map[string]any{"row_group_size": 1.5}); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("row_group_size 1.5: %v", err)
	}
	if _, err := WriteTable("json", filepath.Join(dir, "x.json"), schema, nil, nil); core.KindOf(err) != core.KindNotSupported {
		t.Errorf("json: %v", err)
	}
}
