package kernels

// Dates and times from strings: strftime-style formats compiled once,
// parsing to Date and Datetime (str.to_date, str.to_datetime).

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// --- dates and times --------------------------------------------------------------------

// A TimeFormat is a compiled strftime-style format in the dialect of Rust's
// chrono, which Polars uses: numeric fields skip leading whitespace and take
// 1 up to their width in digits ("%m" reads "1" and "01"), a space matches
// any run of whitespace (or none), other characters match exactly, and the
// whole string must be consumed.
type TimeFormat struct {
	items                         []fmtItem
	hasHour, hasMinute, hasOffset bool
}

type fmtKind uint8

const (
	fmtLiteral fmtKind = iota
	fmtSpace
	fmtNum       // a numeric field of up to width digits
	fmtFrac      // %.f: an optional '.' and fraction digits
	fmtFracDot   // %.3f, %.6f, %.9f: an optional '.' and exactly width digits
	fmtFracFixed // %3f, %6f, %9f: exactly width digits
	fmtMonthName // %b, %h: a short month name; %B (long): a short or a long one
	fmtWeekday   // %a: a short weekday name; %A (long): a short or a long one
	fmtAmPm      // %p, %P
	fmtUTCOffset // %z, %:z (long: %#z, which also takes "Z" and no minutes)
)

type timeField uint8

const (
	tfYear timeField = iota
	tfYearMod100
	tfMonth
	tfDay
	tfOrdinal
	tfHour
	tfHour12
	tfMinute
	tfSecond
	tfNano
	tfTimestamp
	numTimeFields
)

type fmtItem struct {
	kind  fmtKind
	lit   string
	field timeField
	width int
	long  bool
}

var fmtAliases = map[byte]string{
	'F': "%Y-%m-%d", 'T': "%H:%M:%S", 'D': "%m/%d/%y", 'x': "%m/%d/%y", 'R': "%H:%M", 'X': "%H:%M:%S",
	'r': "%I:%M:%S %p", 'c': "%a %b %e %H:%M:%S %Y", 'v': "%e-%b-%Y",
}

var fmtNumbers = map[byte]fmtItem{
	'Y': {field: tfYear, width: 4}, 'y': {field: tfYearMod100, width: 2}, 'm': {field: tfMonth, width: 2},
	'd': {field: tfDay, width: 2}, 'e': {field: tfDay, width: 2}, 'j': {field: tfOrdinal, width: 3},
	'H': {field: tfHour, width: 2}, 'k': {field: tfHour, width: 2}, 'I': {field: tfHour12, width: 2},
	'l': {field: tfHour12, width: 2}, 'M': {field: tfMinute, width: 2}, 'S': {field: tfSecond, width: 2},
	'f': {field: tfNano, width: 9}, 's': {field: tfTimestamp, width: 19},
}

var timeFormats struct {
	sync.Mutex
	m map[string]*TimeFormat
}

// CompileTimeFormat compiles a strftime-style format. Directives alopex
// does not parse (time zone names, week numbers) are NotSupportedError,
// unknown ones ComputeError.
func CompileTimeFormat(src string) (*TimeFormat, error) {
	timeFormats.Lock()
	f, ok := timeFormats.m[src]
	timeFormats.Unlock()
	if ok {
		return f, nil
	}
	f = &TimeFormat{}
	if err := f.compile(src, src); err != nil {
		return nil, err
	}
	timeFormats.Lock()
	if timeFormats.m == nil || len(timeFormats.m) >= maxCachedPatterns {
		timeFormats.m = map[string]*TimeFormat{}
	}
	timeFormats.m[strings.Clone(src)] = f
	timeFormats.Unlock()
	return f, nil
}

// CheckTimeFormat checks a format at plan time; datetime formats must give
// the hour and the minute together or neither (as Polars). It reports
// whether the format reads a UTC offset (%z), which makes a UTC result.
func CheckTimeFormat(src string, datetime bool) (hasOffset bool, err error) {
	f, err := CompileTimeFormat(src)
	if err != nil {
		return false, err
	}
	if datetime && f.hasHour != f.hasMinute {
		return false, core.Errorf(core.KindCompute,
			"invalid format %q: give both the hour and the minute, or neither", src).With("format", src)
	}
	return f.hasOffset, nil
}

