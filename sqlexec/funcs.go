package sqlexec

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

var date32 = arrow.FixedWidthTypes.Date32

func dateLit(days int64) lazy.Expr { return &lazy.Literal{Value: days, Type: date32} }

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func timestampLit(us int64) lazy.Expr {
	return &lazy.Literal{Value: us, Type: &arrow.TimestampType{Unit: arrow.Microsecond}}
}

// timestampLayouts are the texts a TIMESTAMP literal may have, as in MySQL:
// a date alone is its midnight (TPC-H writes timestamp '1993-07-01').
var timestampLayouts = []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", "2006-01-02 15:04", "2006-01-02"}

// parseTimestamp reads a TIMESTAMP literal's text as microseconds since
// the epoch.
func parseTimestamp(s string) (int64, error) {
	for _, layout := range timestampLayouts {
		if ts, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return ts.Sub(epoch).Microseconds(), nil
		}
	}
	return 0, core.Errorf(core.KindInvalidInput, "invalid TIMESTAMP literal '%s': use 'YYYY-MM-DD hh:mm:ss' or 'YYYY-MM-DD'", s)
}

func parseDate(s string) (int64, error) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, core.Errorf(core.KindInvalidInput, "invalid date literal '%s': use YYYY-MM-DD", s)
	}
	return int64(d.Sub(epoch).Hours() / 24), nil
}

func (t *translator) args(x *ast.FuncCallExpr, min, max int) ([]lazy.Expr, error) {
	if len(x.Args) < min || (max >= 0 && len(x.Args) > max) {
		want := strconv.Itoa(min)
		if max != min {
			want = fmt.Sprintf("%d to %d", min, max)
			if max < 0 {
				want = fmt.Sprintf("at least %d", min)
			}
		}
		return nil, core.Errorf(core.KindInvalidInput, "%s takes %s argument(s), got %d (in %s)",
			sqlFuncName(x), want, len(x.Args), restore(x))
	}
	return t.exprs(x.Args)
}

// sqlFuncName is the name a function call is written with: the parser
// calls INSERT(…) and CHAR(…) INSERT_FUNC and CHAR_FUNC.
func sqlFuncName(x *ast.FuncCallExpr) string {
	switch x.FnName.L {
	case ast.InsertFunc:
		return "INSERT"
	case ast.CharFunc:
		return "CHAR"
	}
	return strings.ToUpper(x.FnName.O)
}

func strLit(e lazy.Expr) (string, bool) {
	if l, ok := e.(*lazy.Literal); ok {
		s, ok := l.Value.(string)
		return s, ok
	}
	return "", false
}

func intLit(e lazy.Expr) (int64, bool) {
	if u, ok := e.(*lazy.Unary); ok && u.Op == lazy.OpNeg {
		v, ok := intLit(u.X)
		return -v, ok
	}
	if l, ok := e.(*lazy.Literal); ok {
		switch v := l.Value.(type) {
		case int64:
			return v, true
		case uint64:
			return int64(v), v <= 1<<62
		case string:
			i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return i, err == nil
		}
	}
	return 0, false
}

