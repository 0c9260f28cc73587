package main

/*
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

// alopex_frame is the caller's reusable call frame of
// alopex_session_execute_int (python/alopex/_cdef.py declares it too).
typedef struct {
	char*  buf; // the caller's result buffer
	size_t cap; // its size in bytes
	char*  out; // a result that did not fit buf: malloc'd, free with alopex_free
	size_t len; // out's length
	char*  err; // the error of a failed call (status > 0)
} alopex_frame;
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/alopexdb/alopex/dataframe"
)

// statusResultOut is alopex_session_execute_int's status for a result that
// did not fit the caller's buffer (in f.out); errors are kinds, all > 0.
const statusResultOut = -1

// alopex_session_execute_int is alopex_session_execute for a statement
// given exactly one parameter, the integer v (what Python passes for
// db.execute("… WHERE id = ?", (k,))), with fewer arguments to convert:
// the same result, without packing the parameter. The query text is read
// during the call only. Status 0: the result (the compact encoding of
// sqlexec, compact.go) is at the start of f.buf; statusResultOut: it is
// f.out (f.len bytes); otherwise f.err holds the error. A point read by
// an integer primary key writes its row into f.buf without a Go
// allocation (sqlexec.Session.ExecuteInt).
//
//export alopex_session_execute_int
func alopex_session_execute_int(h C.uint64_t, query *C.char, queryLen C.size_t, v C.int64_t, f *C.alopex_frame) C.int {
	moved := false
	status := call(&f.err, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		q := unsafe.String((*byte)(unsafe.Pointer(query)), int(queryLen))
		dst := unsafe.Slice((*byte)(unsafe.Pointer(f.buf)), int(f.cap))[:0]
		b, err := s.ExecuteInt(context.Background(), q, int64(v), dst, dataframe.Opener{})
		if err != nil {
			return err
		}
		if len(b) > 0 && unsafe.SliceData(b) != (*byte)(unsafe.Pointer(f.buf)) {
			// It outgrew buf, so append moved it to the Go heap.
			f.out, f.len = (*C.char)(C.CBytes(b)), C.size_t(len(b))
			moved = true
		}
		return nil
	})
	if status == 0 && moved {
		return statusResultOut
	}
	return status
}