func (f *TimeFormat) compile(src, whole string) error {
	bad := func(kind core.Kind, what string) error {
		return core.Errorf(kind, "invalid format %q: %s", whole, what).With("format", whole)
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '%' {
			r, size := utf8.DecodeRuneInString(src[i:])
			if unicode.IsSpace(r) {
				f.space()
			} else {
				f.literal(src[i : i+size])
			}
			i += size - 1
			continue
		}
		i++
		if i >= len(src) {
			return bad(core.KindCompute, "it ends with a lone %")
		}
		if src[i] == '-' || src[i] == '_' || src[i] == '0' { // padding flags: irrelevant when parsing
			i++
		}
		long := false
		if i < len(src) && (src[i] == ':' || src[i] == '#') {
			long = src[i] == '#'
			i++
			if i >= len(src) || src[i] != 'z' {
				return bad(core.KindCompute, "':' and '#' only go with %z")
			}
		}
		if i >= len(src) {
			return bad(core.KindCompute, "it ends with an unfinished directive")
		}
		d := src[i]
		switch {
		case d == '%':
			f.literal("%")
		case d == 'n' || d == 't':
			f.space()
		case fmtAliases[d] != "":
			if err := f.compile(fmtAliases[d], whole); err != nil {
				return err
			}
		case fmtNumbers[d] != fmtItem{}:
			it := fmtNumbers[d]
			it.kind = fmtNum
			f.items = append(f.items, it)
			f.hasHour = f.hasHour || it.field == tfHour || it.field == tfHour12
			f.hasMinute = f.hasMinute || it.field == tfMinute
		case d == '.' && i+1 < len(src) && src[i+1] == 'f':
			f.items = append(f.items, fmtItem{kind: fmtFrac})
			i++
		case d == '.' && i+2 < len(src) && strings.IndexByte("369", src[i+1]) >= 0 && src[i+2] == 'f':
			f.items = append(f.items, fmtItem{kind: fmtFracDot, width: int(src[i+1] - '0')})
			i += 2
		case strings.IndexByte("369", d) >= 0 && i+1 < len(src) && src[i+1] == 'f':
			f.items = append(f.items, fmtItem{kind: fmtFracFixed, width: int(d - '0')})
			i++
		case d == 'b' || d == 'h' || d == 'B':
			f.items = append(f.items, fmtItem{kind: fmtMonthName, long: d == 'B'})
		case d == 'a' || d == 'A':
			f.items = append(f.items, fmtItem{kind: fmtWeekday, long: d == 'A'})
		case d == 'p' || d == 'P':
			f.items = append(f.items, fmtItem{kind: fmtAmPm})
		case d == 'z':
			f.items = append(f.items, fmtItem{kind: fmtUTCOffset, long: long})
			f.hasOffset = true
		case strings.IndexByte("ZCuwUWVGg", d) >= 0:
			return bad(core.KindNotSupported, "alopex does not parse %"+string(d)+
				" (time zone names, centuries, week numbers and weekday numbers)")
		default:
			return bad(core.KindCompute, "unknown directive %"+string(d))
		}
	}
	return nil
}

func (f *TimeFormat) space() {
	if n := len(f.items); n == 0 || f.items[n-1].kind != fmtSpace {
		f.items = append(f.items, fmtItem{kind: fmtSpace})
	}
}

func (f *TimeFormat) literal(s string) {
	if n := len(f.items); n > 0 && f.items[n-1].kind == fmtLiteral {
		f.items[n-1].lit += s
		return
	}
	f.items = append(f.items, fmtItem{kind: fmtLiteral, lit: s})
}

// parsedTime holds the fields read from one string.
type parsedTime struct {
	v       [numTimeFields]int64
	has     [numTimeFields]bool
	pm      int8 // 0 unknown, 1 am, 2 pm
	weekday int8 // 0 unknown, 1 Monday .. 7 Sunday
	offset  int64
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}
var weekdayNames = [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// matchName matches a month or weekday name, case-insensitively: its first
// three letters and, with long, the rest of the full name when it follows
// (as chrono).
func matchName(s string, names []string, long bool) (int, string, bool) {
	if len(s) < 3 {
		return 0, s, false
	}
	for k, name := range names {
		if !strings.EqualFold(s[:3], name[:3]) {
			continue
		}
		s = s[3:]
		if rest := name[3:]; long && len(s) >= len(rest) && strings.EqualFold(s[:len(rest)], rest) {
			s = s[len(rest):]
		}
		return k, s, true
	}
	return 0, s, false
}

// scanDigits reads 1 to max ASCII digits.
func scanDigits(s string, max int) (int64, string, bool) {
	var v int64
	i := 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int64(s[i]-'0')
		i++
	}
	return v, s[i:], i > 0
}

