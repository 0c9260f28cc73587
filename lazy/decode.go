package lazy

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// PlanVersion is the version of the serialized plan format this package
// decodes (docs/plan-format.md). The Python package writes it in every plan.
const PlanVersion = 1

// The plan is parsed in one pass into these types (a node's inputs and
// expressions are decoded in place, not kept as raw text to parse again at
// each level, which made decoding quadratic in the plan's depth).
type jsonPlan struct {
	Version int       `json:"version"`
	Root    *jsonNode `json:"plan"`
}

type jsonNode struct {
	Kind      string         `json:"kind"`
	Source    *int           `json:"source"`
	Input     *jsonNode      `json:"input"`
	Predicate *jsonExpr      `json:"predicate"`
	Exprs     []*jsonExpr    `json:"exprs"`
	Offset    int64          `json:"offset"`
	Length    *int64         `json:"length"`
	Keys      []*jsonExpr    `json:"keys"`
	Right     *jsonNode      `json:"right"`
	How       string         `json:"how"`
	LeftOn    []*jsonExpr    `json:"left_on"`
	RightOn   []*jsonExpr    `json:"right_on"`
	Suffix    string         `json:"suffix"`
	Validate  string         `json:"validate"`
	Path      string         `json:"path"`
	Inputs    []*jsonNode    `json:"inputs"`
	How2      string         `json:"concat"`
	Name      string         `json:"name"`
	N         int64          `json:"n"`
	Options   map[string]any `json:"options"`
	By        []jsonSortKey  `json:"by"`
	Aggs      []*jsonExpr    `json:"aggs"`
	// Query, Params and Tables are a SQL node's (lazy/sql.go).
	Query  string               `json:"query"`
	Params []*jsonExpr          `json:"params"`
	Tables map[string]*jsonNode `json:"tables"`
	// VectorIndexes attaches vector indexes (sources that are indexes) to
	// columns of a scanned frame (lazy/vector_topk.go).
	VectorIndexes []struct {
		Column string `json:"column"`
		Source int    `json:"source"`
	} `json:"vector_indexes"`
}

type jsonSortKey struct {
	Expr       *jsonExpr `json:"expr"`
	Descending bool      `json:"descending"`
	NullsLast  bool      `json:"nulls_last"`
}

type jsonExpr struct {
	Kind    string          `json:"kind"`
	Name    string          `json:"name"`
	Value   json.RawMessage `json:"value"`
	DType   string          `json:"dtype"`
	Op      string          `json:"op"`
	Left    *jsonExpr       `json:"left"`
	Right   *jsonExpr       `json:"right"`
	Expr    *jsonExpr       `json:"expr"`
	Strict  *bool           `json:"strict"`
	Func    string          `json:"func"`
	Args    []*jsonExpr     `json:"args"`
	Opts    map[string]any  `json:"opts"`
	OrderBy []jsonSortKey   `json:"order_by"`
	Param   *float64        `json:"param"`
	Interp  string          `json:"interp"`
}

// Env is what decoding needs from the packages above the planner, passed
// explicitly by whoever decodes (capi wires the engine's own): Opener opens
// the files of file scans, SQL compiles the plan nodes of kind "sql". A nil
// one makes such nodes a NotSupportedError.
type Env struct {
	Opener Opener
	SQL    SQLCompiler
}

// Decode builds a resolved plan from its JSON form. sources are the frames
// the plan's scans refer to by index.
func Decode(data []byte, sources []Source, env Env) (Plan, error) {
	root, err := decodeRoot(data)
	if err != nil {
		return nil, err
	}
	d := decoder{sources: sources, opener: env.Opener, compileSQL: env.SQL}
	return d.node(root)
}

// decodeRoot parses a serialized plan once, after checking its nesting
// depth and format version, and returns its root node.
func decodeRoot(data []byte) (*jsonNode, error) {
	if err := checkJSONNesting(data); err != nil {
		return nil, err
	}
	var jp jsonPlan
	if err := unmarshalNumbers(data, &jp); err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "malformed plan: %v", err)
	}
	if jp.Version != PlanVersion {
		return nil, core.Errorf(core.KindInvalidInput,
			"plan format version %d is not supported by this engine (it reads version %d); "+
				"the Python package and libalopex come from different builds", jp.Version, PlanVersion)
	}
	return jp.Root, nil
}

type decoder struct {
	// planDepth and exprDepth count the nodes and expressions being decoded
	// on the way down, checked against MaxPlanDepth and MaxExprDepth before
	// going deeper.
	planDepth, exprDepth int
	sources              []Source
	opener               Opener
	compileSQL           SQLCompiler
	// opened keeps the file sources opened so far by kind, path and options:
	// a file scanned twice in one plan is one Source, which lets the
	// optimizer see the two scans as the same data.
	opened map[string]Source
}

