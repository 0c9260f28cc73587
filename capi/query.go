package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/dataframe"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/alopexdb/alopex/vector"
)

// engineEnv wires the engine's own file formats and SQL front end into plan
// decoding: the planner imports neither (they compile down to it).
var engineEnv = lazy.Env{Opener: dataframe.Opener{}, SQL: sqlexec.Compile}

// job is a query running on its own goroutine, so that the Python caller can
// wait for it in short slices and cancel it on KeyboardInterrupt.
type job struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	result   *core.Table
	err      error
	released bool
}

// planSources turns the source handles Python sends with a plan into
// sources: tables, vector indexes, and database sessions (whose stored
// tables the plan reads in one snapshot, ended by release).
func planSources(sources *C.uint64_t, nSources C.size_t) ([]lazy.Source, func(), error) {
	handles := unsafe.Slice(sources, int(nSources))
	srcs := make([]lazy.Source, len(handles))
	var stmts []*sqlexec.Statement
	release := func() {
		for _, st := range stmts {
			st.Release()
		}
	}
	for i, h := range handles {
		if h != 0 {
			switch v := cgo.Handle(h).Value().(type) {
			case vector.Index:
				srcs[i] = &lazy.VectorIndexSource{Index: v} // attached by a scan's "vector_indexes"
				continue
			case *sqlexec.Session:
				st := v.Statement()
				stmts = append(stmts, st)
				srcs[i] = &lazy.CatalogSource{Catalog: st}
				continue
			}
		}
		t, err := tableOf(h)
		if err != nil {
			release()
			return nil, nil, err
		}
		srcs[i] = t
	}
	return srcs, release, nil
}

// decodePlan decodes a plan; release ends the snapshots of the stored
// tables it reads, after the plan has run.
func decodePlan(plan *C.char, planLen C.size_t, sources *C.uint64_t, nSources C.size_t) (lazy.Plan, func(), error) {
	data := C.GoBytes(unsafe.Pointer(plan), C.int(planLen))
	srcs, release, err := planSources(sources, nSources)
	if err != nil {
		return nil, nil, err
	}
	p, err := lazy.Decode(data, srcs, engineEnv)
	if err != nil {
		release()
		return nil, nil, err
	}
	return p, release, nil
}

// alopex_query_start decodes and resolves a serialized plan (schema errors
// are reported here, before any data is read), then runs it on its own
// goroutine. *jobOut receives a job handle for alopex_job_wait,
// alopex_job_cancel and alopex_job_release.
//
//export alopex_query_start
func alopex_query_start(plan *C.char, planLen C.size_t, sources *C.uint64_t, nSources C.size_t,
	jobOut *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		p, release, err := decodePlan(plan, planLen, sources, nSources)
		if err != nil {
			return err
		}
		// The sources must outlive the query even if Python drops them.
		for _, s := range lazy.Sources(p) {
			if t, ok := s.(*core.Table); ok {
				t.Retain()
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		j := &job{cancel: cancel, done: make(chan struct{})}
		go j.run(ctx, p, release)
		*jobOut = C.uint64_t(cgo.NewHandle(j))
		return nil
	})
}

func (j *job) run(ctx context.Context, p lazy.Plan, release func()) {
	j.runFunc(ctx, func(ctx context.Context) (*core.Table, error) {
		defer func() {
			for _, s := range lazy.Sources(p) {
				if t, ok := s.(*core.Table); ok {
					t.Release()
				}
			}
			release()
		}()
		return exec.Run(ctx, mem, exec.Optimize(p))
	})
}

// runFunc runs fn as the job's work (on the calling goroutine): a panic
// becomes an InternalError, and a result nobody waits for any more is
// released.
func (j *job) runFunc(ctx context.Context, fn func(ctx context.Context) (*core.Table, error)) {
	var (
		res *core.Table
		err error
	)
	defer func() {
		if r := recover(); r != nil {
			err = core.Errorf(core.KindInternal, "internal error: %v", r)
		}
		j.mu.Lock()
		if j.released && res != nil {
			res.Release()
			res = nil
		}
		j.result, j.err = res, err
		j.mu.Unlock()
		close(j.done)
	}()
	res, err = fn(ctx)
}

func jobOf(h C.uint64_t) (*job, error) {
	j, ok := cgo.Handle(h).Value().(*job)
	if !ok {
		return nil, core.Errorf(core.KindInternal, "handle %d is not a job", uint64(h))
	}
	return j, nil
}

// alopex_job_wait waits up to timeoutMs milliseconds for a job. *done is 1
// when it has finished; then *table receives the result table handle (0 and
// an error status when the query failed or was cancelled).
//
//export alopex_job_wait
func alopex_job_wait(h C.uint64_t, timeoutMs C.int, done *C.int, table *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		j, err := jobOf(h)
		if err != nil {
			return err
		}
		*done = 0
		*table = 0
		select {
		case <-j.done:
		default:
			t := time.NewTimer(time.Duration(timeoutMs) * time.Millisecond)
			defer t.Stop()
			select {
			case <-j.done:
			case <-t.C:
				return nil
			}
		}
		*done = 1
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.err != nil {
			return j.err
		}
		if j.result == nil {
			return core.Errorf(core.KindInvalidInput, "the result of this query was already taken")
		}
		*table = C.uint64_t(cgo.NewHandle(j.result))
		j.result = nil
		return nil
	})
}

// alopex_job_cancel asks a running job to stop; it then finishes promptly
// with a Cancelled status.
//
//export alopex_job_cancel
func alopex_job_cancel(h C.uint64_t) {
	defer func() { _ = recover() }()
	if j, err := jobOf(h); err == nil {
		j.cancel()
	}
}

// alopex_job_release cancels the job if it still runs and frees its handle;
// a result nobody took is released when the job finishes.
//
//export alopex_job_release
func alopex_job_release(h C.uint64_t) {
	defer func() { _ = recover() }()
	j, err := jobOf(h)
	if err != nil {
		return
	}
	j.cancel()
	j.mu.Lock()
	j.released = true
	if j.result != nil {
		j.result.Release()
		j.result = nil
	}
	j.mu.Unlock()
	cgo.Handle(h).Delete()
}

// alopex_plan_describe answers questions about a plan without running it:
// what 0 gives the optimized plan text, 1 the plan as written, 2 the output
// schema as JSON [[name, dtype], ...]. *out is malloc'd; free it with alopex_free.
//
//export alopex_plan_describe
func alopex_plan_describe(plan *C.char, planLen C.size_t, sources *C.uint64_t, nSources C.size_t,
	what C.int, out **C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		p, release, err := decodePlan(plan, planLen, sources, nSources)
		if err != nil {
			return err
		}
		defer release()
		var s string
		switch what {
		case 0:
			s = lazy.Explain(exec.Optimize(p))
		case 1:
			s = lazy.Explain(p)
		case 2:
			fields := [][2]string{}
			for _, f := range p.Schema().Fields() {
				fields = append(fields, [2]string{f.Name, core.DTypeName(f.Type)})
			}
			b, _ := json.Marshal(fields)
			s = string(b)
		default:
			return core.Errorf(core.KindInvalidInput, "unknown describe request %d", int(what))
		}
		*out = C.CString(s)
		return nil
	})
}
