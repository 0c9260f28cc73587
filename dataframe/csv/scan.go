package csv

// The tokenizer: records and fields found in a byte range of a file, with
// line numbers for errors.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/alopexdb/alopex/core"
)

// csvField locates one field of the current record in the scanner's buffer:
// buf[start:end] is its text (inside the quotes for a quoted field).
type csvField struct {
	start, end int
	quoted     bool
	escaped    bool // holds doubled quotes to undo
}

// csvScanner splits a byte range of a file into records. It reads the file
// in large chunks into buf, whose first byte is at file offset base.
type csvScanner struct {
	fh      io.ReaderAt
	path    string
	size    int64
	sep     byte
	quote   byte
	base    int64
	buf     []byte
	pos     int
	chunk   int
	fields  []csvField
	scratch []byte
	// recStart is the file offset of the record last returned by next.
	recStart int64
}

func newCSVScanner(fh io.ReaderAt, path string, size int64, opts Options, at int64, chunk int) *csvScanner {
	return &csvScanner{fh: fh, path: path, size: size, sep: opts.Separator, quote: opts.Quote, base: at, chunk: max(chunk, 4096)}
}

// offset is the file offset of the next unread byte.
func (s *csvScanner) offset() int64 { return s.base + int64(s.pos) }

func (s *csvScanner) atEOF() bool { return s.base+int64(len(s.buf)) >= s.size }

// fill reads the first chunk (into buf's memory when it is large enough).
func (s *csvScanner) fill() error {
	n := max(int(min(int64(s.chunk), s.size-s.base)), 0)
	if cap(s.buf) >= n {
		s.buf = s.buf[:n]
	} else {
		s.buf = make([]byte, n)
	}
	return s.readAt(s.buf, s.base)
}

// pieceBuffers recycles the buffers pieces are read into (their text is
// copied into the columns).
var pieceBuffers sync.Pool

func (s *csvScanner) readAt(b []byte, off int64) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := s.fh.ReadAt(b, off); err != nil {
		return core.Errorf(core.KindInvalidInput, "reading %s: %v (did the file change while it was read?)", s.path, err).With("path", s.path)
	}
	return nil
}

// refill keeps the unread bytes and reads more after them, growing the
// buffer when one record is longer than it.
func (s *csvScanner) refill() error {
	keep := len(s.buf) - s.pos
	from := s.base + int64(len(s.buf))
	n := int(min(int64(max(s.chunk, keep)), s.size-from))
	if keep+n > cap(s.buf) {
		nb := make([]byte, keep+n)
		copy(nb, s.buf[s.pos:])
		s.buf = nb
	} else {
		copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:keep+n]
	}
	s.base += int64(s.pos)
	s.pos = 0
	return s.readAt(s.buf[keep:], from)
}

// skipLine moves past the next line break (raw: quotes are not interpreted).
func (s *csvScanner) skipLine() error {
	for {
		if k := bytes.IndexByte(s.buf[s.pos:], '\n'); k >= 0 {
			s.pos += k + 1
			return nil
		}
		if s.atEOF() {
			s.pos = len(s.buf)
			return nil
		}
		s.pos = len(s.buf)
		if err := s.refill(); err != nil {
			return err
		}
	}
}

// seekRecord moves to the first record that starts after the current
// offset: past the first line break outside quotes, given whether the
// current offset is inside a quoted field.
func (s *csvScanner) seekRecord(inQuote bool) error {
	for {
		i := s.pos
		for i < len(s.buf) {
			if inQuote {
				k := bytes.IndexByte(s.buf[i:], s.quote)
				if k < 0 {
					i = len(s.buf)
					break
				}
				i += k + 1
				inQuote = false
				continue
			}
			c := s.buf[i]
			i++
			if c == '\n' {
				s.pos = i
				return nil
			}
			if c == s.quote && s.quote != 0 {
				inQuote = true
			}
		}
		s.pos = i
		if s.atEOF() {
			return nil
		}
		if err := s.refill(); err != nil {
			return err
		}
	}
}

var errNeedMore = errors.New("csv: record continues past the buffer")