func malformed(format string, args ...any) error {
	return core.Errorf(core.KindInvalidInput, "malformed plan: "+format, args...)
}

func (d *decoder) node(n *jsonNode) (Plan, error) {
	if n == nil {
		return nil, malformed("missing plan node")
	}
	if d.planDepth++; d.planDepth > MaxPlanDepth {
		return nil, planTooDeep()
	}
	defer func() { d.planDepth-- }()
	if n.Kind == "" {
		return nil, malformed("plan node without a kind")
	}
	if n.Kind == "scan_parquet" || n.Kind == "scan_csv" {
		if d.opener == nil {
			return nil, core.Errorf(core.KindNotSupported, "file scans are not available here")
		}
		opts := map[string]any{}
		for k, v := range n.Options {
			opts[k] = jsonFloats(v)
		}
		key := n.Kind + "\x00" + n.Path + "\x00" + string(canonicalJSON(opts))
		if src, ok := d.opened[key]; ok {
			return NewScan(src), nil
		}
		src, err := d.opener.Open(strings.TrimPrefix(n.Kind, "scan_"), n.Path, opts)
		if err != nil {
			return nil, err
		}
		if d.opened == nil {
			d.opened = map[string]Source{}
		}
		d.opened[key] = src
		return NewScan(src), nil
	}
	if n.Kind == "concat" {
		inputs := make([]Plan, len(n.Inputs))
		for i, in := range n.Inputs {
			p, err := d.node(in)
			if err != nil {
				return nil, err
			}
			inputs[i] = p
		}
		return NewUnion(inputs, n.How2 == "vertical_relaxed")
	}
	if n.Kind == "sql" {
		return d.sql(n)
	}
	if n.Kind == "table" {
		return d.table(n)
	}
	if n.Kind == "scan" {
		if n.Source == nil {
			return nil, malformed("scan without a source")
		}
		if *n.Source < 0 || *n.Source >= len(d.sources) {
			return nil, malformed("scan refers to source %d of %d", *n.Source, len(d.sources))
		}
		src := d.sources[*n.Source]
		for _, vi := range n.VectorIndexes {
			if vi.Source < 0 || vi.Source >= len(d.sources) {
				return nil, malformed("vector index refers to source %d of %d", vi.Source, len(d.sources))
			}
			idx, ok := d.sources[vi.Source].(*VectorIndexSource)
			if !ok {
				return nil, malformed("vector index source %d is not a vector index", vi.Source)
			}
			attached, err := AttachVectorIndex(src, vi.Column, idx.Index)
			if err != nil {
				return nil, err
			}
			src = attached
		}
		return NewScan(src), nil
	}
	input, err := d.node(n.Input)
	if err != nil {
		return nil, err
	}
	switch n.Kind {
	case "filter":
		pred, err := d.expr(n.Predicate)
		if err != nil {
			return nil, err
		}
		return NewFilterPlan(input, pred)
	case "select", "with_columns":
		exprs, err := d.exprs(n.Exprs)
		if err != nil {
			return nil, err
		}
		if n.Kind == "select" {
			return NewSelect(input, exprs)
		}
		return NewWithColumns(input, exprs)
	case "group_by":
		keys, err := d.exprs(n.Keys)
		if err != nil {
			return nil, err
		}
		aggs, err := d.exprs(n.Aggs)
		if err != nil {
			return nil, err
		}
		return NewGroupBy(input, keys, aggs)
	case "join":
		right, err := d.node(n.Right)
		if err != nil {
			return nil, err
		}
		lk, err := d.exprs(n.LeftOn)
		if err != nil {
			return nil, err
		}
		rk, err := d.exprs(n.RightOn)
		if err != nil {
			return nil, err
		}
		if input, right, err = validateJoin(input, right, n.Validate, n.How, lk, rk); err != nil {
			return nil, err
		}
		return NewJoin(input, right, JoinType(n.How), lk, rk, n.Suffix)
	case "with_row_index":
		return NewRowIndex(input, n.Name, n.Offset)
	case "tail":
		if n.N < 0 {
			return nil, core.Errorf(core.KindInvalidInput, "tail needs a non-negative count, got %d", n.N)
		}
		length := int64(-1)
		if n.Length != nil {
			if *n.Length < 0 {
				return nil, core.Errorf(core.KindInvalidInput, "tail needs a non-negative length, got %d", *n.Length)
			}
			length = *n.Length
		}
		return &Tail{Input: input, N: n.N, Length: length}, nil
	case "sort":
		keys := make([]SortKey, len(n.By))
		for i, k := range n.By {
			e, err := d.expr(k.Expr)
			if err != nil {
				return nil, err
			}
			keys[i] = SortKey{Expr: e, Descending: k.Descending, NullsLast: k.NullsLast}
		}
		return NewSort(input, keys)
	case "slice":
		length := int64(-1)
		if n.Length != nil {
			length = *n.Length
		}
		if n.Offset < 0 || length < -1 {
			return nil, core.Errorf(core.KindInvalidInput, "slice offset and length must not be negative (got %d, %d)", n.Offset, length)
		}
		return &Slice{Input: input, Offset: n.Offset, Length: length}, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "plan node %q is not supported by this engine", n.Kind)
}

