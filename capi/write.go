package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe"
)

// alopex_table_write writes a table as a file of the given kind ("csv" or
// "parquet") at path, with options as a JSON object (see
// dataframe.WriteTable). With an empty path (CSV only) the file's bytes are
// returned instead in *data, malloc'd (free with alopex_free), and their
// length in *dataLen; otherwise *data is set to NULL.
//
//export alopex_table_write
func alopex_table_write(h C.uint64_t, kind *C.char, path *C.char, optsJSON *C.char, data *unsafe.Pointer, dataLen *C.size_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		*data, *dataLen = nil, 0
		t, err := tableOf(h)
		if err != nil {
			return err
		}
		opts := map[string]any{}
		if optsJSON != nil {
			if err := json.Unmarshal([]byte(C.GoString(optsJSON)), &opts); err != nil {
				return core.Errorf(core.KindInvalidInput, "malformed write options: %v", err)
			}
		}
		out, err := dataframe.WriteTable(C.GoString(kind), C.GoString(path), t.Schema(), t.Batches(), opts)
		if err != nil {
			return err
		}
		if out != nil {
			*data = C.CBytes(out)
			*dataLen = C.size_t(len(out))
		}
		return nil
	})
}
