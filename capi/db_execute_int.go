package main

/*
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/alopexdb/alopex/dataframe"
)

// alopex_session_execute_int is alopex_session_execute for a statement
// given exactly one parameter, the integer v (what Python passes for
// db.execute("… WHERE id = ?", (k,))): the same result in the same places,
// without packing the parameter. The query text is read during the call
// only. A point read by an integer primary key writes its row into buf
// without a Go allocation (sqlexec.Session.ExecuteInt).
//
//export alopex_session_execute_int
func alopex_session_execute_int(h C.uint64_t, query *C.char, queryLen C.size_t, v C.int64_t,
	buf *C.char, bufCap C.size_t, out **C.char, outLen *C.size_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		*out = nil
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		q := unsafe.String((*byte)(unsafe.Pointer(query)), int(queryLen))
		dst := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(bufCap))[:0]
		b, err := s.ExecuteInt(context.Background(), q, int64(v), dst, dataframe.Opener{})
		if err != nil {
			return err
		}
		*outLen = C.size_t(len(b))
		if len(b) > 0 && unsafe.SliceData(b) != (*byte)(unsafe.Pointer(buf)) {
			// It outgrew buf, so append moved it to the Go heap.
			*out = (*C.char)(C.CBytes(b))
		}
		return nil
	})
}
