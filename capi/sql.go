package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"encoding/json"

	"github.com/alopexdb/alopex/sqlexec"
)

// alopex_sql_inspect parses a SQL statement and writes to *out (malloc'd;
// free with alopex_free) the JSON {"tables": [names], "explain": bool}: the
// base tables the statement reads, which Python resolves from its scope
// before building the "sql" plan node. A syntax error is a SQLSyntaxError.
//
//export alopex_sql_inspect
func alopex_sql_inspect(query *C.char, queryLen C.size_t, out **C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		q := C.GoStringN(query, C.int(queryLen))
		info, err := sqlexec.Inspect(q)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(info)
		*out = C.CString(string(b))
		return nil
	})
}
