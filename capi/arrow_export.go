package main

// The Arrow C stream that hands a table to Python. arrow-go's exporter
// builds Go objects, a cgo.Handle and several C allocations for every field
// of the schema and every column of a batch (about 720 bytes a field for the
// schema alone): a 300k-column frame paid hundreds of MB for it. Here a
// schema is one C allocation (structs, child pointers, names and formats) and
// a batch is one C allocation (structs, child pointers, buffer pointers) plus
// one handle to the buffers it shares. Columns of nested or dictionary types
// are still exported by arrow-go, each into its slot of the block. Data
// buffers are never copied: the exported arrays point at the table's
// buffers, and the block keeps a reference to those buffers (not to the Go
// arrays, nor the schema) until the last exported array using it is
// released.
//
// Release follows the C Data Interface: the parent's release releases the
// children still owned by it; a child moved out by the consumer is released
// on its own. Each block counts the releases still to come (the parent and
// the children exported by us) and is freed by the last.

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_NULLABLE 2
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};
#endif
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE
struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};
#endif

// ax_block heads every export block; the structs follow it.
typedef struct {
  int64_t refs;      // releases still to come
  uintptr_t handle;  // cgo.Handle of what the block keeps alive, or 0
} ax_block;

extern void axExportDone(uintptr_t handle);
extern int axStreamGetSchema(struct ArrowArrayStream*, struct ArrowSchema*);
extern int axStreamGetNext(struct ArrowArrayStream*, struct ArrowArray*);
extern char* axStreamGetError(struct ArrowArrayStream*);
extern void axStreamRelease(struct ArrowArrayStream*);

static inline void ax_unref(ax_block* b) {
  if (__atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0) {
    uintptr_t h = b->handle;
    free(b);
    if (h != 0) axExportDone(h);
  }
}

static inline void ax_release_schema_child(struct ArrowSchema* s) {
  if (s->release == NULL) return;
  s->release = NULL;
  ax_unref((ax_block*)s->private_data);
}

static inline void ax_release_schema(struct ArrowSchema* s) {
  if (s->release == NULL) return;
  for (int64_t i = 0; i < s->n_children; i++) {
    struct ArrowSchema* c = s->children[i];
    if (c->release != NULL) c->release(c);
  }
  s->release = NULL;
  ax_unref((ax_block*)s->private_data);
}

static inline void ax_release_array_child(struct ArrowArray* a) {
  if (a->release == NULL) return;
  a->release = NULL;
  ax_unref((ax_block*)a->private_data);
}

static inline void ax_release_array(struct ArrowArray* a) {
  if (a->release == NULL) return;
  for (int64_t i = 0; i < a->n_children; i++) {
    struct ArrowArray* c = a->children[i];
    if (c->release != NULL) c->release(c);
  }
  a->release = NULL;
  ax_unref((ax_block*)a->private_data);
}

// The stream callbacks clear the output struct before Go writes pointers
// into it: garbage there would look like pointers to the garbage collector
// (the same guard as arrow-go's trampolines).
static inline int ax_stream_get_schema(struct ArrowArrayStream* s, struct ArrowSchema* out) {
  memset(out, 0, sizeof(*out));
  return axStreamGetSchema(s, out);
}

static inline int ax_stream_get_next(struct ArrowArrayStream* s, struct ArrowArray* out) {
  memset(out, 0, sizeof(*out));
  return axStreamGetNext(s, out);
}

typedef void (*ax_schema_release)(struct ArrowSchema*);
typedef void (*ax_array_release)(struct ArrowArray*);
static inline ax_schema_release ax_schema_release_fn(int child) {
  return child ? ax_release_schema_child : ax_release_schema;
}
static inline ax_array_release ax_array_release_fn(int child) {
  return child ? ax_release_array_child : ax_release_array;
}
static inline void ax_call_schema_release(struct ArrowSchema* s) {
  if (s->release != NULL) s->release(s);
}
static inline void ax_call_array_release(struct ArrowArray* a) {
  if (a->release != NULL) a->release(a);
}

