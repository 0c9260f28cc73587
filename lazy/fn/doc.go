// Package fn is the function registry: each scalar function the DataFrame
// API and SQL can call is one Scalar entry, defined once — its name in the
// plan, the Python method that builds it, the SQL names that call it with
// the same arguments and meaning, its type rule, what it does with nulls,
// and its evaluator over the typed kernels. Each order-dependent function
// (cum_sum, shift, diff, rank, SQL's framed aggregates) is one Window
// entry the same way, with an evaluator over a batch's ordered partitions.
// Each aggregate (sum, mean, … in group_by().agg()) is one Aggregate entry:
// its name in the plan (lazy.Agg's Func), Python methods (Expr.sum, ax.sum,
// GroupBy.sum), SQL names with the parameter each passes (STDDEV_SAMP is
// std with ddof 1), arity, parameters, Polars' type rule, its null rule and
// the constructor of its per-group state.
//
// The planner (package lazy) types a call with the entry's rule and casts
// the arguments as the rule asks; the executor (lazy/exec) runs the
// entry's evaluator; the SQL front end (sqlexec) maps SQL names to entries
// and reads their null rules. This package sits below all three (it imports
// only core and the kernels), so each imports it directly: no entry depends
// on an init function or a blank import having run.
//
// Adding a function is one file here (or an entry in a family's file), its
// Python method and its tests; the registry test checks that every Python
// method, SQL name and documented function maps to an entry.
//
// Families: strings.go (the Expr.str namespace), lists.go (str.split and the
// Expr.list namespace), datetime.go (the Expr.dt namespace, temporal + and -),
// math.go, nulls.go (fill_null, coalesce, fill_nan, when), isin.go,
// vectors.go (the Expr.vec namespace), sqlnum.go (MySQL's reading of numbers
// in strings), sqlint.go and sqldecimal.go (MySQL's checked integer and
// exact decimal arithmetic); window.go and window_frame.go, the window
// functions; aggregate.go, the aggregates, whose per-group states
// (aggstate.go: the AggState interface, as DataFusion's GroupsAccumulator)
// are in agg_sum.go (sum, count, len), agg_decimal.go (exact decimal sums),
// agg_moments.go (mean, std, var), agg_minmax.go (min, max, any, all),
// agg_firstlast.go, agg_quantile.go and agg_select.go (median, quantile),
// agg_nunique.go, agg_corr.go (corr, cov) and agg_topk.go (top_k,
// bottom_k). The executor groups the rows, drives the states through
// AggState only and merges its workers' states; what a state needs of it
// (row encoding, the worker pool) it passes in as an AggEnv.
package fn
