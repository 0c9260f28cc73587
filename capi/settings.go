package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"encoding/json"

	"github.com/alopexdb/alopex/core"
)

// alopex_session_inherit gives session dst the variables of session src
// (SET hnsw_ef_search …): a transaction starts with its connection's.
//
//export alopex_session_inherit
func alopex_session_inherit(dst, src C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		to, err := sessionOf(dst)
		if err != nil {
			return err
		}
		from, err := sessionOf(src)
		if err != nil {
			return err
		}
		to.Inherit(from)
		return nil
	})
}

// alopex_progress writes the engine's running long tasks (core.Tasks) to
// *out as a JSON list (malloc'd; free with alopex_free), NULL when there
// are none.
//
//export alopex_progress
func alopex_progress(out **C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		*out = nil
		ts := core.Tasks()
		if len(ts) == 0 {
			return nil
		}
		b, err := json.Marshal(ts)
		if err != nil {
			return err
		}
		*out = C.CString(string(b))
		return nil
	})
}
