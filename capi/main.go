// Command capi is the C ABI of alopex, built with -buildmode=c-shared into
// libalopex.so and loaded by the Python package through cffi.
//
// It is thin on purpose: decode arguments, call into the engine packages,
// encode results. Every export returns a status (0 for success, else a
// core.Kind) and, on failure, a malloc'd JSON error
// {"kind": K, "message": "...", "details": {...}} in *err that the caller
// frees with alopex_free. Every export recovers panics and reports them as
// InternalError with the Go stack. Go objects held by Python are cgo.Handle
// values; each kind of handle has a release function.
package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"unsafe"

	"github.com/alopexdb/alopex/core"
)

func main() {}

// setError stores err as a malloc'd JSON string in *out and returns its kind.
func setError(out **C.char, err error) C.int {
	kind := core.KindOf(err)
	if kind == core.KindOK {
		kind = core.KindInternal
	}
	payload := map[string]any{"kind": int(kind), "message": err.Error()}
	var ce *core.Error
	if e, ok := err.(*core.Error); ok {
		ce = e
	}
	if ce != nil && ce.Details != nil {
		payload["details"] = ce.Details
	}
	b, jerr := json.Marshal(payload)
	if jerr != nil {
		b = []byte(fmt.Sprintf(`{"kind": %d, "message": %q}`, int(kind), err.Error()))
	}
	if out != nil {
		*out = C.CString(string(b))
	}
	return C.int(kind)
}

// guard turns a panic in an export into an InternalError status.
func guard(status *C.int, errOut **C.char) {
	if r := recover(); r != nil {
		*status = setError(errOut, core.Errorf(core.KindInternal,
			"internal error (a bug in alopex; please report it): %v\n%s", r, debug.Stack()))
	}
}

// call runs fn under guard and encodes its error.
func call(errOut **C.char, fn func() error) (status C.int) {
	defer guard(&status, errOut)
	if err := fn(); err != nil {
		return setError(errOut, err)
	}
	return 0
}

//export alopex_free
func alopex_free(p unsafe.Pointer) {
	C.free(p)
}

//export alopex_version
func alopex_version(out **C.char) C.int {
	*out = C.CString(Version)
	return 0
}

//export alopex_debug_panic
func alopex_debug_panic(where C.int, errOut **C.char) C.int {
	return call(errOut, func() error {
		if where == 0 {
			panic("deliberate panic requested by alopex_debug_panic")
		}
		return debugPanicInWorker()
	})
}
