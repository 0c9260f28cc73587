package main

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
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
	// report is what a query started with flags found out besides its
	// result (alopex_job_report); set before done is closed.
	report *exec.Report
}

// Flags of alopex_query_start_flags.
const (
	queryProfile  = 1 // count rows and time per plan node (LazyFrame.profile, EXPLAIN ANALYZE)
	queryProgress = 2 // count scanned rows as a core.Task named "query#<job>" (alopex_progress)
	queryNotes    = 4 // note the plan's decisions (Python's "alopex" logger at DEBUG)
)

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
	return alopex_query_start_flags(plan, planLen, sources, nSources, 0, jobOut, errOut)
}

// alopex_query_start_flags is alopex_query_start with flags (queryProfile,
// queryProgress, queryNotes): after the job is done, alopex_job_report
// gives what they asked for.
//
//export alopex_query_start_flags
func alopex_query_start_flags(plan *C.char, planLen C.size_t, sources *C.uint64_t, nSources C.size_t,
	flags C.int, jobOut *C.uint64_t, errOut **C.char) C.int {
	return call(errOut, func() error {
		if flags&^(queryProfile|queryProgress|queryNotes) != 0 {
			return core.Errorf(core.KindInvalidInput, "unknown query flags %#x", int(flags))
		}
		start := time.Now()
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
		h := cgo.NewHandle(j)
		var opts *exec.RunOptions
		if flags != 0 {
			opts = &exec.RunOptions{Profile: flags&queryProfile != 0, Notes: flags&queryNotes != 0, Start: start}
			if flags&queryProgress != 0 {
				opts.Progress = fmt.Sprintf("query#%d", uint64(h))
			}
		}
		go j.run(ctx, p, release, opts)
		*jobOut = C.uint64_t(h)
		return nil
	})
}

func (j *job) run(ctx context.Context, p lazy.Plan, release func(), opts *exec.RunOptions) {
	j.runFunc(ctx, func(ctx context.Context) (*core.Table, error) {
		defer func() {
			for _, s := range lazy.Sources(p) {
				if t, ok := s.(*core.Table); ok {
					t.Release()
				}
			}
			release()
		}()
		if opts == nil {
			return exec.Run(ctx, mem, exec.Optimize(p))
		}
		op := exec.Optimize(p)
		opts.Optimized = time.Since(opts.Start) // decoding, resolving and optimizing: Polars' "optimization"
		tbl, rep, err := exec.RunWith(ctx, mem, op, opts)
		j.report = rep // read only after done is closed (alopex_job_report)
		return tbl, err
	})
}

// alopex_job_report writes to *out (malloc'd; free with alopex_free) the
// JSON report of a finished job started with flags: {"nodes": [...],
// "text": "...", "notes": [...]} (exec.Report); "{}" when it has none.
//
//export alopex_job_report
func alopex_job_report(h C.uint64_t, out **C.char, errOut **C.char) C.int {
	return call(errOut, func() error {
		j, err := jobOf(h)
		if err != nil {
			return err
		}
		select {
		case <-j.done:
		default:
			return core.Errorf(core.KindInvalidInput, "the query is still running: wait for it before asking for its report")
		}
		rep := j.report
		if rep == nil {
			rep = &exec.Report{}
		}
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		*out = C.CString(string(b))
		return nil
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
