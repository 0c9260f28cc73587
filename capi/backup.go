package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"encoding/json"

	"github.com/alopexdb/alopex/storage"
)

// alopex_db_backup writes a consistent copy of the open database dbh into
// directory dest (new or empty) while other sessions keep writing.
//
//export alopex_db_backup
func alopex_db_backup(dbh C.uint64_t, dest *C.char, destLen C.size_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		db, err := dbOf(dbh)
		if err != nil {
			return err
		}
		return db.Backup(C.GoStringN(dest, C.int(destLen)))
	})
}

// alopex_db_describe writes to *out (malloc'd; free with alopex_free) the
// JSON list of storage.TableInfo of the committed tables of dbh.
//
//export alopex_db_describe
func alopex_db_describe(dbh C.uint64_t, out **C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		db, err := dbOf(dbh)
		if err != nil {
			return err
		}
		var infos []storage.TableInfo
		err = db.Run(func(tx *storage.Txn) error {
			infos, err = tx.Describe()
			return err
		})
		if err != nil {
			return err
		}
		b, _ := json.Marshal(infos)
		*out = C.CString(string(b))
		return nil
	})
}
