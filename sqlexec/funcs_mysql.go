package sqlexec

import (
	"math"
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// MySQL functions that SQL builds from the engine's functions: their
// arguments or meaning differ from the DataFrame API's (a 1-based MySQL
// weekday, NULL out of a logarithm's domain), so they are translated here
// rather than named in the registry. The ones with kernels of their own are
// registry entries with SQL names (lazy/fn/sqlfuncs_*.go).

var ts64 = &arrow.TimestampType{Unit: arrow.Microsecond}

// mysqlFunc translates the function named name when it is one of these;
// ok is false when it is not.
func (t *translator) mysqlFunc(x *ast.FuncCallExpr, name string) (e lazy.Expr, ok bool, err error) {
	ok = true
	one := func() (lazy.Expr, error) {
		a, err := t.args(x, 1, 1)
		if err != nil {
			return nil, err
		}
		return a[0], nil
	}
	switch name {
	case "date":
		v, err := one()
		if err != nil {
			return nil, true, err
		}
		return t.toDate(v), true, nil
	case "dayofweek", "weekday", "dayofyear":
		v, err := one()
		if err != nil {
			return nil, true, err
		}
		d := t.toDate(v)
		i64 := arrow.PrimitiveTypes.Int64
		switch name {
		case "dayofweek": // 1 = Sunday … 7 = Saturday (dt.weekday: 1 = Monday … 7 = Sunday)
			return bin(lazy.OpAdd, bin(lazy.OpMod, &lazy.Cast{X: call("dt.weekday", nil, d), To: i64, Strict: true}, dyn(7)), dyn(1)), true, nil
		case "weekday": // 0 = Monday … 6 = Sunday
			return bin(lazy.OpSub, &lazy.Cast{X: call("dt.weekday", nil, d), To: i64, Strict: true}, dyn(1)), true, nil
		}
		return &lazy.Cast{X: call("dt.ordinal_day", nil, d), To: i64, Strict: true}, true, nil
	case "now", "current_timestamp", "localtime", "localtimestamp", "sysdate":
		if _, err := t.args(x, 0, 1); err != nil {
			return nil, true, err
		}
		// The statement's start, to the second (MySQL's NOW() without a
		// precision); alopex has no session time zone: UTC.
		return timestampLit(time.Now().UTC().Truncate(time.Second).Sub(epoch).Microseconds()), true, nil
	case "datediff":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, true, err
		}
		days := func(e lazy.Expr) lazy.Expr {
			return &lazy.Cast{X: &lazy.Cast{X: t.toDate(e), To: arrow.PrimitiveTypes.Int32, Strict: true}, To: arrow.PrimitiveTypes.Int64, Strict: true}
		}
		return bin(lazy.OpSub, days(a[0]), days(a[1])), true, nil
	case "last_day":
		v, err := one()
		if err != nil {
			return nil, true, err
		}
		first := call("dt.truncate", map[string]any{"every": "1mo"}, t.toDate(v))
		return call("dt.offset_by", map[string]any{"by": "-1d"}, call("dt.offset_by", map[string]any{"by": "1mo"}, first)), true, nil
	case "unix_timestamp":
		a, err := t.args(x, 0, 1)
		if err != nil {
			return nil, true, err
		}
		if len(a) == 0 {
			return dyn(time.Now().Unix()), true, nil
		}
		us := &lazy.Cast{X: t.toTimestamp(a[0]), To: arrow.PrimitiveTypes.Int64, Strict: true}
		// Seconds since the epoch (UTC), the fraction dropped; MySQL gives 0
		// before the epoch.
		secs := bin(lazy.OpFloorDiv, us, dyn(1_000_000))
		return when(secs, bin(lazy.OpLt, secs, dyn(0)), dyn(0)), true, nil
	case "from_unixtime":
		a, err := t.args(x, 1, 2)
		if err != nil {
			return nil, true, err
		}
		n := a[0]
		us := &lazy.Cast{X: call("round", map[string]any{"decimals": int64(0), "mode": "half_away_from_zero"},
			bin(lazy.OpMul, &lazy.Cast{X: n, To: arrow.PrimitiveTypes.Float64, Strict: true}, floatLit(1e6))),
			To: arrow.PrimitiveTypes.Int64, Strict: false}
		var ts lazy.Expr = &lazy.Cast{X: us, To: ts64, Strict: true}
		ts = when(ts, bin(lazy.OpLt, n, dyn(0)), nullLit()) // MySQL: NULL before the epoch
		if len(a) == 2 {
			return call("sql.date_format", nil, ts, a[1]), true, nil // FROM_UNIXTIME(n, fmt)
		}
		return ts, true, nil
	case "timestampadd":
		if len(x.Args) != 3 {
			return nil, true, core.Errorf(core.KindInvalidInput, "TIMESTAMPADD takes a unit, an amount and a datetime (in %s)", restore(x))
		}
		e, err := t.addInterval(x, x.Args[2], x.Args[1], x.Args[0], false)
		return e, true, err
	case "timestampdiff":
		if len(x.Args) != 3 {
			return nil, true, core.Errorf(core.KindInvalidInput, "TIMESTAMPDIFF takes a unit and two datetimes (in %s)", restore(x))
		}
		unit, isUnit := x.Args[0].(*ast.TimeUnitExpr)
		if !isUnit {
			return nil, true, notSupported("the unit of %s", restore(x))
		}
		a, err := t.exprs(x.Args[1:])
		if err != nil {
			return nil, true, err
		}
		u := strings.ToLower(unit.Unit.String())
		return call("sql.timestampdiff", map[string]any{"unit": u}, t.toTimestamp(a[0]), t.toTimestamp(a[1])), true, nil
	case "str_to_date":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, true, err
		}
		if l, isLit := a[1].(*lazy.Literal); isLit && l.Value == nil {
			return &lazy.Literal{Value: nil, Type: date32}, true, nil // a NULL format: NULL
		}
		f, isStr := strLit(a[1])
		if !isStr {
			return nil, true, notSupported("STR_TO_DATE with a format that is not a string constant (in %s)", restore(x))
		}
		chrono, hasTime, err := mysqlToChrono(f, x)
		if err != nil {
			return nil, true, err
		}
		// A string that does not match the format is NULL, as in MySQL.
		if hasTime {
			return call("str.to_datetime", map[string]any{"format": chrono, "strict": false, "time_unit": "us"}, t.asString(a[0])), true, nil
		}
		return call("str.to_date", map[string]any{"format": chrono, "strict": false}, t.asString(a[0])), true, nil
	case "log2", "log10":
		v, err := one()
		if err != nil {
			return nil, true, err
		}
		var r lazy.Expr
		if name == "log10" {
			r = call("log10", nil, v)
		} else {
			r = bin(lazy.OpTrueDiv, call("log", nil, v), floatLit(math.Ln2))
		}
		// MySQL: the logarithm of zero or a negative number is NULL.
		return when(r, bin(lazy.OpLtEq, v, dyn(0)), nullLit()), true, nil
	case "sign":
		v, err := one()
		if err != nil {
			return nil, true, err
		}
		return &lazy.Cast{X: call("sign", nil, v), To: arrow.PrimitiveTypes.Int64, Strict: true}, true, nil
	case "pi":
		if _, err := t.args(x, 0, 0); err != nil {
			return nil, true, err
		}
		return floatLit(math.Pi), true, nil
	case "greatest", "least":
		a, err := t.args(x, 2, -1)
		if err != nil {
			return nil, true, err
		}
		return greatest(a, name == "greatest"), true, nil
	case "truncate":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, true, err
		}
		d, isInt := intLit(a[1])
		if !isInt {
			return nil, true, notSupported("TRUNCATE with a number of decimals that is not an integer constant (in %s)", restore(x))
		}
		e, err := t.truncate(a[0], d, x)
		return e, true, err
	case "regexp_like":
		a, err := t.args(x, 2, 3)
		if err != nil {
			return nil, true, err
		}
		p, err := regexpPattern(a, x)
		if err != nil {
			return nil, true, err
		}
		return call("str.contains", map[string]any{"literal": false, "strict": true}, t.asString(a[0]), p), true, nil
	case "date_format", "dayname", "monthname", "week", "yearweek":
		// A string argument is read as MySQL reads a datetime.
		arity := map[string][2]int{"date_format": {2, 2}, "dayname": {1, 1}, "monthname": {1, 1}, "week": {1, 2}, "yearweek": {1, 2}}[name]
		a, err := t.args(x, arity[0], arity[1])
		if err != nil {
			return nil, true, err
		}
		a[0] = t.toTimestamp(a[0])
		return call("sql."+name, nil, a...), true, nil
	case "field":
		a, err := t.args(x, 2, -1)
		if err != nil {
			return nil, true, err
		}
		numeric := false
		for _, e := range a {
			if typ := t.typeOf(e); typ != nil && !core.IsString(typ) && typ.ID() != arrow.NULL {
				numeric = true
			}
		}
		if !numeric {
			return call("sql.field", nil, a...), true, nil
		}
		// MySQL: unless every argument is a string, they compare as DOUBLEs
		// (a string as the number it starts with: 'abc' is 0).
		for i, e := range a {
			if typ := t.typeOf(e); typ != nil && core.IsString(typ) {
				a[i] = &lazy.Cast{X: numberPrefix(e, "float"), To: arrow.PrimitiveTypes.Float64, Strict: false}
			}
		}
		return call("sql.field_num", nil, a...), true, nil
	case "instr":
		a, err := t.args(x, 2, 2)
		if err != nil {
			return nil, true, err
		}
		return call("sql.locate", nil, a[1], a[0]), true, nil
	case "hex":
		v, err := one()
		if err != nil {
			return nil, true, err
		}
		// HEX of a number is the number's hex (HEX(255) is 'FF'; a negative
		// one its 64-bit two's complement); of a string, its bytes'.
		if typ := t.typeOf(v); typ != nil && core.IsNumeric(typ) {
			if core.IsFloat(typ) || typ.ID() == arrow.DECIMAL128 {
				v = call("round", map[string]any{"decimals": int64(0), "mode": "half_away_from_zero"}, v)
			}
			return call("str.to_uppercase", nil, call("sql.hex_int", nil, v)), true, nil
		}
		return call("sql.hex", nil, v), true, nil
	case "regexp_replace":
		a, err := t.args(x, 3, 3)
		if err != nil {
			return nil, true, err
		}
		return call("str.replace_all", map[string]any{"literal": false}, t.asString(a[0]), a[1], a[2]), true, nil
	}
	return nil, false, nil
}

