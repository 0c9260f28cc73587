package core

import (
	"bufio"
	"math"
	"os"
	"unicode/utf8"
)

// IntOption reads an option value decoded from JSON that must be an
// integer (JSON numbers arrive as float64).
func IntOption(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

// FirstInvalidUTF8 is the position of b's first byte that does not start
// a valid UTF-8 sequence, or len(b) if b is valid.
func FirstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// CreateFile creates the file at path and hands write a buffered writer to
// it; on any error (writing, flushing, closing) it removes the file. Errors
// of write are returned as they are; the others name the path.
func CreateFile(path string, write func(w *bufio.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return Errorf(KindInvalidInput, "cannot create %s: %v", path, err).With("path", path)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = Errorf(KindInvalidInput, "writing %s: %v", path, cerr).With("path", path)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return Errorf(KindInvalidInput, "writing %s: %v", path, err).With("path", path)
	}
	return nil
}
