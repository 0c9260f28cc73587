package exec

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Seeing what a query does: rows and time per plan node (LazyFrame.profile,
// EXPLAIN ANALYZE), rows scanned for a progress bar, and notes on the plan's
// decisions for Python's "alopex" logger.
//
// Counters are attached when the operators are built, at node boundaries,
// never inside an operator: a node whose operator is its own (an
// aggregate, a sort) is wrapped (profiledOp times its Next), and a node
// fused into a pipeline as row-wise steps (filter, projection, a join's
// probe, a scan's own filter) has those steps wrapped. Without RunOptions
// the builder's prof is nil and nothing is wrapped: profiling off costs one
// nil check per plan node when the plan is built. With them on, each batch
// (a morsel of 64k rows) costs a few atomic adds, shared by the workers of
// a pipeline: far below the work on the batch.

// RunOptions asks RunWith for more than the result.
type RunOptions struct {
	// Profile counts rows, batches and time per plan node.
	Profile bool
	// Notes lists the plan's decisions (join sides, runtime filters,
	// pushdowns, parallelism).
	Notes bool
	// Progress, when set, names a core.Task that counts the rows the
	// scans have read out of the rows their metadata announces.
	Progress string
	// Start is when the query began (before its optimization); the
	// profile's times count from it. Zero: when RunWith starts.
	Start time.Time
	// Optimized is how long the query took before it ran: decoding and
	// optimizing its plan (the profile's "optimization" row, as Polars
	// reports it).
	Optimized time.Duration
}

// Report is what RunWith found out besides the result.
type Report struct {
	// Nodes are the plan's nodes root first, depth first, when profiled.
	Nodes []ProfileNode `json:"nodes,omitempty"`
	// Text is the plan as lazy.Explain prints it with each node's
	// counters: EXPLAIN ANALYZE's answer.
	Text  string   `json:"text,omitempty"`
	Notes []string `json:"notes,omitempty"`
	// PlanningUs is how long the query took before it ran (RunOptions.Optimized).
	PlanningUs int64 `json:"planning_us"`
}

// ProfileNode is one plan node's counters. Times are microseconds; Start
// and End count from the query's start (first and last moment the node
// worked). TimeUs is inclusive (the node and its inputs), SelfUs the node
// alone. The time of steps fused into a parallel pipeline is summed over
// the workers that ran them, so an input's time can pass the wall time of
// the operator reading it; SelfUs is then never below 0.
type ProfileNode struct {
	ID      int    `json:"id"`
	Parent  int    `json:"parent"` // -1 for the root
	Depth   int    `json:"depth"`
	Node    string `json:"node"`
	Rows    int64  `json:"rows"`
	Batches int64  `json:"batches"`
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	TimeUs  int64  `json:"time_us"`
	SelfUs  int64  `json:"self_us"`
	// Measured is false for a node without counters of its own: one the
	// executor did not build on its own (the second reader of a cached
	// subplan shares the first one's operators).
	Measured bool `json:"measured"`
}

// RunWith is Run that also profiles, tracks progress or notes decisions as
// opts asks (nil: as Run).
func RunWith(ctx context.Context, out memory.Allocator, p lazy.Plan, opts *RunOptions) (tbl *core.Table, rep *Report, err error) {
	if opts == nil || (!opts.Profile && !opts.Notes && opts.Progress == "") {
		tbl, err = Run(ctx, out, p)
		return tbl, nil, err
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Now()
	}
	pr := &profiler{profile: opts.Profile, notes: opts.Notes, t0: start,
		nodes: map[lazy.Plan]*nodeStats{}, claimed: map[any]int{}}
	if opts.Progress != "" {
		pr.task = core.StartTask(opts.Progress, ScanRows(p))
		defer pr.task.End()
	}
	tbl, err = runProfiled(ctx, out, p, pr)
	if err != nil {
		return nil, nil, err
	}
	rep = &Report{PlanningUs: opts.Optimized.Microseconds()}
	if opts.Profile {
		rep.Nodes = pr.report(p)
		rep.Text = renderProfile(rep.Nodes, opts.Optimized)
	}
	if opts.Notes {
		rep.Notes = append(PlanNotes(p), pr.buildNotes...)
	}
	return tbl, rep, nil
}

// ScanRows is the number of rows the plan's scans read, as their sources'
// metadata tells before reading (Parquet row groups left after statistics,
// in-memory batches); a stored table's scan counts 0 (unknown).
func ScanRows(p lazy.Plan) int64 {
	var total int64
	seen := map[int]bool{}
	var walk func(p lazy.Plan)
	walk = func(p lazy.Plan) {
		switch n := p.(type) {
		case *lazy.Cache:
			if seen[n.ID] {
				return
			}
			seen[n.ID] = true
		case *lazy.Scan:
			switch src := n.Source.(type) {
			case lazy.PartitionedSource:
				for _, i := range lazy.PiecesToRead(src, n.Predicate) {
					total += src.PieceRows(i)
				}
			case lazy.MemorySource:
				for _, rb := range src.Batches() {
					total += rb.NumRows()
				}
			}
			return
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(p)
	return total
}

type nodeStats struct {
	rows, batches, nanos atomic.Int64
	first, last          atomic.Int64 // ns since t0; first starts at MaxInt64
	op                   bool         // timed around an operator's Next: inclusive time
	scanned              bool         // a scan already profiled by partitionedScan
}

type profiler struct {
	profile, notes bool
	t0             time.Time
	task           *core.Task
	nodes          map[lazy.Plan]*nodeStats
	// claimed is, per operator holding row-wise steps (pipeline, mapOp,
	// crossJoin), how many of its steps belong to nodes already profiled:
	// the steps after them are the node being attached's.
	claimed    map[any]int
	buildNotes []string
}

func (pr *profiler) stats(p lazy.Plan) *nodeStats {
	st := pr.nodes[p]
	if st == nil {
		st = &nodeStats{}
		st.first.Store(math.MaxInt64)
		pr.nodes[p] = st
	}
	return st
}

// attach profiles the operator just built for node p and returns the
// operator to use in its place.
func (pr *profiler) attach(p lazy.Plan, op Operator) Operator {
	if s, ok := p.(*lazy.Scan); ok {
		if st := pr.nodes[p]; st != nil && st.scanned {
			return op
		}
		return pr.scanned(s, op, nil)
	}
	if !pr.profile {
		return op
	}
	return pr.claim(pr.stats(p), op)
}

// claim gives node st the steps of op no input claimed, or wraps op.
// Operators that parents fuse steps into are never wrapped: that would
// change how the query runs (consume drains a bare pipeline on all cores).
func (pr *profiler) claim(st *nodeStats, op Operator) Operator {
	switch o := op.(type) {
	case *pipeline:
		if o.limit < 0 {
			o.fns = pr.claimFns(st, o, o.fns)
			return op
		}
	case *mapOp:
		o.fns = pr.claimFns(st, o, o.fns)
		return op
	case *crossJoin:
		o.fns = pr.claimFns(st, o, o.fns)
		return op
	}
	st.op = true
	return &profiledOp{Operator: op, st: st, pr: pr}
}

func passThrough(rb arrow.RecordBatch) (arrow.RecordBatch, error) { return rb, nil }

func (pr *profiler) claimFns(st *nodeStats, holder any, fns []batchFn) []batchFn {
	k := pr.claimed[holder]
	if k >= len(fns) { // the node added no step of its own: count what passes
		fns = append(fns, passThrough)
	}
	last := len(fns) - 1
	for i := k; i <= last; i++ {
		fns[i] = pr.timed(st, fns[i], i == last)
	}
	pr.claimed[holder] = len(fns)
	return fns
}

// timed wraps one step of node st; the node's last step counts its rows.
func (pr *profiler) timed(st *nodeStats, fn batchFn, last bool) batchFn {
	return func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		t := time.Now()
		out, err := fn(rb)
		pr.span(st, t)
		if last && out != nil {
			st.rows.Add(out.NumRows())
			st.batches.Add(1)
		}
		return out, err
	}
}

// span adds the time since t to st.
func (pr *profiler) span(st *nodeStats, t time.Time) {
	now := time.Now()
	st.nanos.Add(int64(now.Sub(t)))
	a, b := int64(t.Sub(pr.t0)), int64(now.Sub(pr.t0))
	for f := st.first.Load(); a < f && !st.first.CompareAndSwap(f, a); f = st.first.Load() {
	}
	for l := st.last.Load(); b > l && !st.last.CompareAndSwap(l, b); l = st.last.Load() {
	}
}

// scanned profiles scan s, whose operator op is a fresh pipeline (any
// other operator is profiled as a whole). rowsOf, when set, is the rows
// the source announces for morsel i (progress counts them as each is
// read, even when a runtime filter skips it); without it progress counts
// the rows of each morsel read.
func (pr *profiler) scanned(s *lazy.Scan, op Operator, rowsOf func(i int) int64) Operator {
	p, ok := op.(*pipeline)
	if !ok {
		if pr.profile {
			return pr.claim(pr.stats(s), op)
		}
		return op
	}
	st := pr.stats(s)
	st.scanned = true
	if pr.task != nil {
		task := pr.task
		if rowsOf != nil && p.load != nil {
			load := p.load
			p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
				rb, err := load(ctx, i)
				task.Add(rowsOf(i))
				return rb, err
			}
		} else {
			p.fns = append([]batchFn{func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
				task.Add(rb.NumRows())
				return rb, nil
			}}, p.fns...)
		}
	}
	if pr.notes {
		workers := runtime.GOMAXPROCS(0)
		if n := p.numMorsels(); n >= 0 {
			pr.buildNotes = append(pr.buildNotes, fmt.Sprintf("scan %s: %d morsel(s) on %d worker(s)",
				s.Source.Name(), n, max(1, min(workers, n))))
		} else {
			pr.buildNotes = append(pr.buildNotes, fmt.Sprintf("scan %s: streamed in morsels of %d rows on %d worker(s)",
				s.Source.Name(), MorselRows, workers))
		}
	}
	if !pr.profile {
		return op
	}
	if p.load != nil { // reading the source is the scan's work too
		load := p.load
		p.load = func(ctx context.Context, i int) (arrow.RecordBatch, error) {
			t := time.Now()
			rb, err := load(ctx, i)
			pr.span(st, t)
			return rb, err
		}
	}
	return pr.claim(st, op)
}