// regexpOp is s [NOT] REGEXP p (and RLIKE): REGEXP_LIKE(s, p).
func (t *translator) regexpOp(x *ast.PatternRegexpExpr) (lazy.Expr, error) {
	s, err := t.expr(x.Expr)
	if err != nil {
		return nil, err
	}
	p, err := t.expr(x.Pattern)
	if err != nil {
		return nil, err
	}
	e := call("str.contains", map[string]any{"literal": false, "strict": true}, t.asString(s), p)
	if x.Not {
		return not(e), nil
	}
	return e, nil
}

// regexpPattern is REGEXP_LIKE's pattern with its match type (a[2], a
// constant: 'c' case-sensitive, the default under alopex's binary
// collation; 'i' insensitive; 'm' multi-line; 'n' . matches newlines).
func regexpPattern(a []lazy.Expr, x *ast.FuncCallExpr) (lazy.Expr, error) {
	if len(a) < 3 {
		return a[1], nil
	}
	mt, isStr := strLit(a[2])
	p, pIsStr := strLit(a[1])
	if !isStr || !pIsStr {
		return nil, notSupported("%s with a pattern or match type that is not a string constant (in %s)", strings.ToUpper(x.FnName.O), restore(x))
	}
	flags := map[rune]bool{}
	for _, c := range mt {
		switch c {
		case 'c':
			delete(flags, 'i')
		case 'i', 'm':
			flags[c] = true
		case 'n':
			flags['s'] = true
		default:
			return nil, core.Errorf(core.KindInvalidInput, "%s: invalid match type %q (in %s): use c, i, m or n", strings.ToUpper(x.FnName.O), mt, restore(x))
		}
	}
	prefix := ""
	for _, c := range "ims" {
		if flags[c] {
			prefix += string(c)
		}
	}
	if prefix != "" {
		p = "(?" + prefix + ")" + p
	}
	return &lazy.Literal{Value: p}, nil
}