static inline void ax_init_stream(struct ArrowArrayStream* s, void* private_data) {
  s->get_schema = ax_stream_get_schema;
  s->get_next = ax_stream_get_next;
  s->get_last_error = (const char* (*)(struct ArrowArrayStream*))axStreamGetError;
  s->release = axStreamRelease;
  s->private_data = private_data;
}
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// cSchema and cArray name the C structs for the tests (which cannot use cgo).
type (
	cSchema = C.struct_ArrowSchema
	cArray  = C.struct_ArrowArray
)

// releaseSchema and releaseArray call a C struct's release callback unless
// it is released already, as a consumer does.
func releaseSchema(s *cSchema) { C.ax_call_schema_release(s) }
func releaseArray(a *cArray)   { C.ax_call_array_release(a) }

// exportStream writes an ArrowArrayStream over schema and batches to out
// (a struct owned by the caller). The batches are exported at once, so that
// the stream holds no Go array: only C structs and the data buffers they
// point at. The schema is exported when the consumer asks for it, once.
func exportStream(schema *arrow.Schema, batches []arrow.RecordBatch, out unsafe.Pointer) {
	st := &streamState{schema: schema, arrays: make([]*C.struct_ArrowArray, len(batches))}
	for i, rb := range batches {
		st.arrays[i] = (*C.struct_ArrowArray)(C.calloc(1, C.sizeof_struct_ArrowArray))
		exportBatch(rb, st.arrays[i])
	}
	h := (*C.uintptr_t)(C.malloc(C.sizeof_uintptr_t))
	*h = C.uintptr_t(cgo.NewHandle(st))
	C.ax_init_stream((*C.struct_ArrowArrayStream)(out), unsafe.Pointer(h))
}

type streamState struct {
	schema *arrow.Schema          // nil once handed out
	arrays []*C.struct_ArrowArray // exported batches not yet handed out
	next   int
	err    *C.char // the last error, malloc'd
}

func streamOf(s *C.struct_ArrowArrayStream) *streamState {
	return cgo.Handle(*(*C.uintptr_t)(s.private_data)).Value().(*streamState)
}

// fail records a panic of a stream callback as the stream's last error: a
// callback runs outside any export's recover, and a panic must not cross
// into C.
func (st *streamState) fail(msg string) C.int {
	if st.err != nil {
		C.free(unsafe.Pointer(st.err))
	}
	st.err = C.CString(msg)
	return C.EIO
}

//export axStreamGetSchema
func axStreamGetSchema(s *C.struct_ArrowArrayStream, out *C.struct_ArrowSchema) (status C.int) {
	st := streamOf(s)
	defer func() {
		if r := recover(); r != nil {
			status = st.fail(fmt.Sprintf("internal error exporting a table (a bug in alopex; please report it): %v", r))
		}
	}()
	if st.schema == nil {
		// Dropping the Go schema after the first call frees its
		// per-field objects while the consumer imports the batches.
		return st.fail("the schema of this stream was already read")
	}
	exportSchema(st.schema, out)
	st.schema = nil
	return 0
}

//export axStreamGetNext
func axStreamGetNext(s *C.struct_ArrowArrayStream, out *C.struct_ArrowArray) C.int {
	st := streamOf(s)
	if st.next >= len(st.arrays) {
		out.release = nil // end of stream
		return 0
	}
	a := st.arrays[st.next]
	st.arrays[st.next] = nil
	st.next++
	*out = *a // moved to the consumer
	C.free(unsafe.Pointer(a))
	return 0
}

//export axStreamGetError
func axStreamGetError(s *C.struct_ArrowArrayStream) *C.char {
	return streamOf(s).err
}

//export axStreamRelease
func axStreamRelease(s *C.struct_ArrowArrayStream) {
	if s.release == nil {
		return
	}
	h := cgo.Handle(*(*C.uintptr_t)(s.private_data))
	st := h.Value().(*streamState)
	for _, a := range st.arrays {
		if a != nil {
			releaseArray(a)
			C.free(unsafe.Pointer(a))
		}
	}
	if st.err != nil {
		C.free(unsafe.Pointer(st.err))
	}
	h.Delete()
	C.free(s.private_data)
	s.private_data = nil
	s.release = nil
}

// axExportDone drops the buffers a freed export block kept alive.
//
//export axExportDone
func axExportDone(handle C.uintptr_t) {
	h := cgo.Handle(handle)
	for _, b := range h.Value().([]*memory.Buffer) {
		b.Release()
	}
	h.Delete()
}

