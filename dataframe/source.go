package dataframe

import (
	"github.com/alopexdb/alopex/dataframe/csv"
	"github.com/alopexdb/alopex/dataframe/parquet"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
)

// Opener opens the files named by file scans in plans (lazy.Opener).
type Opener struct{}

var _ lazy.Opener = Opener{}

// Open implements lazy.Opener for "parquet" and "csv" (a file, a glob or a
// directory; the CSV options are those of csv.OptionsFrom).
func (Opener) Open(kind, path string, opts map[string]any) (lazy.Source, error) {
	switch kind {
	case "parquet":
		files, err := expandPaths(path, ".parquet")
		if err != nil {
			return nil, err
		}
		return parquet.OpenSource(files)
	case "csv":
		o, err := csv.OptionsFrom(opts)
		if err != nil {
			return nil, err
		}
		files, err := expandPaths(path, ".csv")
		if err != nil {
			return nil, err
		}
		return csv.OpenSource(files, o)
	}
	return nil, core.Errorf(core.KindNotSupported, "scanning %s files is not supported yet", kind)
}

// expandPaths turns a file, a directory (its files with ext, recursively)
// or a glob into a sorted list of files.
func expandPaths(path, ext string) ([]string, error) {
	if strings.ContainsAny(path, "*?[") {
		files, err := filepath.Glob(path)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "bad glob pattern %q: %v", path, err)
		}
		if len(files) == 0 {
			return nil, core.Errorf(core.KindFileNotFound, "no files match %q", path)
		}
		sort.Strings(files)
		return files, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, core.Errorf(core.KindFileNotFound, "no such file or directory: %s", path)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ext) && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "reading directory %s: %v", path, err)
	}
	if len(files) == 0 {
		return nil, core.Errorf(core.KindFileNotFound, "no %s files in directory %s", ext, path)
	}
	sort.Strings(files)
	return files, nil
}