// asString is e as a String: a number or date converts to its text, as
// MySQL's string functions read their arguments.
func (t *translator) asString(e lazy.Expr) lazy.Expr {
	if typ := t.typeOf(e); typ != nil && !core.IsString(typ) {
		return &lazy.Cast{X: e, To: arrow.BinaryTypes.String, Strict: true}
	}
	return e
}

// toDate is e as a DATE, as MySQL's date functions read it: a DATETIME's
// date, a string 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss' (otherwise NULL).
func (t *translator) toDate(e lazy.Expr) lazy.Expr {
	if s, ok := strLit(e); ok {
		if d, err := parseDate(s); err == nil {
			return dateLit(d)
		}
		if us, err := parseTimestamp(s); err == nil {
			return dateLit(int64(math.Floor(float64(us) / 86400e6)))
		}
		return &lazy.Literal{Value: nil, Type: date32}
	}
	typ := t.typeOf(e)
	switch {
	case typ == nil:
		return e
	case typ.ID() == arrow.NULL:
		return &lazy.Cast{X: e, To: date32, Strict: true}
	case typ.ID() == arrow.DATE32:
		return e
	case typ.ID() == arrow.TIMESTAMP:
		return call("dt.date", nil, e)
	case core.IsString(typ):
		return call("coalesce", nil, call("str.to_date", map[string]any{"format": "%Y-%m-%d", "strict": false}, e),
			call("dt.date", nil, call("str.to_datetime", map[string]any{"format": "%Y-%m-%d %H:%M:%S", "strict": false, "time_unit": "us"}, e)))
	}
	return e
}