func (d *decoder) exprs(raws []*jsonExpr) ([]Expr, error) {
	out := make([]Expr, len(raws))
	for i, r := range raws {
		e, err := d.expr(r)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func (d *decoder) expr(e *jsonExpr) (Expr, error) {
	if e == nil {
		return nil, malformed("missing expression")
	}
	if d.exprDepth++; d.exprDepth > MaxExprDepth {
		return nil, exprTooDeep()
	}
	defer func() { d.exprDepth-- }()
	if e.Kind == "" {
		return nil, malformed("expression without a kind")
	}
	switch e.Kind {
	case "col":
		return &Column{Name: e.Name}, nil
	case "lit":
		return decodeLiteral(*e)
	case "alias":
		x, err := d.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		return &Alias{X: x, Name: e.Name}, nil
	case "cast":
		x, err := d.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		to, err := core.ParseDType(e.DType)
		if err != nil {
			return nil, err
		}
		strict := e.Strict == nil || *e.Strict
		return &Cast{X: x, To: to, Strict: strict}, nil
	case "over":
		x, err := d.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		part, err := d.exprs(e.Args)
		if err != nil {
			return nil, err
		}
		w := &Window{X: x, PartitionBy: part}
		for _, k := range e.OrderBy {
			oe, err := d.expr(k.Expr)
			if err != nil {
				return nil, err
			}
			w.OrderBy = append(w.OrderBy, SortKey{Expr: oe, Descending: k.Descending, NullsLast: k.NullsLast})
		}
		return w, nil
	case "call":
		args, err := d.exprs(e.Args)
		if err != nil {
			return nil, err
		}
		opts := map[string]any{}
		for k, v := range e.Opts {
			vals, isArray, err := d.arrayOpt(v)
			if err != nil {
				return nil, err
			}
			if isArray {
				opts[k] = vals
				continue
			}
			opts[k] = jsonOpt(v)
		}
		return &Call{Name: e.Name, Args: args, Opts: opts}, nil
	case "agg":
		a := &Agg{Func: AggFunc(e.Func), Interp: e.Interp}
		if e.Param != nil {
			a.Param = *e.Param
		} else if a.Func == AggStd || a.Func == AggVar || a.Func == AggCov {
			a.Param = 1
		}
		if e.Expr != nil {
			x, err := d.expr(e.Expr)
			if err != nil {
				return nil, err
			}
			a.X = x
		}
		if e.Right != nil { // the second input of corr and cov
			y, err := d.expr(e.Right)
			if err != nil {
				return nil, err
			}
			a.Y = y
		}
		return a, nil
	case "unary":
		x, err := d.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: UnaryOp(e.Op), X: x}, nil
	case "binary":
		l, err := d.expr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := d.expr(e.Right)
		if err != nil {
			return nil, err
		}
		op := BinaryOp(e.Op)
		if _, ok := binarySymbols[op]; !ok {
			return nil, core.Errorf(core.KindNotSupported, "binary operator %q is not supported", e.Op)
		}
		return &Binary{Op: op, Left: l, Right: r}, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "expression kind %q is not supported by this engine", e.Kind)
}

// decodeLiteral reads {"kind":"lit","value":V,"dtype":T}. Without dtype the
// literal is dynamic (typed by context). Floats that JSON cannot carry come as
// the strings "nan", "inf" and "-inf".
func decodeLiteral(e jsonExpr) (Expr, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(e.Value))
	dec.UseNumber()
	if len(e.Value) > 0 {
		if err := dec.Decode(&v); err != nil {
			return nil, malformed("literal: %v", err)
		}
	}
	switch e.DType {
	case "":
		switch x := v.(type) {
		case nil:
			return &Literal{Value: nil}, nil
		case bool, string:
			return &Literal{Value: x}, nil
		case json.Number:
			if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return &Literal{Value: i, Dynamic: true}, nil
			}
			f, err := strconv.ParseFloat(string(x), 64)
			if err != nil {
				return nil, malformed("literal %s", x)
			}
			return &Literal{Value: f, Dynamic: true}, nil
		}
		return nil, malformed("literal of unexpected JSON type %T", v)
	case "Float64", "Float32":
		f, err := jsonFloat(v)
		if err != nil {
			return nil, err
		}
		t, _ := core.ParseDType(e.DType)
		return &Literal{Value: f, Type: t, Dynamic: e.DType == "Float64"}, nil
	}
	t, err := core.ParseDType(e.DType)
	if err != nil {
		return nil, err
	}
	if t.ID() == arrow.FIXED_SIZE_LIST && v != nil {
		return decodeVectorLiteral(e.Value, t) // lazy/fn_vector.go
	}
	if v == nil {
		return &Literal{Value: nil, Type: t}, nil
	}
	if dt, ok := t.(*arrow.Decimal128Type); ok {
		if s, ok := v.(string); ok {
			// An exact decimal (Python's decimal.Decimal) travels as its text.
			num, err := decimal128.FromString(s, dt.Precision, dt.Scale)
			if err != nil {
				return nil, core.Errorf(core.KindInvalidInput, "decimal literal %s does not fit in %s: %v", s, e.DType, err)
			}
			return &Literal{Value: num, Type: t}, nil
		}
	}
	lit := &Literal{Value: v}
	if n, ok := v.(json.Number); ok {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			lit.Value = i
		} else if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
			lit.Value = u
		} else if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			lit.Value = f
		}
	}
	lit.Type = literalType(lit.Value)
	folded := foldCast(&Cast{X: lit, To: t, Strict: true})
	if _, ok := folded.(*Literal); !ok {
		return nil, core.Errorf(core.KindInvalidInput, "literal %v does not fit in %s", v, e.DType)
	}
	return folded, nil
}

func jsonFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return strconv.ParseFloat(string(x), 64)
	case string:
		switch x {
		case "nan":
			return math.NaN(), nil
		case "inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
	case nil:
		return 0, malformed("float literal without a value")
	}
	return 0, malformed("float literal %v", v)
}

// DecodeExpr decodes one expression of the plan format, unresolved.
func DecodeExpr(data []byte) (Expr, error) {
	if err := checkJSONNesting(data); err != nil {
		return nil, err
	}
	var e *jsonExpr
	if err := unmarshalNumbers(data, &e); err != nil {
		return nil, malformed("%v", err)
	}
	var d decoder
	return d.expr(e)
}

// unmarshalNumbers decodes one JSON value into v, numbers as json.Number
// (literals and options keep integers exact), and nothing after it.
func unmarshalNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return errors.New("unexpected data after the plan")
	}
	return nil
}

// jsonFloats turns the json.Numbers of a plan node's options into float64,
// as encoding/json decodes numbers into an any.
func jsonFloats(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = jsonFloats(y)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = jsonFloats(y)
		}
		return out
	}
	return v
}

// jsonOpt turns a decoded option (json.Number under UseNumber) into int64,
// uint64, float64, bool, string, nil or []any of those.
func jsonOpt(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		// UInt64 values past int64 stay exact (is_in lists of UInt64).
		if u, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return u
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = jsonOpt(y)
		}
		return out
	}
	return v
}

// canonicalJSON encodes v with map keys sorted (encoding/json sorts them),
// so equal options give equal bytes.
func canonicalJSON(v any) []byte {
	b, _ := json.Marshal(v) // options are JSON values already
	return b
}

// validateJoin makes a join's validate= ("1:1", "1:m", "m:1"; "" and "m:m"
// check nothing) part of the plan: the side that must be unique is
// filtered by assert_unique of its keys, which fails the query with a
// ComputeError on a duplicate key instead of letting the join pass it
// silently. A cross join has no keys to check; semi, anti and right joins
// refuse a validation, as Polars does.
func validateJoin(left, right Plan, validate, how string, lk, rk []Expr) (Plan, Plan, error) {
	switch validate {
	case "", "m:m":
		return left, right, nil
	case "1:1", "1:m", "m:1":
	default:
		return nil, nil, core.Errorf(core.KindInvalidInput, "join validate must be one of 'm:m', 'm:1', '1:m', '1:1', got %q", validate)
	}
	switch how {
	case "cross":
		return left, right, nil
	case "semi", "anti", "right":
		return nil, nil, core.Errorf(core.KindCompute, "%s validation on a %s join is not supported", validate, strings.ToUpper(how))
	}
	unique := func(side Plan, keys []Expr) (Plan, error) {
		return NewFilterPlan(side, &Call{Name: "assert_unique", Args: keys,
			Opts: map[string]any{"message": "join keys did not fulfill " + validate + " validation"}})
	}
	var err error
	if validate != "m:1" {
		if left, err = unique(left, lk); err != nil {
			return nil, nil, err
		}
	}
	if validate != "1:m" {
		if right, err = unique(right, rk); err != nil {
			return nil, nil, err
		}
	}
	return left, right, nil
}