// next reads the next record into fields; false at the end of the file.
func (s *csvScanner) next() (bool, error) {
	for {
		end, err := s.parse()
		if err == errNeedMore {
			if err := s.refill(); err != nil {
				return false, err
			}
			continue
		}
		if err != nil || end < 0 {
			return false, err
		}
		s.recStart = s.offset()
		s.pos = end
		return true, nil
	}
}

// parse splits the record at pos into fields and returns the index just
// past it (-1 at the end of the file), or errNeedMore when the buffer ends
// inside it before the end of the file.
func (s *csvScanner) parse() (int, error) {
	buf := s.buf
	n := len(buf)
	eof := s.atEOF()
	i := s.pos
	if i >= n {
		if eof {
			return -1, nil
		}
		return 0, errNeedMore
	}
	sep, quote := s.sep, s.quote
	s.fields = s.fields[:0]
	for {
		if quote != 0 && i < n && buf[i] == quote {
			start := i + 1
			j := start
			escaped := false
			for {
				k := bytes.IndexByte(buf[j:], quote)
				if k < 0 {
					if eof {
						return 0, s.errorAt(s.base+int64(i), "a quoted field is not closed before the end of the file (is the file truncated?)")
					}
					return 0, errNeedMore
				}
				j += k
				if j+1 < n {
					if buf[j+1] == quote {
						escaped = true
						j += 2
						continue
					}
				} else if !eof {
					return 0, errNeedMore
				}
				break
			}
			s.fields = append(s.fields, csvField{start: start, end: j, quoted: true, escaped: escaped})
			i = j + 1
			if i == n {
				return n, nil
			}
			switch buf[i] {
			case sep:
				i++
				continue
			case '\n':
				return i + 1, nil
			case '\r':
				if i+1 < n && buf[i+1] == '\n' {
					return i + 2, nil
				}
				if i+1 == n {
					if eof {
						return n, nil
					}
					return 0, errNeedMore
				}
			}
			return 0, s.errorAt(s.base+int64(i), fmt.Sprintf("unexpected %q after the closing quote of a field", buf[i]))
		}
		j := i
		for j < n {
			c := buf[j]
			if c == sep || c == '\n' {
				break
			}
			if c == quote && quote != 0 {
				return 0, s.errorAt(s.base+int64(j), fmt.Sprintf("a quote character (%q) inside an unquoted field; quote the whole field, or pass quote_char=None", quote))
			}
			j++
		}
		if j == n && !eof {
			return 0, errNeedMore
		}
		if j < n && buf[j] == sep {
			s.fields = append(s.fields, csvField{start: i, end: j})
			i = j + 1
			continue
		}
		end := j
		if end > i && buf[end-1] == '\r' {
			end--
		}
		s.fields = append(s.fields, csvField{start: i, end: end})
		if j == n {
			return n, nil
		}
		return j + 1, nil
	}
}

// value returns a field's text, with doubled quotes undone (in scratch,
// valid until the next call).
func (s *csvScanner) value(f *csvField) []byte {
	v := s.buf[f.start:f.end]
	if !f.escaped {
		return v
	}
	out := s.scratch[:0]
	for {
		k := bytes.IndexByte(v, s.quote)
		if k < 0 {
			break
		}
		out = append(out, v[:k+1]...)
		v = v[k+2:]
	}
	out = append(out, v...)
	s.scratch = out
	return out
}

func (s *csvScanner) tooManyFields(want int, header bool) error {
	what := "the header has"
	if !header {
		what = "the first record has"
	}
	return s.errorAt(s.recStart, fmt.Sprintf("found %d fields, but %s %d (malformed or truncated CSV)", len(s.fields), what, want))
}

// errorAt makes an InvalidInput error naming the file and the line of a
// byte offset (counted by reading the file up to it: errors are rare).
func (s *csvScanner) errorAt(off int64, msg string) error {
	line := lineAt(s.fh, off)
	return core.Errorf(core.KindInvalidInput, "%s: line %d: %s", s.path, line, msg).With("path", s.path).With("line", line)
}

func lineAt(r io.ReaderAt, off int64) int64 {
	line := int64(1)
	buf := make([]byte, 1<<20)
	for pos := int64(0); pos < off; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), off-pos)], pos)
		line += int64(bytes.Count(buf[:n], []byte{'\n'}))
		pos += int64(n)
		if err != nil || n == 0 {
			break
		}
	}
	return line
}