// toTimestamp is e as a DATETIME (microseconds): a DATE's midnight, a
// string 'YYYY-MM-DD[ hh:mm:ss]' (otherwise NULL).
func (t *translator) toTimestamp(e lazy.Expr) lazy.Expr {
	if s, ok := strLit(e); ok {
		if us, err := parseTimestamp(s); err == nil {
			return timestampLit(us)
		}
		return &lazy.Literal{Value: nil, Type: ts64}
	}
	typ := t.typeOf(e)
	switch {
	case typ == nil:
		return e
	case typ.ID() == arrow.DATE32 || typ.ID() == arrow.NULL:
		return &lazy.Cast{X: e, To: ts64, Strict: true}
	case typ.ID() == arrow.TIMESTAMP:
		if tt := typ.(*arrow.TimestampType); tt.Unit != arrow.Microsecond {
			return &lazy.Cast{X: e, To: ts64, Strict: true}
		}
		return e
	case core.IsString(typ):
		return call("coalesce", nil,
			call("str.to_datetime", map[string]any{"format": "%Y-%m-%d %H:%M:%S", "strict": false, "time_unit": "us"}, e),
			&lazy.Cast{X: call("str.to_date", map[string]any{"format": "%Y-%m-%d", "strict": false}, e), To: ts64, Strict: true})
	}
	return e
}

// greatest is GREATEST(a…) (LEAST when !most): the argument not less than
// every other, NULL when any is NULL (MySQL 8).
func greatest(a []lazy.Expr, most bool) lazy.Expr {
	op := lazy.OpGtEq
	if !most {
		op = lazy.OpLtEq
	}
	var pairs []lazy.Expr
	var anyNull lazy.Expr
	for i, x := range a {
		isNull := &lazy.Unary{Op: lazy.OpIsNull, X: x}
		if anyNull == nil {
			anyNull = isNull
		} else {
			anyNull = bin(lazy.OpOr, anyNull, isNull)
		}
		if i == len(a)-1 {
			break
		}
		var wins lazy.Expr
		for j, y := range a {
			if j == i {
				continue
			}
			c := bin(op, x, y)
			if wins == nil {
				wins = c
			} else {
				wins = bin(lazy.OpAnd, wins, c)
			}
		}
		pairs = append(pairs, wins, x)
	}
	return when(a[len(a)-1], append([]lazy.Expr{anyNull, nullLit()}, pairs...)...)
}

