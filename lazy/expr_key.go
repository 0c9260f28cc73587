package lazy

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// exprKeys numbers expressions so that two get the same id exactly when
// they print the same and their nodes have the same types (what exprKey
// compares), in time linear in the size of the trees. A node's key is its
// own text with each child replaced by the child's id, plus its type, so no
// subtree is printed more than once; keying every node by its whole text
// instead costs the size of its subtree per node, quadratic in the depth
// (common-subexpression search over a 4,000-term sum took minutes).
type exprKeys struct {
	byNode map[Expr]int
	byText map[string]int
}

func newExprKeys() *exprKeys {
	return &exprKeys{byNode: map[Expr]int{}, byText: map[string]int{}}
}

// id is e's number: equal for structurally equal expressions.
func (k *exprKeys) id(e Expr) int {
	if n, ok := k.byNode[e]; ok {
		return n
	}
	ch := e.Children()
	shallow := e
	if len(ch) > 0 {
		refs := make([]Expr, len(ch))
		for i, c := range ch {
			refs[i] = keyRef(k.id(c))
		}
		shallow = e.WithChildren(refs)
	}
	var b strings.Builder
	writeExpr(&b, shallow)
	b.WriteByte('|')
	if t := e.DataType(); t != nil {
		b.WriteString(t.String())
	}
	text := b.String()
	n, ok := k.byText[text]
	if !ok {
		n = len(k.byText)
		k.byText[text] = n
	}
	k.byNode[e] = n
	return n
}

// keyRef stands for an already numbered child in a node's key.
type keyRef int

func (r keyRef) DataType() arrow.DataType { return nil }
func (r keyRef) Children() []Expr         { return nil }
func (r keyRef) WithChildren([]Expr) Expr { return r }
func (r keyRef) String() string           { return "#" + strconv.Itoa(int(r)) }