// profiledOp times an operator's Next and counts what it returns.
type profiledOp struct {
	Operator
	st *nodeStats
	pr *profiler
}

func (o *profiledOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	t := time.Now()
	rb, err := o.Operator.Next(ctx)
	o.pr.span(o.st, t)
	if rb != nil {
		o.st.rows.Add(rb.NumRows())
		o.st.batches.Add(1)
	}
	return rb, err
}

// report lists the plan's nodes root first with their counters.
func (pr *profiler) report(root lazy.Plan) []ProfileNode {
	var out []ProfileNode
	var walk func(p lazy.Plan, parent, depth int) int64 // returns inclusive ns
	walk = func(p lazy.Plan, parent, depth int) int64 {
		id := len(out)
		out = append(out, ProfileNode{ID: id, Parent: parent, Depth: depth, Node: lazy.Describe(p)})
		var children int64
		for _, c := range p.Children() {
			children += walk(c, id, depth+1)
		}
		n := &out[id]
		st := pr.nodes[p]
		var self, incl int64
		switch {
		case st == nil:
			incl = children
		case st.op:
			incl = st.nanos.Load()
			self = max(0, incl-children)
		default:
			self = st.nanos.Load()
			incl = self + children
		}
		if st != nil {
			n.Measured = true
			n.Rows, n.Batches = st.rows.Load(), st.batches.Load()
			if f := st.first.Load(); f != math.MaxInt64 {
				n.Start, n.End = f/1000, st.last.Load()/1000
			}
		}
		n.TimeUs, n.SelfUs = incl/1000, self/1000
		return incl
	}
	walk(root, -1, 0)
	return out
}