func (t *translator) funcCall(x *ast.FuncCallExpr) (lazy.Expr, error) {
	name := x.FnName.L
	if f, ok := fn.LookupSQL(name); ok { // the same arguments and meaning
		args, err := t.args(x, f.MinArgs, f.MaxArgs)
		if err != nil {
			return nil, err
		}
		return call(f.Name, nil, args...), nil
	}
	switch name {
	case ast.DateLiteral:
		s, ok := x.Args[0].(interface{ GetString() string })
		if !ok {
			return nil, notSupported("DATE literal %s", restore(x))
		}
		days, err := parseDate(s.GetString())
		if err != nil {
			return nil, err
		}
		return dateLit(days), nil
	case ast.TimestampLiteral:
		s, ok := x.Args[0].(interface{ GetString() string })
		if !ok {
			return nil, notSupported("TIMESTAMP literal %s", restore(x))
		}
		us, err := parseTimestamp(s.GetString())
		if err != nil {
			return nil, err
		}
		return timestampLit(us), nil
	case "curdate", "current_date":
		now := time.Now()
		d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		return dateLit(int64(d.Sub(epoch).Hours() / 24)), nil
	case "date_add", "adddate", "date_sub", "subdate":
		return t.dateAdd(x, name == "date_sub" || name == "subdate")
	case "extract":
		if len(x.Args) != 2 {
			return nil, core.Errorf(core.KindInvalidInput, "EXTRACT takes a unit and a value (in %s)", restore(x))
		}
		unit, ok := x.Args[0].(*ast.TimeUnitExpr)
		if !ok {
			return nil, notSupported("EXTRACT unit in %s", restore(x))
		}
		v, err := t.expr(x.Args[1])
		if err != nil {
			return nil, err
		}
		return datePart(unit.Unit.String(), v, x)
	case "year", "month", "day", "dayofmonth", "quarter", "hour", "minute", "second":
		a, err := t.args(x, 1, 1)
		if err != nil {
			return nil, err
		}
		unit := strings.ToUpper(name)
		if name == "dayofmonth" {
			unit = "DAY"
		}
		return datePart(unit, a[0], x)
	case "substring", "substr", "mid":
		return t.substring(x)
	case "concat":
		a, err := t.args(x, 1, -1)
		if err != nil {
			return nil, err
		}
		var out lazy.Expr
		for _, e := range a {
			if typ := t.typeOf(e); typ != nil && !core.IsString(typ) && typ.ID() != arrow.NULL {
				e = &lazy.Cast{X: e, To: arrow.BinaryTypes.String, Strict: true}
			}
			if out == nil {
				out = e
			} else {
				out = bin(lazy.OpAdd, out, e)
			}
		}
		return out, nil
	case "trim", "ltrim", "rtrim":
		return t.trim(x)
	case "replace":
		a, err := t.args(x, 3, 3)
		if err != nil {
			return nil, err
		}
		return call("str.replace_all", map[string]any{"literal": true}, a...), nil
	case "left", "right":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, err
		}
		n, ok := intLit(a[1])
		if !ok || n < 0 {
			return nil, notSupported("%s with a length that is not a non-negative integer constant (in %s)", strings.ToUpper(name), restore(x))
		}
		fn := "str.head"
		if name == "right" {
			fn = "str.tail"
		}
		return call(fn, nil, a[0], dyn(n)), nil
	case "abs":
		a, err := t.args(x, 1, 1)
		if err != nil {
			return nil, err
		}
		// MySQL's ABS is over BIGINT and the least BIGINT's absolute value
		// is out of range (an error), where Polars' abs wraps.
		v := a[0]
		if typ := t.typeOf(v); typ != nil && core.IsInteger(typ) && !core.IsUnsigned(typ) && typ.ID() != arrow.INT64 {
			v = &lazy.Cast{X: v, To: arrow.PrimitiveTypes.Int64, Strict: true}
		}
		return call("abs", map[string]any{"checked": true}, v), nil
	case "round":
		a, err := t.args(x, 1, 2)
		if err != nil {
			return nil, err
		}
		decimals := int64(0)
		if len(a) == 2 {
			d, ok := intLit(a[1])
			if !ok {
				return nil, notSupported("ROUND with a number of decimals that is not an integer constant (in %s)", restore(x))
			}
			decimals = d
		}
		if decimals < 0 {
			return t.roundLeft(a[0], decimals, x)
		}
		if text, ok := decimalText(x.Args[0]); ok {
			// An exact literal rounds exactly, as MySQL's DECIMAL: 1.005 is
			// 1.00499… as a float, and ROUND(1.005, 2) must be 1.01.
			if r, ok := roundDecimal(text, decimals); ok {
				return floatLit(r), nil
			}
		}
		return call("round", map[string]any{"decimals": decimals, "mode": "half_away_from_zero"}, a[0]), nil
	case "mod":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, err
		}
		return mysqlMod(a[0], a[1]), nil
	case "pow", "power":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, err
		}
		// MySQL: always DOUBLE (POW(2, -1) is 0.5, POW(2, 3) is 8 as a double).
		f := arrow.PrimitiveTypes.Float64
		return call("pow", nil, &lazy.Cast{X: a[0], To: f, Strict: true}, &lazy.Cast{X: a[1], To: f, Strict: true}), nil
	case "sqrt":
		a, err := t.args(x, 1, 1)
		if err != nil {
			return nil, err
		}
		// MySQL: the square root of a negative number is null.
		return when(call("sqrt", nil, a[0]), bin(lazy.OpLt, a[0], dyn(0)), nullLit()), nil
	case "ln", "log":
		a, err := t.args(x, 1, 2)
		if err != nil {
			return nil, err
		}
		if len(a) == 2 { // LOG(base, x)
			return when(bin(lazy.OpTrueDiv, call("log", nil, a[1]), call("log", nil, a[0])),
				bin(lazy.OpLtEq, a[1], dyn(0)), nullLit(), bin(lazy.OpLtEq, a[0], dyn(1)), nullLit()), nil
		}
		// MySQL: the logarithm of zero or a negative number is null.
		return when(call("log", nil, a[0]), bin(lazy.OpLtEq, a[0], dyn(0)), nullLit()), nil
	case "ifnull":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, err
		}
		return call("coalesce", nil, a...), nil
	case "nullif":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, err
		}
		return when(a[0], bin(lazy.OpEq, a[0], a[1]), nullLit()), nil
	case "if":
		a, err := t.args(x, 3, 3)
		if err != nil {
			return nil, err
		}
		return when(a[2], t.truth(a[0]), a[1]), nil
	}
	if e, ok, err := t.mysqlFunc(x, name); ok {
		return e, err
	}
	if fn, ok := vectorFunctions[name]; ok {
		return t.vectorCall(x, fn)
	}
	return nil, notSupported("the SQL function %s is not supported (in %s)", strings.ToUpper(x.FnName.O), restore(x))
}

