package main

/*
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"math"
	"runtime/cgo"
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/storage"
)

// The embedded database: a database handle (*storage.DB) and session
// handles (*sqlexec.Session) on it, one per connection and one per
// transaction that Python's db.transaction() opens. Sessions are also
// handed to plans as sources: a plan node of kind "table" reads a stored
// table through the session (see decodePlan).

type dbOptions struct {
	ReadOnly     bool   `json:"read_only"`
	Sync         *bool  `json:"sync"`
	CacheSize    int64  `json:"cache_size"`
	MemTableSize uint64 `json:"memtable_size"`
	TxnMemory    int64  `json:"txn_memory"`
}

// alopex_db_open opens (or creates) the database in directory path, or an
// in-memory one when pathLen is 0. optsJSON holds {"read_only", "sync",
// "cache_size", "memtable_size", "txn_memory"}. *out receives the database
// handle.
//
//export alopex_db_open
func alopex_db_open(path *C.char, pathLen C.size_t, optsJSON *C.char, out *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		var o dbOptions
		if optsJSON != nil {
			if err := json.Unmarshal([]byte(C.GoString(optsJSON)), &o); err != nil {
				return core.Errorf(core.KindInvalidInput, "malformed database options: %v", err)
			}
		}
		dir := C.GoStringN(path, C.int(pathLen))
		opts := storage.Options{InMemory: dir == "", ReadOnly: o.ReadOnly, NoSync: o.Sync != nil && !*o.Sync,
			CacheSize: o.CacheSize, MemTableSize: o.MemTableSize, TxnMemory: o.TxnMemory}
		db, err := storage.Open(dir, opts)
		if err != nil {
			return err
		}
		word := (*uint64)(C.calloc(1, 8))
		genWords.Store(db, word)
		db.SetGenMirror(word)
		*out = C.uint64_t(cgo.NewHandle(db))
		return nil
	})
}

// genWords holds each open database's read-generation word: C memory
// (outside the Go heap, so Python may read it at any time) that the
// database keeps equal to its read generation (storage.DB.SetGenMirror).
var genWords sync.Map // *storage.DB -> *uint64

// alopex_db_generation sets *out to the address of the database's read
// generation word (a uint64 that stays allocated; after alopex_db_close it
// holds a value no result carries). A point read's
// result that carries a generation (sqlexec/compact.go) may be answered
// again, without calling in, while the word holds that generation.
//
//export alopex_db_generation
func alopex_db_generation(h C.uint64_t, out *C.uintptr_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		db, err := dbOf(h)
		if err != nil {
			return err
		}
		w, ok := genWords.Load(db)
		if !ok {
			return core.Errorf(core.KindInternal, "database handle %d has no generation word", uint64(h))
		}
		*out = C.uintptr_t(uintptr(unsafe.Pointer(w.(*uint64))))
		return nil
	})
}

func dbOf(h C.uint64_t) (*storage.DB, error) {
	db, ok := cgo.Handle(h).Value().(*storage.DB)
	if !ok {
		return nil, core.Errorf(core.KindInternal, "handle %d is not a database", uint64(h))
	}
	return db, nil
}

// alopex_db_close closes the database and frees its handle; sessions on it
// must be released first.
//
//export alopex_db_close
func alopex_db_close(h C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		db, err := dbOf(h)
		if err != nil {
			return err
		}
		cgo.Handle(h).Delete()
		err = db.Close()
		if w, ok := genWords.LoadAndDelete(db); ok {
			// The word is not freed: a Python thread that passed its
			// closed-check just before may still read it. It is left
			// holding a value no result carries (8 bytes per database
			// opened and closed).
			db.SetGenMirror(nil)
			*w.(*uint64) = math.MaxUint64
		}
		return err
	})
}

// alopex_session_new opens a session on a database: an autocommit
// connection (begin 0) or a transaction its caller commits or rolls back
// (begin 1).
//
//export alopex_session_new
func alopex_session_new(dbh C.uint64_t, begin C.int, out *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		db, err := dbOf(dbh)
		if err != nil {
			return err
		}
		s := sqlexec.NewSession(db)
		if begin != 0 {
			if s, err = sqlexec.BeginSession(db); err != nil {
				return err
			}
		}
		*out = C.uint64_t(cgo.NewHandle(s))
		return nil
	})
}

func sessionOf(h C.uint64_t) (*sqlexec.Session, error) {
	s, ok := cgo.Handle(h).Value().(*sqlexec.Session)
	if !ok {
		return nil, core.Errorf(core.KindInternal, "handle %d is not a database session", uint64(h))
	}
	return s, nil
}

// alopex_session_release rolls back the session's open transaction, if
// any, and frees its handle.
//
//export alopex_session_release
func alopex_session_release(h C.uint64_t) {
	defer func() { _ = recover() }()
	if s, err := sessionOf(h); err == nil {
		s.Close()
		cgo.Handle(h).Delete()
	}
}

// alopex_session_end commits (commit 1) or rolls back (commit 0) the
// session's transaction.
//
//export alopex_session_end
func alopex_session_end(h C.uint64_t, commit C.int, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		if commit != 0 {
			return s.Commit()
		}
		return s.Rollback()
	})
}

// alopex_session_exec runs a statement that is not a query. The plan is a
// serialized "sql" node (its text, params and the frames in scope it may
// read); *rows receives the rows it inserted, updated or deleted.
//
//export alopex_session_exec
func alopex_session_exec(h C.uint64_t, plan *C.char, planLen C.size_t, sources *C.uint64_t, nSources C.size_t,
	rows *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		srcs, release, err := planSources(sources, nSources)
		if err != nil {
			return err
		}
		defer release()
		data := C.GoBytes(unsafe.Pointer(plan), C.int(planLen))
		q, tables, params, err := lazy.DecodeSQL(data, srcs, engineEnv)
		if err != nil {
			return err
		}
		n, err := s.Exec(context.Background(), sqlexec.Request{Query: q, Tables: tables, Params: params, Opener: dataframe.Opener{}})
		*rows = C.int64_t(n)
		return err
	})
}

// alopex_session_load writes a table (a handle from alopex_table_import)
// into a stored table in bulk. optsJSON holds {"mode": "create" | "append"
// | "replace", "if_not_exists": bool, "primary_key": [columns]}.
//
//export alopex_session_load
func alopex_session_load(h C.uint64_t, name *C.char, th C.uint64_t, optsJSON *C.char, rows *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		t, err := tableOf(th)
		if err != nil {
			return err
		}
		var o sqlexec.LoadOptions
		if err := json.Unmarshal([]byte(C.GoString(optsJSON)), &o); err != nil {
			return core.Errorf(core.KindInvalidInput, "malformed load options: %v", err)
		}
		n, err := s.Load(C.GoString(name), t.Schema(), t.Batches(), o)
		*rows = C.int64_t(n)
		return err
	})
}

// alopex_session_load_plan is alopex_session_load of a serialized plan (a
// LazyFrame, e.g. a Parquet scan): its rows stream into the table as the
// plan makes them (sqlexec.Session.LoadPlan).
//
//export alopex_session_load_plan
func alopex_session_load_plan(h C.uint64_t, name *C.char, plan *C.char, planLen C.size_t, sources *C.uint64_t, nSources C.size_t,
	optsJSON *C.char, rows *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		var o sqlexec.LoadOptions
		if err := json.Unmarshal([]byte(C.GoString(optsJSON)), &o); err != nil {
			return core.Errorf(core.KindInvalidInput, "malformed load options: %v", err)
		}
		p, release, err := decodePlan(plan, planLen, sources, nSources)
		if err != nil {
			return err
		}
		defer release()
		n, err := s.LoadPlan(context.Background(), C.GoString(name), p, o)
		*rows = C.int64_t(n)
		return err
	})
}

// alopex_session_catalog writes to *out (malloc'd; free with alopex_free)
// the JSON {"tables": [...], "views": [...]} seen by the session.
//
//export alopex_session_catalog
func alopex_session_catalog(h C.uint64_t, out **C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		c, err := s.Catalog()
		if err != nil {
			return err
		}
		b, _ := json.Marshal(c)
		*out = C.CString(string(b))
		return nil
	})
}

// alopex_session_in_transaction sets *out to 1 when the session has an
// open transaction.
//
//export alopex_session_in_transaction
func alopex_session_in_transaction(h C.uint64_t, out *C.int, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		*out = 0
		if s.InTransaction() {
			*out = 1
		}
		return nil
	})
}

// decodeParams decodes the values of ? placeholders, packed as
// db_params.go describes.
func decodeParams(params *C.char, paramsLen C.size_t) ([]lazy.Expr, error) {
	if paramsLen == 0 {
		return nil, nil
	}
	return decodePackedParams(unsafe.Slice((*byte)(unsafe.Pointer(params)), int(paramsLen)))
}

// resultBufs recycles the Go buffers results are encoded into: a point
// read then allocates no encoding buffer at all.
var resultBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// alopex_session_execute runs one statement (the cursor API): params holds
// the values of its ? placeholders (db_params.go). The result, in the
// compact encoding of sqlexec (compact.go), is written to buf (bufCap
// bytes, owned by the caller, reused across calls) when it fits, and *out
// is then NULL; otherwise *out receives a malloc'd copy (free with
// alopex_free). *outLen is its length either way.
//
//export alopex_session_execute
func alopex_session_execute(h C.uint64_t, query *C.char, queryLen C.size_t, params *C.char, paramsLen C.size_t,
	buf *C.char, bufCap C.size_t, out **C.char, outLen *C.size_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		*out = nil
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		ps, err := decodeParams(params, paramsLen)
		if err != nil {
			return err
		}
		res, err := s.Execute(context.Background(), C.GoStringN(query, C.int(queryLen)), ps, dataframe.Opener{})
		if err != nil {
			return err
		}
		defer res.Release()
		bp := resultBufs.Get().(*[]byte)
		b, err := res.AppendCompact((*bp)[:0])
		if err != nil {
			resultBufs.Put(bp)
			return err
		}
		*outLen = C.size_t(len(b))
		if len(b) <= int(bufCap) {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), len(b)), b)
		} else {
			*out = (*C.char)(C.CBytes(b))
		}
		if cap(b) <= 1<<20 { // a large result's buffer goes back to the GC
			*bp = b
			resultBufs.Put(bp)
		}
		return nil
	})
}

// alopex_session_executemany runs one statement that changes data once per
// parameter row, in one transaction (sqlexec.Session.ExecuteMany). params
// holds nRows*width values (db_params.go), row after row.
//
//export alopex_session_executemany
func alopex_session_executemany(h C.uint64_t, query *C.char, queryLen C.size_t, params *C.char, paramsLen C.size_t,
	nRows C.size_t, width C.size_t, rows *C.int64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		s, err := sessionOf(h)
		if err != nil {
			return err
		}
		flat, err := decodeParams(params, paramsLen)
		if err != nil {
			return err
		}
		n, w := int(nRows), int(width)
		if len(flat) != n*w {
			return core.Errorf(core.KindInvalidInput, "malformed executemany parameters: %d values for %d rows of %d", len(flat), n, w)
		}
		byRow := make([][]lazy.Expr, n)
		for i := range byRow {
			byRow[i] = flat[i*w : (i+1)*w : (i+1)*w]
		}
		k, err := s.ExecuteMany(context.Background(), C.GoStringN(query, C.int(queryLen)), byRow, dataframe.Opener{})
		*rows = C.int64_t(k)
		return err
	})
}
