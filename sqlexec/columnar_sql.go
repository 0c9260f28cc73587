package sqlexec

import (
	"regexp"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Columnar tables in SQL:
//
//	CREATE TABLE t (…) WITH (storage='columnar')     -- also … AS SELECT
//	CREATE TABLE t (…) ENGINE=columnar                -- MySQL's spelling
//	OPTIMIZE TABLE t  /  OPTIMIZE t
//
// MySQL's grammar has no WITH (…) table options, so the first form is
// rewritten before parsing into the second (as rewriteVectorIndex does for
// vector indexes).

var (
	storageOptionRe = regexp.MustCompile(`(?is)\bWITH\s*\(\s*storage\s*=\s*'([^']*)'\s*\)`)
	createTableRe   = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\b`)
	optimizeRe      = regexp.MustCompile(`(?is)^(\s*OPTIMIZE\s+)([^\s;]+\s*;?\s*)$`)
)

// rewriteColumnar rewrites the storage option of CREATE TABLE and the short
// OPTIMIZE t into text the parser reads; other text is returned as is.
func rewriteColumnar(text string) string {
	if createTableRe.MatchString(text) {
		if m := storageOptionRe.FindStringSubmatchIndex(text); m != nil {
			value := text[m[2]:m[3]]
			if !strings.ContainsAny(value, "`\\") {
				return text[:m[0]] + "ENGINE = '" + value + "'" + text[m[1]:]
			}
		}
	}
	// One word after OPTIMIZE: a table name, unless it is the keyword.
	if m := optimizeRe.FindStringSubmatch(text); m != nil && !strings.EqualFold(strings.TrimRight(m[2], "; \t\n"), "TABLE") {
		return m[1] + "TABLE " + m[2]
	}
	return text
}

// tableStorage reads the storage of a CREATE TABLE from its ENGINE option:
// columnar, or row (also MySQL's engine names, which all mean a row table
// here).
func tableStorage(st *ast.CreateTableStmt) (string, error) {
	for _, o := range st.Options {
		if o.Tp != ast.TableOptionEngine {
			continue
		}
		switch strings.ToLower(o.StrValue) {
		case storage.StorageColumnar:
			return storage.StorageColumnar, nil
		case storage.StorageRow, "innodb", "myisam", "memory", "":
			return storage.StorageRow, nil
		default:
			return "", core.Errorf(core.KindNotSupported, "table %s: unknown storage %q; use WITH (storage='columnar') or storage='row'",
				st.Table.Name.O, o.StrValue).With("table", st.Table.Name.O)
		}
	}
	return storage.StorageRow, nil
}

// optimize runs OPTIMIZE TABLE: a columnar table's delta and deleted rows
// are rewritten into fresh segments; a row table has nothing to do.
func (x *stmtExec) optimize(st *ast.OptimizeTableStmt) error {
	for _, t := range st.Tables {
		if err := x.txn.Optimize(t.Name.O); err != nil {
			return err
		}
	}
	return nil
}