// datePart is EXTRACT(unit FROM v) and YEAR(v), MONTH(v), ….
func datePart(unit string, v lazy.Expr, x ast.Node) (lazy.Expr, error) {
	fn := map[string]string{"YEAR": "dt.year", "MONTH": "dt.month", "DAY": "dt.day", "QUARTER": "dt.quarter",
		"HOUR": "dt.hour", "MINUTE": "dt.minute", "SECOND": "dt.second", "WEEK": "sql.week"}[unit]
	if fn == "" {
		return nil, notSupported("the date part %s is not supported (in %s)", unit, restore(x))
	}
	return call(fn, nil, v), nil
}

// dateAdd is DATE_ADD / DATE_SUB and date ± INTERVAL n unit. With a
// constant date and amount it is folded to a date constant.
func (t *translator) dateAdd(x *ast.FuncCallExpr, sub bool) (lazy.Expr, error) {
	if len(x.Args) != 3 {
		return nil, notSupported("%s without an INTERVAL (in %s)", strings.ToUpper(x.FnName.O), restore(x))
	}
	return t.addInterval(x, x.Args[0], x.Args[1], x.Args[2], sub)
}

// addInterval is date + amount unit (minus when sub): DATE_ADD's and
// TIMESTAMPADD's meaning.
func (t *translator) addInterval(x *ast.FuncCallExpr, date, amountNode, unitNode ast.ExprNode, sub bool) (lazy.Expr, error) {
	unit, ok := unitNode.(*ast.TimeUnitExpr)
	if !ok {
		return nil, notSupported("interval unit in %s", restore(x))
	}
	v, err := t.expr(date)
	if err != nil {
		return nil, err
	}
	amount, err := t.expr(amountNode)
	if err != nil {
		return nil, err
	}
	n, ok := intLit(amount)
	if !ok {
		return nil, notSupported("an INTERVAL whose amount is not an integer constant (in %s)", restore(x))
	}
	if sub {
		n = -n
	}
	var months, days int64
	var suffix string
	switch unit.Unit {
	case ast.TimeUnitYear:
		months, suffix = 12*n, fmt.Sprintf("%dy", n)
	case ast.TimeUnitQuarter:
		months, suffix = 3*n, fmt.Sprintf("%dq", n)
	case ast.TimeUnitMonth:
		months, suffix = n, fmt.Sprintf("%dmo", n)
	case ast.TimeUnitWeek:
		days, suffix = 7*n, fmt.Sprintf("%dw", n)
	case ast.TimeUnitDay:
		days, suffix = n, fmt.Sprintf("%dd", n)
	case ast.TimeUnitHour:
		suffix = fmt.Sprintf("%dh", n)
	case ast.TimeUnitMinute:
		suffix = fmt.Sprintf("%dm", n)
	case ast.TimeUnitSecond:
		suffix = fmt.Sprintf("%ds", n)
	default:
		return nil, notSupported("INTERVAL unit %s (in %s)", unit.Unit.String(), restore(x))
	}
	// An hour, minute or second interval makes a DATE a DATETIME, as in
	// MySQL and DuckDB (DATE '2020-01-01' + INTERVAL 2 HOUR is 02:00 that
	// day); day and larger units keep a DATE a DATE.
	subDay := unit.Unit == ast.TimeUnitHour || unit.Unit == ast.TimeUnitMinute || unit.Unit == ast.TimeUnitSecond
	if lit, ok := v.(*lazy.Literal); ok && lit.Type != nil && lit.Type.ID() == arrow.DATE32 && !subDay {
		d := epoch.AddDate(0, 0, int(lit.Value.(int64)))
		d = addMonthsClamped(d, int(months)).AddDate(0, 0, int(days))
		return dateLit(int64(d.Sub(epoch).Hours() / 24)), nil
	}
	if s, ok := strLit(v); ok { // '1995-01-01' + INTERVAL …: a date, or a datetime when it has a time or the unit does
		if days0, err := parseDate(s); err == nil && !subDay {
			d := addMonthsClamped(epoch.AddDate(0, 0, int(days0)), int(months)).AddDate(0, 0, int(days))
			return dateLit(int64(d.Sub(epoch).Hours() / 24)), nil
		}
		us, err := parseTimestamp(s)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "invalid date or datetime '%s' before INTERVAL: use 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss' (in %s)", s, restore(x))
		}
		v = timestampLit(us)
	}
	if typ := t.typeOf(v); subDay && typ != nil && typ.ID() == arrow.DATE32 {
		v = &lazy.Cast{X: v, To: &arrow.TimestampType{Unit: arrow.Microsecond}}
	}
	return call("dt.offset_by", map[string]any{"by": suffix}, v), nil
}