// flatBuffers is the number of buffers a column of type t has in the C Data
// Interface when we export it ourselves, or 0 for the types left to arrow-go
// (nested, dictionary, extension, view and union types, and those without a
// validity bitmap).
func flatBuffers(t arrow.DataType) int {
	switch t.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64,
		arrow.DURATION, arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256,
		arrow.FIXED_SIZE_BINARY, arrow.INTERVAL_MONTHS, arrow.INTERVAL_DAY_TIME,
		arrow.INTERVAL_MONTH_DAY_NANO:
		return 2
	case arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return 3
	}
	return 0
}

// formats caches the C Data Interface format string of each flat type, as
// arrow-go writes it: a wide schema has few distinct types.
var formats sync.Map // type key -> string

func formatOf(t arrow.DataType) string {
	// Some fingerprints leave out parameters (a fixed-size binary's width):
	// the type's text completes the key.
	key := t.Fingerprint() + "|" + t.String()
	if f, ok := formats.Load(key); ok {
		return f.(string)
	}
	tmp := (*C.struct_ArrowSchema)(C.calloc(1, C.sizeof_struct_ArrowSchema))
	defer C.free(unsafe.Pointer(tmp))
	exportField(arrow.Field{Type: t, Nullable: true}, tmp)
	f := C.GoString(tmp.format)
	C.ax_call_schema_release(tmp)
	formats.Store(key, f)
	return f
}

// exportField writes f to dst (zeroed) with arrow-go's exporter, which has
// no call for one field: it exports a schema of f alone and moves the child
// out of it.
func exportField(f arrow.Field, dst *C.struct_ArrowSchema) {
	tmp := (*C.struct_ArrowSchema)(C.calloc(1, C.sizeof_struct_ArrowSchema))
	defer C.free(unsafe.Pointer(tmp))
	cdata.ExportArrowSchema(arrow.NewSchema([]arrow.Field{f}, nil), (*cdata.CArrowSchema)(unsafe.Pointer(tmp)))
	child := *(**C.struct_ArrowSchema)(unsafe.Pointer(tmp.children))
	*dst = *child
	child.release = nil // moved
	C.ax_call_schema_release(tmp)
}

// exportSchema writes schema to out as a struct type of its fields: one
// block unless a field is left to arrow-go (its own allocations, released
// through the parent).
func exportSchema(schema *arrow.Schema, out *C.struct_ArrowSchema) {
	n := schema.NumFields()
	if schema.HasMetadata() {
		// Schema metadata is rare and small: arrow-go encodes it.
		cdata.ExportArrowSchema(schema, (*cdata.CArrowSchema)(unsafe.Pointer(out)))
		return
	}
	fmts := make([]string, n)
	textSize := 1 + len("+s") + 1 // the parent's empty name and its format
	for i := range n {
		f := schema.Field(i)
		if flatBuffers(f.Type) > 0 && !f.HasMetadata() {
			fmts[i] = formatOf(f.Type)
			textSize += len(f.Name) + 1 + len(fmts[i]) + 1
		}
	}
	structSize := C.size_t(unsafe.Sizeof(C.struct_ArrowSchema{}))
	ptrSize := C.size_t(unsafe.Sizeof(uintptr(0)))
	head := C.size_t(unsafe.Sizeof(C.ax_block{}))
	size := head + structSize*C.size_t(n) + ptrSize*C.size_t(n) + C.size_t(textSize)
	block := C.calloc(1, size) // zeroed: Go writes pointers into it
	if block == nil {
		panic("out of memory exporting a schema")
	}
	hdr := (*C.ax_block)(block)
	hdr.refs = 1
	hdr.handle = 0
	children := unsafe.Slice((*C.struct_ArrowSchema)(unsafe.Add(block, head)), n)
	ptrs := unsafe.Slice((**C.struct_ArrowSchema)(unsafe.Add(block, head+structSize*C.size_t(n))), n)
	text := unsafe.Slice((*byte)(unsafe.Add(block, head+(structSize+ptrSize)*C.size_t(n))), textSize)
	put := func(s string) *C.char {
		p := (*C.char)(unsafe.Pointer(&text[0]))
		copy(text, s)
		text[len(s)] = 0
		text = text[len(s)+1:]
		return p
	}
	for i := range n {
		c := &children[i]
		ptrs[i] = c
		f := schema.Field(i)
		if fmts[i] == "" {
			*c = C.struct_ArrowSchema{}
			exportField(f, c)
			continue
		}
		hdr.refs++
		*c = C.struct_ArrowSchema{
			format:       put(fmts[i]),
			name:         put(f.Name),
			release:      C.ax_schema_release_fn(1),
			private_data: block,
		}
		if f.Nullable {
			c.flags = C.ARROW_FLAG_NULLABLE
		}
	}
	*out = C.struct_ArrowSchema{
		format:       put("+s"),
		name:         put(""),
		n_children:   C.int64_t(n),
		release:      C.ax_schema_release_fn(0),
		private_data: block,
	}
	if n > 0 {
		out.children = &ptrs[0]
	}
}