// renderProfile prints the plan tree as lazy.Explain does, each node with
// its counters.
func renderProfile(nodes []ProfileNode, optimized time.Duration) string {
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(strings.Repeat("  ", n.Depth))
		b.WriteString(n.Node)
		if n.Measured {
			fmt.Fprintf(&b, "  (actual rows=%d batches=%d time=%s self=%s)", n.Rows, n.Batches, ms(n.TimeUs), ms(n.SelfUs))
		} else {
			b.WriteString("  (not measured separately)")
		}
		b.WriteByte('\n')
	}
	if len(nodes) > 0 {
		planning := optimized.Microseconds()
		fmt.Fprintf(&b, "planning %s, execution %s\n", ms(planning), ms(max(0, nodes[0].End-planning)))
	}
	return b.String()
}

func ms(us int64) string { return fmt.Sprintf("%.3fms", float64(us)/1000) }

// PlanNotes describes the decisions in an optimized plan: which input each
// join hashes, the runtime filters, what was pushed into scans.
func PlanNotes(p lazy.Plan) []string {
	var notes []string
	var walk func(p lazy.Plan)
	walk = func(p lazy.Plan) {
		switch n := p.(type) {
		case *lazy.Join:
			if n.Type != lazy.JoinCross {
				hashed, streamed := n.Right, "left"
				if !n.ProbesLeft() {
					hashed, streamed = n.Left, "right"
				}
				side := "right"
				if streamed == "right" {
					side = "left"
				}
				notes = append(notes, fmt.Sprintf("join on %s = %s: hashes the %s input (estimated %d rows), streams the %s one",
					exprs(n.LeftOn), exprs(n.RightOn), side, lazy.EstimateRows(hashed), streamed))
			}
			if n.RuntimeFilterID != 0 {
				notes = append(notes, fmt.Sprintf("join on %s: runtime filter #%d built from the hashed input's keys",
					exprs(n.LeftOn), n.RuntimeFilterID))
			}
		case *lazy.RuntimeFilter:
			notes = append(notes, fmt.Sprintf("runtime filter #%d applied to %s on %s",
				n.ID, inputName(n.Input), exprs(n.Keys)))
		case *lazy.Scan:
			name := n.Source.Name()
			if n.Predicate != nil {
				notes = append(notes, fmt.Sprintf("scan %s: predicate pushed down: %s", name, n.Predicate))
			}
			if n.Columns != nil {
				notes = append(notes, fmt.Sprintf("scan %s: projection pushed down: reads %d of %d columns",
					name, len(lazy.ReadColumns(n)), n.Source.Schema().NumFields()))
			}
			if n.Limit >= 0 {
				notes = append(notes, fmt.Sprintf("scan %s: limit %d pushed down", name, n.Limit))
			}
			if ps, ok := n.Source.(lazy.PartitionedSource); ok && n.Predicate != nil {
				notes = append(notes, fmt.Sprintf("scan %s: statistics leave %d of %d row groups to read",
					name, len(lazy.PiecesToRead(ps, n.Predicate)), ps.NumPieces()))
			}
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(p)
	return notes
}

func exprs(es []lazy.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func inputName(p lazy.Plan) string {
	if s, ok := p.(*lazy.Scan); ok {
		return "scan " + s.Source.Name()
	}
	return strings.Fields(lazy.Describe(p) + " input")[0]
}
