package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"

	"github.com/alopexdb/alopex/lazy/fn"
)

// functionInfo is one function as Python's registry test sees it.
type functionInfo struct {
	Name   string   `json:"name"`
	Python []string `json:"python,omitempty"`
	SQL    []string `json:"sql,omitempty"`
	// Window marks an order-dependent function (cum_sum, shift, rank).
	Window bool `json:"window,omitempty"`
	// Aggregate marks an aggregate (sum, mean, … in group_by().agg());
	// its Python methods include GroupBy shortcuts ("GroupBy.sum").
	Aggregate bool `json:"aggregate,omitempty"`
}

// alopex_functions writes to *out (malloc'd; free with alopex_free) the
// engine's functions, every entry of the registry (lazy/fn), as JSON:
// [{"name", "python", "sql", "window", "aggregate"}].
//
//export alopex_functions
func alopex_functions(out **C.char) C.int {
	var list []functionInfo
	for _, f := range fn.All() {
		list = append(list, functionInfo{Name: f.Name, Python: f.Python, SQL: f.SQL})
	}
	for _, w := range fn.AllWindows() {
		list = append(list, functionInfo{Name: w.Name, Python: w.Python, Window: true})
	}
	for _, a := range fn.AllAggregates() {
		info := functionInfo{Name: a.Name, Python: a.Python, Aggregate: true}
		for _, s := range a.SQL {
			info.SQL = append(info.SQL, s.Name)
		}
		list = append(list, info)
	}
	data, _ := json.Marshal(list)
	*out = C.CString(string(data))
	return 0
}
