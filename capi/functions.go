package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
)

// functionInfo is one function as Python's registry test sees it.
type functionInfo struct {
	Name   string   `json:"name"`
	Python []string `json:"python,omitempty"`
	SQL    []string `json:"sql,omitempty"`
	// Legacy marks a function still registered in lazy and lazy/exec, not
	// yet an entry of the registry (lazy/fn).
	Legacy bool `json:"legacy,omitempty"`
}

// alopex_functions writes to *out (malloc'd; free with alopex_free) the
// engine's functions as JSON: [{"name", "python", "sql", "legacy"}].
//
//export alopex_functions
func alopex_functions(out **C.char) C.int {
	var list []functionInfo
	for _, f := range fn.All() {
		list = append(list, functionInfo{Name: f.Name, Python: f.Python, SQL: f.SQL})
	}
	for _, name := range lazy.FunctionNames() {
		list = append(list, functionInfo{Name: name, Legacy: true})
	}
	data, _ := json.Marshal(list)
	*out = C.CString(string(data))
	return 0
}