// addMonthsClamped adds months as MySQL does: the day is clamped to the
// last day of the resulting month (Jan 31 + 1 month = Feb 28/29).
func addMonthsClamped(d time.Time, months int) time.Time {
	if months == 0 {
		return d
	}
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// substring is SUBSTRING(s, pos[, len]) with 1-based pos; a negative pos
// counts from the end, 0 gives ”.
func (t *translator) substring(x *ast.FuncCallExpr) (lazy.Expr, error) {
	a, err := t.args(x, 2, 3)
	if err != nil {
		return nil, err
	}
	pos, ok := intLit(a[1])
	if !ok {
		return nil, notSupported("SUBSTRING with a position that is not an integer constant (in %s)", restore(x))
	}
	var length lazy.Expr = &lazy.Literal{Value: nil}
	if len(a) == 3 {
		n, ok := intLit(a[2])
		if !ok {
			return nil, notSupported("SUBSTRING with a length that is not an integer constant (in %s)", restore(x))
		}
		if n < 0 {
			n = 0
		}
		length = dyn(n)
	}
	if pos == 0 {
		return when(&lazy.Literal{Value: ""}, &lazy.Unary{Op: lazy.OpIsNull, X: a[0]}, &lazy.Literal{Value: nil, Type: arrow.BinaryTypes.String}), nil
	}
	offset := pos - 1
	if pos < 0 {
		offset = pos
	}
	return call("str.slice", nil, a[0], dyn(offset), length), nil
}

func (t *translator) trim(x *ast.FuncCallExpr) (lazy.Expr, error) {
	name := x.FnName.L
	fn := map[string]string{"trim": "str.strip_chars", "ltrim": "str.strip_chars_start", "rtrim": "str.strip_chars_end"}[name]
	if len(x.Args) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "%s needs an argument", strings.ToUpper(name))
	}
	v, err := t.expr(x.Args[0])
	if err != nil {
		return nil, err
	}
	chars := lazy.Expr(&lazy.Literal{Value: " "})
	if len(x.Args) >= 2 && x.Args[1] != nil {
		if c, err := t.expr(x.Args[1]); err == nil {
			if s, ok := strLit(c); ok && len([]rune(s)) == 1 {
				chars = c
			} else {
				return nil, notSupported("TRIM of a string other than one character (in %s)", restore(x))
			}
		} else {
			return nil, err
		}
	}
	if len(x.Args) == 3 {
		if d, ok := x.Args[2].(*ast.TrimDirectionExpr); ok {
			switch d.Direction {
			case ast.TrimLeading:
				fn = "str.strip_chars_start"
			case ast.TrimTrailing:
				fn = "str.strip_chars_end"
			}
		}
	}
	return call(fn, nil, v, chars), nil
}

// decimalLiteral reports whether e is an exact literal with a fraction
// (2.5, -2.5): MySQL's DECIMAL, which alopex's SQL reads as a Float64.
func decimalLiteral(e ast.ExprNode) bool {
	_, ok := decimalText(e)
	return ok
}

