package main

/*
#include <stdint.h>
*/
import "C"

import "github.com/alopexdb/alopex/lazy/exec"

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
