package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Dates and times: the Expr.dt namespace and the functions the planner
// builds for temporal + and - (lazy/fn_datetime.go's temporalArith). Dates
// are Date32 (days since 1970-01-01), datetimes Timestamps with a unit,
// durations Durations; Polars' semantics.

var (
	i8  = arrow.PrimitiveTypes.Int8
	i16 = arrow.PrimitiveTypes.Int16
	i32 = arrow.PrimitiveTypes.Int32
)

var datetimeFunctions = []*Scalar{
	datePart("year", i32, false), datePart("month", i8, false), datePart("day", i8, false),
	datePart("weekday", i8, false), datePart("quarter", i8, false), datePart("ordinal_day", i16, false),
	datePart("week", i8, false), datePart("hour", i8, true), datePart("minute", i8, true),
	datePart("second", i8, true), datePart("millisecond", i32, true), datePart("microsecond", i32, true),
	datePart("date", arrow.FixedWidthTypes.Date32, false),
	dateInterval("truncate", "every", kernels.TemporalTruncate),
	dateInterval("offset_by", "by", kernels.TemporalOffset),
	{Name: "dt.total", MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Python: []string{"Expr.dt.total_days", "Expr.dt.total_hours", "Expr.dt.total_minutes", "Expr.dt.total_seconds",
			"Expr.dt.total_milliseconds", "Expr.dt.total_microseconds"},
		Type: func(b *Binding) error {
			if t := b.Args[0].DataType(); t.ID() != arrow.DURATION {
				return core.Errorf(core.KindCompute, "dt.total_* needs a Duration, got %s", core.DTypeName(t))
			}
			switch u := b.Opts.String("unit", ""); u {
			case "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds":
			default:
				return core.Errorf(core.KindInvalidInput, "unknown duration unit %q", u)
			}
			b.Out = i64
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.DurationTotal(mem, a, c.Opts.String("unit", ""))
		})},
	temporalOp("temporal_add", func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		return kernels.AddDuration(mem, c.Type, args[0], args[1], n, 1)
	}),
	temporalOp("temporal_sub", func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		return kernels.AddDuration(mem, c.Type, args[0], args[1], n, -1)
	}),
	temporalOp("temporal_diff", func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		return kernels.TemporalDiff(mem, c.Type.(*arrow.DurationType), args[0], args[1], n)
	}),
	temporalOp("duration_add", func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		return kernels.DurationArith(mem, c.Type, args[0], args[1], n, 1)
	}),
	temporalOp("duration_sub", func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
		return kernels.DurationArith(mem, c.Type, args[0], args[1], n, -1)
	}),
}

func isDateLike(t arrow.DataType) bool {
	return t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP || t.ID() == arrow.DATE64
}

// datePart is Expr.dt.<part>: a part of a date or datetime (needsTime: of a
// datetime only) as type out.
func datePart(part string, out arrow.DataType, needsTime bool) *Scalar {
	return &Scalar{
		Name: "dt." + part, Python: []string{"Expr.dt." + part}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !isDateLike(t) || (needsTime && t.ID() != arrow.TIMESTAMP) {
				want := "a Date or Datetime"
				if needsTime {
					want = "a Datetime"
				}
				return core.Errorf(core.KindCompute, "%s needs %s, got %s", b.Name, want, core.DTypeName(t))
			}
			b.Out = out
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.TemporalPart(mem, a, part, c.Type)
		}),
	}
}

// dateInterval is Expr.dt.<method>(interval): the interval (a Polars
// duration string, option key) applied to each date or datetime by f.
func dateInterval(method, key string, f func(mem memory.Allocator, a arrow.Array, months, days, micros int64) arrow.Array) *Scalar {
	return &Scalar{
		Name: "dt." + method, Python: []string{"Expr.dt." + method}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !isDateLike(t) {
				return core.Errorf(core.KindCompute, "%s needs a Date or Datetime, got %s", b.Name, core.DTypeName(t))
			}
			if _, _, _, err := ParseInterval(b.Opts.String(key, "")); err != nil {
				return err
			}
			b.Out = t
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			months, days, micros, err := ParseInterval(c.Opts.String(key, ""))
			if err != nil {
				return nil, err
			}
			return f(mem, a, months, days, micros), nil
		}),
	}
}

// temporalOp is a function the planner builds for + or - on temporal
// operands, already typed there; it is never called by name.
func temporalOp(name string, eval Eval) *Scalar {
	return &Scalar{
		Name: name, Internal: true, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			return core.Errorf(core.KindInternal, "%s is planned by the +/- operators only", name)
		},
		Eval: eval,
	}
}