// zeroRegion stands for empty buffers, which some consumers do not accept
// as NULL (apache/arrow#33936); it is C memory so no cgo rule is broken.
var zeroRegion = C.calloc(1, 64)

// exportBatch writes rb to out as a struct array of its columns. The block
// keeps a reference to the buffers of the columns it exports until its last
// release, not to rb: the arrays' Go objects (and the schema) are freed with
// the table, which matters for a frame of 100k columns.
func exportBatch(rb arrow.RecordBatch, out *C.struct_ArrowArray) {
	n := int(rb.NumCols())
	nbufs := 1 // the parent's (absent) validity bitmap
	for i := range n {
		nbufs += flatBuffers(rb.Column(i).DataType())
	}
	structSize := C.size_t(unsafe.Sizeof(C.struct_ArrowArray{}))
	ptrSize := C.size_t(unsafe.Sizeof(uintptr(0)))
	head := C.size_t(unsafe.Sizeof(C.ax_block{}))
	size := head + structSize*C.size_t(n) + ptrSize*C.size_t(n) + ptrSize*C.size_t(nbufs)
	block := C.calloc(1, size) // zeroed: Go writes pointers into it
	if block == nil {
		panic("out of memory exporting a batch")
	}
	hdr := (*C.ax_block)(block)
	hdr.refs = 1
	keep := make([]*memory.Buffer, 0, nbufs)
	children := unsafe.Slice((*C.struct_ArrowArray)(unsafe.Add(block, head)), n)
	ptrs := unsafe.Slice((**C.struct_ArrowArray)(unsafe.Add(block, head+structSize*C.size_t(n))), n)
	bufs := unsafe.Slice((*unsafe.Pointer)(unsafe.Add(block, head+(structSize+ptrSize)*C.size_t(n))), nbufs)
	bufs[0] = nil
	next := 1
	for i := range n {
		c := &children[i]
		ptrs[i] = c
		col := rb.Column(i)
		k := flatBuffers(col.DataType())
		d := col.Data()
		if k == 0 || len(d.Buffers()) != k {
			*c = C.struct_ArrowArray{}
			cdata.ExportArrowArray(col, (*cdata.CArrowArray)(unsafe.Pointer(c)), nil)
			continue
		}
		own := bufs[next : next+k]
		next += k
		for j, b := range d.Buffers() {
			switch {
			case b != nil && b.Len() > 0:
				own[j] = unsafe.Pointer(&b.Bytes()[0])
				b.Retain()
				keep = append(keep, b)
			case j == 0:
				own[j] = nil // no validity bitmap: no nulls
			default:
				own[j] = zeroRegion
			}
		}
		hdr.refs++
		*c = C.struct_ArrowArray{
			length:       C.int64_t(col.Len()),
			null_count:   C.int64_t(col.NullN()),
			offset:       C.int64_t(d.Offset()),
			n_buffers:    C.int64_t(k),
			buffers:      (*unsafe.Pointer)(unsafe.Pointer(&own[0])),
			release:      C.ax_array_release_fn(1),
			private_data: block,
		}
	}
	hdr.handle = C.uintptr_t(cgo.NewHandle(keep))
	*out = C.struct_ArrowArray{
		length:       C.int64_t(rb.NumRows()),
		n_buffers:    1,
		buffers:      (*unsafe.Pointer)(unsafe.Pointer(&bufs[0])),
		n_children:   C.int64_t(n),
		release:      C.ax_array_release_fn(0),
		private_data: block,
	}
	if n > 0 {
		out.children = &ptrs[0]
	}
}