func (f *TimeFormat) parse(s string, p *parsedTime) bool {
	*p = parsedTime{}
	ok := true
	for _, it := range f.items {
		switch it.kind {
		case fmtLiteral:
			if !strings.HasPrefix(s, it.lit) {
				return false
			}
			s = s[len(it.lit):]
		case fmtSpace:
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
		case fmtNum:
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
			neg := false
			width := it.width
			if (it.field == tfYear || it.field == tfTimestamp) && s != "" && (s[0] == '-' || s[0] == '+') {
				neg, s, width = s[0] == '-', s[1:], 18
			}
			var v int64
			if v, s, ok = scanDigits(s, width); !ok {
				return false
			}
			if neg {
				v = -v
			}
			p.v[it.field], p.has[it.field] = v, true
		case fmtFrac:
			if s == "" || s[0] != '.' {
				continue
			}
			var v int64
			start := s[1:]
			if v, s, ok = scanDigits(start, 9); !ok {
				return false
			}
			for k := len(start) - len(s); k < 9; k++ {
				v *= 10
			}
			s = strings.TrimLeft(s, "0123456789")
			p.v[tfNano], p.has[tfNano] = v, true
		case fmtFracDot, fmtFracFixed:
			if it.kind == fmtFracDot {
				if s == "" || s[0] != '.' {
					continue
				}
				s = s[1:]
			}
			var v int64
			rest := s
			if v, s, ok = scanDigits(s, it.width); !ok || len(rest)-len(s) != it.width {
				return false
			}
			for k := it.width; k < 9; k++ {
				v *= 10
			}
			p.v[tfNano], p.has[tfNano] = v, true
		case fmtMonthName:
			var k int
			if k, s, ok = matchName(s, monthNames[:], it.long); !ok {
				return false
			}
			p.v[tfMonth], p.has[tfMonth] = int64(k+1), true
		case fmtWeekday:
			var k int
			if k, s, ok = matchName(s, weekdayNames[:], it.long); !ok {
				return false
			}
			p.weekday = int8(k + 1)
		case fmtAmPm:
			if len(s) < 2 {
				return false
			}
			switch {
			case strings.EqualFold(s[:2], "am"):
				p.pm = 1
			case strings.EqualFold(s[:2], "pm"):
				p.pm = 2
			default:
				return false
			}
			s = s[2:]
		case fmtUTCOffset:
			if it.long && s != "" && (s[0] == 'Z' || s[0] == 'z') {
				s = s[1:]
				continue
			}
			if s == "" || (s[0] != '+' && s[0] != '-') {
				return false
			}
			sign := int64(1)
			if s[0] == '-' {
				sign = -1
			}
			var h, m int64
			if len(s) < 3 || !allDigits(s[1:3]) {
				return false
			}
			h, s = int64(s[1]-'0')*10+int64(s[2]-'0'), s[3:]
			if s != "" && (s[0] == ':' || s[0] == ' ') {
				s = s[1:]
			}
			if len(s) >= 2 && allDigits(s[:2]) {
				m, s = int64(s[0]-'0')*10+int64(s[1]-'0'), s[2:]
			} else if !it.long {
				return false
			}
			if h > 23 || m > 59 {
				return false
			}
			p.offset = sign * (h*3600 + m*60)
		}
	}
	return s == ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const maxParsedYear = 262142 // chrono's range

// monthLength is the number of days of month m (1–12) of year y.
func monthLength(y, m int64) int64 {
	switch m {
	case 2:
		if core.IsLeapYear(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// resolve turns the parsed fields into days since the epoch and seconds
// and nanoseconds into the day, in UTC when an offset was read.
func (p *parsedTime) resolve() (days, secs, nanos int64, ok bool) {
	if p.has[tfTimestamp] {
		ts := p.v[tfTimestamp]
		days = ts / 86400
		secs = ts % 86400
		if secs < 0 {
			days, secs = days-1, secs+86400
		}
		return days, secs, p.v[tfNano], p.v[tfNano] < 1e9
	}
	var y int64
	switch {
	case p.has[tfYear]:
		y = p.v[tfYear]
	case p.has[tfYearMod100]:
		y = p.v[tfYearMod100] + 1900
		if y < 1970 {
			y += 100
		}
	default:
		return 0, 0, 0, false
	}
	if y < -maxParsedYear || y > maxParsedYear {
		return 0, 0, 0, false
	}
	if p.has[tfOrdinal] {
		o := p.v[tfOrdinal]
		n := int64(365)
		if core.IsLeapYear(y) {
			n = 366
		}
		if o < 1 || o > n {
			return 0, 0, 0, false
		}
		days = core.DaysFromCivil(y, 1, 1) + o - 1
	} else {
		m, d := int64(1), int64(1)
		if p.has[tfMonth] {
			m = p.v[tfMonth]
		}
		if p.has[tfDay] {
			d = p.v[tfDay]
		}
		if m < 1 || m > 12 || d < 1 || d > monthLength(y, m) {
			return 0, 0, 0, false
		}
		days = core.DaysFromCivil(y, int(m), int(d))
	}
	if p.weekday != 0 && int8(((days+3)%7+7)%7+1) != p.weekday {
		return 0, 0, 0, false
	}
	var h int64
	switch {
	case p.has[tfHour12]:
		h = p.v[tfHour12]
		if h < 1 || h > 12 || p.pm == 0 {
			return 0, 0, 0, false
		}
		h %= 12
		if p.pm == 2 {
			h += 12
		}
	case p.has[tfHour]:
		h = p.v[tfHour]
		if h > 23 || p.pm != 0 && (h >= 12) != (p.pm == 2) {
			return 0, 0, 0, false
		}
	}
	mi, sec := p.v[tfMinute], p.v[tfSecond] // a leap second (60) carries into the next minute
	if mi > 59 || sec > 60 || p.v[tfNano] >= 1e9 {
		return 0, 0, 0, false
	}
	secs = h*3600 + mi*60 + sec - p.offset
	return days, secs, p.v[tfNano], true
}

// isoDate and isoDatetime are the formats tried when none is given.
var (
	isoDate     = []string{"%Y-%m-%d"}
	isoDatetime = []string{"%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"}
)

func timeFormatsFor(format string, iso []string) ([]*TimeFormat, error) {
	srcs := iso
	if format != "" {
		srcs = []string{format}
	}
	out := make([]*TimeFormat, len(srcs))
	for i, s := range srcs {
		f, err := CompileTimeFormat(s)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// StrToDate parses every string as a Date (Arrow date32) with a strftime
// format; with format "" ISO 8601 dates (YYYY-MM-DD). A string that does
// not parse is an error when strict, otherwise null.
func StrToDate(mem memory.Allocator, a arrow.Array, format string, strict bool) (arrow.Array, error) {
	fs, err := timeFormatsFor(format, isoDate)
	if err != nil {
		return nil, err
	}
	return parseTimes[int32](mem, a, fs, arrow.FixedWidthTypes.Date32, format, strict,
		func(days, _, _ int64) (int32, bool) { return int32(days), true })
}

// StrToDatetime parses every string as a Datetime (Arrow timestamp of to's
// unit) with a strftime format; with format "" ISO 8601 date-times
// (YYYY-MM-DD, then optionally T or a space and HH:MM[:SS[.fraction]]).
// Times read with a UTC offset (%z) are converted to UTC.
func StrToDatetime(mem memory.Allocator, a arrow.Array, format string, to *arrow.TimestampType, strict bool) (arrow.Array, error) {
	fs, err := timeFormatsFor(format, isoDatetime)
	if err != nil {
		return nil, err
	}
	perSec, perNano := int64(1_000_000), int64(1000)
	switch to.Unit {
	case arrow.Second:
		perSec, perNano = 1, 1_000_000_000
	case arrow.Millisecond:
		perSec, perNano = 1000, 1_000_000
	case arrow.Nanosecond:
		perSec, perNano = 1_000_000_000, 1
	}
	return parseTimes[int64](mem, a, fs, to, format, strict, func(days, secs, nanos int64) (int64, bool) {
		t := days*86400 + secs
		if t > math.MaxInt64/perSec-1 || t < math.MinInt64/perSec+1 {
			return 0, false
		}
		return t*perSec + nanos/perNano, true
	})
}

func parseTimes[T int32 | int64](mem memory.Allocator, a arrow.Array, fs []*TimeFormat, to arrow.DataType,
	format string, strict bool, encode func(days, secs, nanos int64) (T, bool)) (arrow.Array, error) {
	n := a.Len()
	c := newStrCol(a)
	buf, out := allocValues[T](mem, n)
	valid := validBits(mem, a, n)
	vb := valid.Bytes()
	var p parsedTime
	failed, first := 0, ""
	for i := range n {
		out[i] = 0
		if !bitutil.BitIsSet(vb, i) {
			continue
		}
		s := c.at(i)
		ok := false
		for _, f := range fs {
			if f.parse(s, &p) {
				var days, secs, nanos int64
				if days, secs, nanos, ok = p.resolve(); ok {
					out[i], ok = encode(days, secs, nanos)
				}
				break
			}
		}
		if !ok {
			bitutil.ClearBit(vb, i)
			if failed == 0 {
				first = strings.Clone(s)
			}
			failed++
		}
	}
	if failed > 0 && strict {
		buf.Release()
		valid.Release()
		shown := "ISO 8601"
		if format != "" {
			shown = strconv.Quote(format)
		}
		return nil, core.Errorf(core.KindCompute,
			"cannot parse %d value(s) as %s with format %s, the first is %q; use strict=False to get nulls instead",
			failed, core.DTypeName(to), shown, first)
	}
	return makeArray(to, n, valid, buf), nil
}