// decimalText is the text of an exact literal with a fraction, signed
// ("-2.5" for -(2.5)).
func decimalText(e ast.ExprNode) (string, bool) {
	e = stripParens(e)
	if u, ok := e.(*ast.UnaryOperationExpr); ok && (u.Op == opcode.Minus || u.Op == opcode.Plus) {
		s, ok := decimalText(u.V)
		if ok && u.Op == opcode.Minus {
			s = strings.TrimPrefix("-"+s, "--")
		}
		return s, ok
	}
	v, ok := e.(*test_driver.ValueExpr)
	if !ok || v.Kind() != test_driver.KindMysqlDecimal {
		return "", false
	}
	return v.GetMysqlDecimal().String(), true
}

// roundDecimal rounds the decimal text to decimals digits, halves away
// from zero, exactly, then to the nearest float.
func roundDecimal(text string, decimals int64) (float64, bool) {
	r, ok := new(big.Rat).SetString(text)
	if !ok || decimals > 30 {
		return 0, false
	}
	d, ok := kernels.RatToDecimal(r, &arrow.Decimal128Type{Precision: 38, Scale: int32(decimals)}, true)
	if !ok {
		return 0, false
	}
	f, _ := new(big.Rat).SetFrac(d.BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(decimals), nil)).Float64()
	return f, true
}

// castDecimal is CAST(x AS DECIMAL(p, s)): an exact Decimal128 (MySQL's
// default DECIMAL is DECIMAL(10, 0)), the value rounded to s digits with
// halves away from zero as MySQL does (CAST('3.75' AS DECIMAL(4,1)) is 3.8,
// CAST(5000/7 AS DECIMAL(10,2)) 714.29); a value that does not fit is
// clipped to the type's bound, as MySQL 8's SELECT does (with a warning):
// CAST(123.456 AS DECIMAL(4,2)) is 99.99, of -123.456 -99.99.
func (t *translator) castDecimal(v lazy.Expr, x *ast.FuncCastExpr) (lazy.Expr, error) {
	p, s := x.Tp.GetFlen(), x.Tp.GetDecimal()
	if p <= 0 {
		p = 10
	}
	if s < 0 {
		s = 0
	}
	if p > 38 || s > p {
		return nil, notSupported("CAST to DECIMAL(%d, %d) is not supported: alopex's DECIMAL holds at most 38 digits (in %s)",
			p, s, restore(x))
	}
	to := &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}
	if text, ok := decimalText(x.Expr); ok {
		if r, ok := new(big.Rat).SetString(text); ok {
			if d, ok := kernels.RatToDecimal(r, to, true); ok {
				return &lazy.Literal{Value: d, Type: to}, nil
			}
			return decimalBound(to, r.Sign() < 0), nil
		}
	}
	typ := t.typeOf(v)
	if typ != nil && core.IsString(typ) {
		// The text is rounded exactly (no float on the way: '1.005' is
		// 1.01 at scale 2, and 20 digits stay 20 digits), then cast.
		text := call(fn.SQLNumberPrefix, map[string]any{"kind": "decimal", "scale": int64(s)}, v)
		return clipDecimal(&lazy.Cast{X: text, To: to, Strict: false},
			&lazy.Cast{X: text, To: arrow.PrimitiveTypes.Float64, Strict: false}, to), nil
	}
	if typ != nil && core.IsFloat(typ) {
		v = call("round", map[string]any{"decimals": int64(s), "mode": "half_away_from_zero"}, v)
	}
	return clipDecimal(&lazy.Cast{X: v, To: to, Strict: false}, v, to), nil
}

// decimalBound is DECIMAL(p, s)'s greatest value (99.99 for DECIMAL(4, 2)),
// or its least when negative.
func decimalBound(to *arrow.Decimal128Type, negative bool) lazy.Expr {
	nines := new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(to.Precision)), nil), big.NewInt(1))
	if negative {
		nines.Neg(nines)
	}
	d, _ := kernels.RatToDecimal(new(big.Rat).SetFrac(nines, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(to.Scale)), nil)), to, true)
	return &lazy.Literal{Value: d, Type: to}
}

