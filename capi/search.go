package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime/cgo"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
)

// searchSpec is db.search's request as Python sends it.
type searchSpec struct {
	Table     string          `json:"table"`
	Column    string          `json:"column"`
	Metric    string          `json:"metric"`
	Columns   []string        `json:"columns"`
	K         int             `json:"k"`
	Ef        int             `json:"ef"`
	Dim       int             `json:"dim"`
	FilterSQL string          `json:"filter_sql"`
	Filter    json.RawMessage `json:"filter"`
}

// alopex_session_search_start starts a batch vector search of a stored
// table (sqlexec.Session.Search): spec is the request as JSON, queries
// nFloats float32s (the query vectors row after row, copied). *jobOut
// receives a job handle, as alopex_query_start's.
//
//export alopex_session_search_start
func alopex_session_search_start(h C.uint64_t, spec *C.char, specLen C.size_t, queries *C.float, nFloats C.size_t,
	jobOut *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		var sp searchSpec
		if err := json.Unmarshal(C.GoBytes(unsafe.Pointer(spec), C.int(specLen)), &sp); err != nil {
			return core.Errorf(core.KindInvalidInput, "malformed search request: %v", err)
		}
		req := sqlexec.SearchRequest{Table: sp.Table, Column: sp.Column, Metric: sp.Metric, Columns: sp.Columns,
			K: sp.K, Ef: sp.Ef, Dim: sp.Dim, FilterSQL: sp.FilterSQL}
		if len(sp.Filter) > 0 && string(sp.Filter) != "null" {
			if req.Filter, err = lazy.DecodeExpr(sp.Filter); err != nil {
				return err
			}
		}
		if nFloats > 0 {
			req.Queries = append([]float32(nil), unsafe.Slice((*float32)(unsafe.Pointer(queries)), int(nFloats))...)
		}
		ctx, cancel := context.WithCancel(context.Background())
		j := &job{cancel: cancel, done: make(chan struct{})}
		go j.runFunc(ctx, func(ctx context.Context) (*core.Table, error) {
			return s.Search(ctx, mem, req, dataframe.Opener{})
		})
		*jobOut = C.uint64_t(cgo.NewHandle(j))
		return nil
	})
}