// truncate is TRUNCATE(x, d): x cut toward zero to d decimals (d < 0
// zeroes digits left of the point); an integer stays an integer, exactly.
func (t *translator) truncate(v lazy.Expr, d int64, x *ast.FuncCallExpr) (lazy.Expr, error) {
	typ := t.typeOf(v)
	if typ != nil && core.IsInteger(typ) {
		if d >= 0 {
			return v, nil
		}
		if d < -18 {
			return dyn(0), nil
		}
		p := dyn(int64(math.Pow10(int(-d))))
		return bin(lazy.OpSub, v, bin(lazy.OpRem, v, p)), nil // x - rem(x, p): toward zero
	}
	if typ != nil && typ.ID() == arrow.DECIMAL128 {
		v = &lazy.Cast{X: v, To: arrow.PrimitiveTypes.Float64, Strict: true}
	} else if typ != nil && !core.IsNumeric(typ) && typ.ID() != arrow.NULL {
		return nil, core.Errorf(core.KindInvalidInput, "TRUNCATE needs a number, got %s (in %s)", core.DTypeName(typ), restore(x))
	}
	s := floatLit(math.Pow10(int(d)))
	scaled := bin(lazy.OpMul, v, s)
	return when(bin(lazy.OpTrueDiv, call("floor", nil, scaled), s),
		bin(lazy.OpLt, v, dyn(0)), bin(lazy.OpTrueDiv, call("ceil", nil, scaled), s)), nil
}

// mysqlToChrono translates a MySQL date format (DATE_FORMAT's, STR_TO_DATE's)
// into the strftime-style format the engine's parser reads; hasTime reports
// whether it reads a time of day.
func mysqlToChrono(f string, x ast.Node) (string, bool, error) {
	var b strings.Builder
	hasTime := false
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			if c == '%' {
				b.WriteString("%%")
			} else {
				b.WriteByte(c)
			}
			continue
		}
		i++
		d := f[i]
		m, known := map[byte]string{'Y': "%Y", 'y': "%y", 'm': "%m", 'c': "%m", 'd': "%d", 'e': "%d", 'H': "%H", 'k': "%H",
			'h': "%I", 'I': "%I", 'l': "%I", 'i': "%M", 's': "%S", 'S': "%S", 'f': "%6f", 'p': "%p", 'b': "%b", 'M': "%B",
			'a': "%a", 'W': "%A", 'j': "%j", 'T': "%H:%M:%S", 'r': "%I:%M:%S %p", '%': "%%"}[d]
		if !known {
			return "", false, core.Errorf(core.KindNotSupported, "the format specifier %%%c is not supported by STR_TO_DATE (in %s)", d, restore(x))
		}
		if strings.ContainsAny(string(d), "HkhIlisSfpTr") {
			hasTime = true
		}
		if (d == 'h' || d == 'I' || d == 'l') && !strings.Contains(f, "%p") {
			m = "%H" // without AM/PM MySQL reads the 12-hour field as the hour
		}
		b.WriteString(m)
	}
	return b.String(), hasTime, nil
}

// roundLeft is ROUND(x, d) with d < 0: x rounded to a multiple of 10^-d,
// halves away from zero (ROUND(1250, -2) is 1300, ROUND(-1250, -2) -1300);
// an integer stays an integer, computed exactly.
func (t *translator) roundLeft(v lazy.Expr, d int64, x *ast.FuncCallExpr) (lazy.Expr, error) {
	typ := t.typeOf(v)
	if typ != nil && core.IsInteger(typ) {
		if d < -18 {
			return dyn(0), nil
		}
		p := int64(math.Pow10(int(-d)))
		r := bin(lazy.OpRem, v, dyn(p)) // the sign of v
		base := bin(lazy.OpSub, v, r)
		away := bin(lazy.OpGtEq, bin(lazy.OpMul, call("abs", nil, r), dyn(2)), dyn(p))
		step := bin(lazy.OpMul, call("sign", nil, v), dyn(p))
		return when(base, away, call("sql.int_arith", map[string]any{"op": "add"}, base, step)), nil
	}
	if typ != nil && typ.ID() == arrow.DECIMAL128 {
		v = &lazy.Cast{X: v, To: arrow.PrimitiveTypes.Float64, Strict: true}
	} else if typ != nil && !core.IsNumeric(typ) && typ.ID() != arrow.NULL {
		return nil, core.Errorf(core.KindInvalidInput, "ROUND needs a number, got %s (in %s)", core.DTypeName(typ), restore(x))
	}
	return call("round", map[string]any{"decimals": d, "mode": "half_away_from_zero"}, v), nil
}