// clipDecimal is the cast, where it is null though the value (v, a number
// of its sign) is not — the value does not fit — the type's bound on v's
// side, as MySQL clips.
func clipDecimal(cast, v lazy.Expr, to *arrow.Decimal128Type) lazy.Expr {
	overflow := bin(lazy.OpAnd, &lazy.Unary{Op: lazy.OpIsNull, X: cast}, &lazy.Unary{Op: lazy.OpIsNotNull, X: v})
	return when(cast,
		bin(lazy.OpAnd, overflow, bin(lazy.OpGt, v, dyn(0))), decimalBound(to, false),
		bin(lazy.OpAnd, overflow, bin(lazy.OpLt, v, dyn(0))), decimalBound(to, true))
}

// cast is CAST(x AS type) and CONVERT(x, type), with MySQL's type names.
func (t *translator) cast(x *ast.FuncCastExpr) (lazy.Expr, error) {
	v, err := t.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	var to arrow.DataType
	switch x.Tp.GetType() {
	case mysql.TypeLonglong, mysql.TypeLong, mysql.TypeInt24, mysql.TypeShort, mysql.TypeTiny:
		to = arrow.PrimitiveTypes.Int64
		if mysql.HasUnsignedFlag(x.Tp.GetFlag()) {
			to = arrow.PrimitiveTypes.Uint64
		}
	case mysql.TypeNewDecimal:
		return t.castDecimal(v, x)
	case mysql.TypeDouble:
		to = arrow.PrimitiveTypes.Float64
	case mysql.TypeFloat:
		to = arrow.PrimitiveTypes.Float32
	case mysql.TypeVarchar, mysql.TypeString, mysql.TypeVarString, mysql.TypeBlob:
		to = arrow.BinaryTypes.String
	case mysql.TypeDate:
		to = date32
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		to = &arrow.TimestampType{Unit: arrow.Microsecond}
	case mysql.TypeTiDBVectorFloat32:
		return t.castVector(v, x)
	default:
		return nil, notSupported("CAST to %s is not supported (in %s)", x.Tp.String(), restore(x))
	}
	if s, ok := strLit(v); ok && to.ID() == arrow.DATE32 {
		days, err := parseDate(s)
		if err != nil {
			return nil, err
		}
		return dateLit(days), nil
	}
	if typ := t.typeOf(v); typ != nil && core.IsString(typ) && to.ID() == arrow.DATE32 {
		return call("str.to_date", map[string]any{"format": "%Y-%m-%d", "strict": false}, v), nil
	}
	if typ := t.typeOf(v); typ != nil && core.IsString(typ) && (core.IsInteger(to) || core.IsFloat(to)) {
		kind := "float"
		if core.IsInteger(to) {
			kind = "int"
			if core.IsUnsigned(to) {
				kind = "uint"
			}
		}
		v = numberPrefix(v, kind)
	}
	if typ := t.typeOf(v); typ != nil && core.IsInteger(to) && (core.IsFloat(typ) || typ.ID() == arrow.DECIMAL128) {
		// MySQL rounds a fraction to the nearest integer where a cast
		// truncates: an exact value (a DECIMAL, a literal such as 2.5)
		// halves away from zero (3; -2.5 gives -3), a DOUBLE as C's rint
		// (halves to even: 2.5e0 gives 2), as DuckDB does too.
		mode := "half_to_even"
		if typ.ID() == arrow.DECIMAL128 || decimalLiteral(x.Expr) {
			mode = "half_away_from_zero"
		}
		v = call("round", map[string]any{"decimals": 0, "mode": mode}, v)
	}
	if typ := t.typeOf(v); typ != nil && typ.ID() == arrow.TIMESTAMP && core.IsString(to) {
		// A DATETIME prints its fraction only when it has one: MySQL's
		// DATETIME has none by default, and alopex's microsecond
		// timestamps would otherwise always end in .000000.
		return call("str.replace", nil, &lazy.Cast{X: v, To: to, Strict: false},
			&lazy.Literal{Value: `\.0{6}$`}, &lazy.Literal{Value: ""}), nil
	}
	// MySQL casts never fail: a value that does not convert becomes null.
	return &lazy.Cast{X: v, To: to, Strict: false}, nil
}

// numberPrefix is the number MySQL reads from the string v when converting
// it ("2.5" as an integer is 2, " 12abc" is 12, "abc" is 0; kind "int",
// "uint" or "float").
func numberPrefix(v lazy.Expr, kind string) lazy.Expr {
	return call(fn.SQLNumberPrefix, map[string]any{"kind": kind}, v)
}
