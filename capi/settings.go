package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

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
