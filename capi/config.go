package main

/*
#include <stdint.h>
*/
import "C"

import (
	"runtime"

	"github.com/alopexdb/alopex/lazy/exec"
)

// alopex_set_memory_limit bounds the memory queries use, in bytes (0: no
// bound). See exec.SetMemoryLimit.
//
//export alopex_set_memory_limit
func alopex_set_memory_limit(limit C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		exec.SetMemoryLimit(int64(limit))
		return nil
	})
}

// alopex_threads writes how many cores the engine uses to *out: GOMAXPROCS,
// which every parallel operator sizes its workers by (set by the GOMAXPROCS
// environment variable at load, or alopex_set_threads).
//
//export alopex_threads
func alopex_threads(out *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		*out = C.int64_t(runtime.GOMAXPROCS(0))
		return nil
	})
}
