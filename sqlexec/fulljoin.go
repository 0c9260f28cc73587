package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/core"
)

// The MySQL grammar of the TiDB parser has no FULL [OUTER] JOIN: it reads
// `a FULL JOIN b` as `a AS full JOIN b`, an inner join. Rather than keep a
// second grammar, the text is rewritten before parsing: each FULL [OUTER]
// JOIN becomes STRAIGHT_JOIN, which the parser accepts with ON and USING
// (ast.Join.StraightJoin), and the translator compiles every STRAIGHT_JOIN
// as a full join. A query that says STRAIGHT_JOIN itself is refused, so the
// marker means one thing only.

const straightJoin = "STRAIGHT_JOIN"

// textEdit is one replacement made in the text before parsing: the bytes
// [at, at+newLen) of the new text stand for [oldAt, oldAt+oldLen) of the
// original.
type textEdit struct {
	at, newLen, oldAt, oldLen int
}

// word is an identifier or keyword of the query text, outside string
// literals, quoted identifiers and comments.
type word struct {
	start, end int
}

// scanWords lists the words of q in order, skipping 'strings', "strings",
// `identifiers`, -- and # comments and /* comments */.
func scanWords(q string) []word {
	var out []word
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(q, i)
		case c == '#' || (c == '-' && strings.HasPrefix(q[i:], "-- ")):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				return out
			}
			i += j
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			if j < 0 {
				return out
			}
			i += 2 + j + 2
		case isIdentByte(c):
			j := i
			for j < len(q) && isIdentByte(q[j]) {
				j++
			}
			// A number such as 1e5 or a name after a dot (t.full) is a
			// word too; callers look at what precedes it.
			out = append(out, word{i, j})
			i = j
		default:
			i++
		}
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

// rewriteFullJoins replaces FULL [OUTER] JOIN by STRAIGHT_JOIN (padded with
// spaces when the original is longer, so that positions stay) and returns
// the edits made, for mapping error positions back. A STRAIGHT_JOIN in the
// query is NotSupported.
func rewriteFullJoins(q string) (string, []textEdit, error) {
	ws := scanWords(q)
	text := func(w word) string { return q[w.start:w.end] }
	var edits []textEdit
	var out strings.Builder
	last := 0 // end of the original text copied so far
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if strings.EqualFold(text(w), straightJoin) {
			return "", nil, core.Errorf(core.KindNotSupported,
				"STRAIGHT_JOIN is not supported (alopex chooses the join order itself); use JOIN")
		}
		if !strings.EqualFold(text(w), "full") || (w.start > 0 && q[w.start-1] == '.') {
			continue
		}
		if i > 0 && strings.EqualFold(text(ws[i-1]), "as") {
			continue // `t AS full`: an alias
		}
		j := i + 1
		if j < len(ws) && strings.EqualFold(text(ws[j]), "outer") {
			j++
		}
		if j >= len(ws) || !strings.EqualFold(text(ws[j]), "join") {
			continue
		}
		end := ws[j].end
		out.WriteString(q[last:w.start])
		repl := straightJoin
		if n := end - w.start; n > len(repl) {
			repl += strings.Repeat(" ", n-len(repl))
		}
		edits = append(edits, textEdit{at: out.Len(), newLen: len(repl), oldAt: w.start, oldLen: end - w.start})
		out.WriteString(repl)
		last = end
		i = j
	}
	if len(edits) == 0 {
		return q, nil, nil
	}
	out.WriteString(q[last:])
	return out.String(), edits, nil
}

// originalOffset maps a byte offset of the rewritten text to the original
// text; an offset inside a replacement maps into the replaced text.
func originalOffset(p int, edits []textEdit) int {
	shift := 0
	for _, e := range edits {
		if p < e.at {
			break
		}
		if p < e.at+e.newLen {
			return e.oldAt + min(p-e.at, e.oldLen)
		}
		shift = e.oldAt + e.oldLen - (e.at + e.newLen)
	}
	return p + shift
}

// offsetOf is the byte offset of a line (1-based) and column in text, as
// the TiDB parser counts them: on the first line the column is the offset
// from the start of the text, on the others from the newline before.
func offsetOf(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	if line > 1 {
		col--
	}
	return max(0, min(off+col, len(text)))
}

// lineCol is the line and column of a byte offset of text, as offsetOf
// counts them.
func lineCol(text string, off int) (int, int) {
	off = min(off, len(text))
	line := 1 + strings.Count(text[:off], "\n")
	col := off - (strings.LastIndexByte(text[:off], '\n') + 1)
	if line > 1 {
		col++
	}
	return line, col
}
