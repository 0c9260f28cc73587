package vector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"slices"
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/klauspost/compress/zstd"
)

// The file format of a saved index (version 1, or 2 for a quantized
// HNSW). All numbers are little-endian.
//
//	offset 0   magic "ALOPEXVI"
//	offset 8   uint32 format version (1, or 2: quantized)
//	offset 12  uint32 number of sections
//	then each section: 4-byte tag, uint64 payload length, uint32 CRC32C of
//	the payload, the payload.
//
// Sections, in this order:
//
//	META  kind u8 (0 flat, 1 hnsw), metric u8, quantization u8 (0 none,
//	      1 sq8: version 2 and hnsw only), a zero byte, dim u32, m u32,
//	      ef_construction u32, ef_search u32, rows u64, removed u64,
//	      next id i64, entry point i64 (-1: empty), max level u32, 4 zero bytes
//	VECS  rows×dim float32 (normalised for cosine)     (version 1)
//	SQ8_  dim float32 lo, dim float32 step, rows×dim   (version 2, instead
//	      uint8 codes (see sq8.go)                      of VECS)
//	IDS_  rows int64 external ids
//	DEAD  ceil(rows/64) uint64 words, bit i set when row i was removed
//	LEVL  rows uint8 levels                          (hnsw only)
//	LNK0  rows×(1+2m) uint32: count, then links      (hnsw only)
//	UPPR  Σlevels×(1+m) uint32, levels 1.. of each   (hnsw only)
//	      node in row order
//
// Version 3 (SaveWithoutVectors: an HNSW of float32 vectors whose owner
// keeps the same vectors elsewhere, a stored table's rows) has VECD
// instead of VECS: removed×dim float32, the vectors of the removed rows
// only, in row order (the graph still routes through them); the others
// are asked of the caller of LoadWith, by external id; and LNKV instead
// of LNK0: per row a uvarint count, then each link as the zigzag varint of
// its difference from the previous one (the first from the row's own
// number), in the order they are kept (the order a search visits them).
// A 20,000 × 128 index (m = 16) shrinks from 658 to ~59 bytes a vector.
// Version 4 is version 2 (sq8) with LNKV instead of LNK0.
//
// SaveWithoutVectors writes versions 3 and 4 compressed: the magic
// "ALOPEXVZ", the uvarint size of the file inside, then that file (magic
// "ALOPEXVI" and on) compressed by zstd. Its link lists are sorted by
// node number, so that their differences are small (a search weighs
// every neighbour of a node before the next node, so the order of a list
// does not change the answers). The ids (0, 1, 2, … for a stored table's
// labels), levels and links shrink from ~49 to ~33 bytes a vector
// (200,000 × 128, m = 16). Files written before, uncompressed, still load.
//
// Load checks every checksum, length and link before it builds anything, so
// a corrupt or truncated file is an InvalidInputError naming the file and
// the offset, never a panic or a wrong index.
const (
	fileMagic   = "ALOPEXVI"
	fileMagicZ  = "ALOPEXVZ"
	fileVersion = 1
	// fileVersionSQ8 marks a quantized index: readers of version 1 refuse
	// it instead of misreading its codes as float32s.
	fileVersionSQ8 = 2
	// fileVersionNoVecs marks a file without the live rows' vectors:
	// readers of versions 1 and 2 refuse it instead of misreading it.
	fileVersionNoVecs = 3
	// fileVersionSQ8Var is a quantized index with LNKV links (its codes
	// stay: they are not the owner's vectors).
	fileVersionSQ8Var = 4
	metaSize          = 64
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

func asBytes[T float32 | int64 | uint64 | uint32 | uint8](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

type section struct {
	tag  string
	data []byte
}

func writeFile(path string, version uint32, sections []section) error {
	return writeFileAs(path, version, sections, false)
}

// writeFileAs writes the file, compressed (fileMagicZ) when asked to.
func writeFileAs(path string, version uint32, sections []section, compress bool) (err error) {
	if !littleEndian {
		return core.Errorf(core.KindNotSupported, "saving vector indexes is implemented for little-endian machines only")
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fileError(err, path)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	var w interface {
		Write([]byte) (int, error)
		Flush() error
	} = bufio.NewWriterSize(f, 1<<20)
	var raw *flushBuffer
	if compress {
		raw = &flushBuffer{}
		w = raw
	}
	var hdr [16]byte
	copy(hdr[:], fileMagic)
	binary.LittleEndian.PutUint32(hdr[8:], version)
	binary.LittleEndian.PutUint32(hdr[12:], uint32(len(sections)))
	w.Write(hdr[:])
	for _, s := range sections {
		var sh [16]byte
		copy(sh[:4], s.tag)
		binary.LittleEndian.PutUint64(sh[4:], uint64(len(s.data)))
		binary.LittleEndian.PutUint32(sh[12:], crc32.Checksum(s.data, castagnoli))
		w.Write(sh[:])
		w.Write(s.data)
	}
	if compress {
		out := binary.AppendUvarint([]byte(fileMagicZ), uint64(len(raw.b)))
		out = zstdFile.EncodeAll(raw.b, out)
		if _, err = f.Write(out); err != nil {
			return fileError(err, path)
		}
	}
	if err = w.Flush(); err != nil {
		return fileError(err, path)
	}
	if err = f.Sync(); err != nil {
		return fileError(err, path)
	}
	if err = f.Close(); err != nil {
		return fileError(err, path)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fileError(err, path)
	}
	return nil
}

// flushBuffer collects a file to compress.
type flushBuffer struct{ b []byte }

func (f *flushBuffer) Write(p []byte) (int, error) { f.b = append(f.b, p...); return len(p), nil }
func (f *flushBuffer) Flush() error                { return nil }

// The zstd coders of compressed files (EncodeAll and DecodeAll are safe
// for concurrent use). A graph is saved once per close: the default level.
var (
	zstdFile, _   = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false))
	unzstdFile, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<34),
		zstd.IgnoreChecksum(true))
)

// inflate returns the file inside a compressed one (fileMagicZ), data
// itself otherwise.
func inflate(data []byte, name string) ([]byte, error) {
	if len(data) < 8 || string(data[:8]) != fileMagicZ {
		return data, nil
	}
	r := &reader{name: name, data: data}
	size, k := binary.Uvarint(data[8:])
	// zstd compresses a graph a few times at most; a claim far beyond
	// that is damage, not a file to allocate for.
	if k <= 0 || size < 16 || size > 1024*uint64(len(data)) {
		return nil, r.fail(8, "a compressed file claiming %d bytes", size)
	}
	raw, err := unzstdFile.DecodeAll(data[8+k:], make([]byte, 0, size))
	if err != nil || uint64(len(raw)) != size {
		return nil, r.fail(8+k, "the compressed file does not decompress to its %d bytes (%v)", size, err)
	}
	if string(raw[:8]) == fileMagicZ {
		return nil, r.fail(8+k, "compressed twice")
	}
	return raw, nil
}

func fileError(err error, path string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return core.Errorf(core.KindFileNotFound, "%s: %v", path, err)
	}
	return core.Errorf(core.KindInvalidInput, "%s: %v", path, err)
}

type meta struct {
	kind, metric     uint8
	quant            uint8
	dim, m, efc, efs uint32
	rows, removed    uint64
	nextID, entry    int64
	maxLevel         uint32
}

func (m meta) encode() []byte {
	b := make([]byte, metaSize)
	b[0], b[1], b[2] = m.kind, m.metric, m.quant
	le := binary.LittleEndian
	le.PutUint32(b[4:], m.dim)
	le.PutUint32(b[8:], m.m)
	le.PutUint32(b[12:], m.efc)
	le.PutUint32(b[16:], m.efs)
	le.PutUint64(b[20:], m.rows)
	le.PutUint64(b[28:], m.removed)
	le.PutUint64(b[36:], uint64(m.nextID))
	le.PutUint64(b[44:], uint64(m.entry))
	le.PutUint32(b[52:], m.maxLevel)
	return b
}

func decodeMeta(b []byte) meta {
	le := binary.LittleEndian
	return meta{
		kind: b[0], metric: b[1], quant: b[2],
		dim: le.Uint32(b[4:]), m: le.Uint32(b[8:]), efc: le.Uint32(b[12:]), efs: le.Uint32(b[16:]),
		rows: le.Uint64(b[20:]), removed: le.Uint64(b[28:]),
		nextID: int64(le.Uint64(b[36:])), entry: int64(le.Uint64(b[44:])), maxLevel: le.Uint32(b[52:]),
	}
}

func (s *store) baseSections(kind uint8, m meta) []section {
	m.kind, m.metric, m.dim = kind, uint8(s.metric), uint32(s.dim)
	m.rows, m.removed, m.nextID = uint64(s.rows()), uint64(s.nDead), s.nextID
	vecs := section{"VECS", asBytes(s.vecs)}
	if s.sq != nil {
		m.quant = 1
		vecs = section{"SQ8_", s.sq.encode(s.dim)}
	}
	return []section{
		{"META", m.encode()},
		vecs,
		{"IDS_", asBytes(s.ext)},
		{"DEAD", asBytes(s.dead[:(s.rows()+63)/64])},
	}
}

// Save writes the index to path (atomically: a temporary file renamed).
func (f *Flat) Save(path string) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return writeFile(path, fileVersion, f.baseSections(0, meta{entry: -1}))
}

// Save writes the index to path (atomically: a temporary file renamed).
func (h *HNSW) Save(path string) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	secs := h.baseSections(1, meta{
		m: uint32(h.m), efc: uint32(h.efConstruction), efs: uint32(h.efSearch),
		entry: h.entry, maxLevel: uint32(h.maxLevel),
	})
	secs = append(secs,
		section{"LEVL", asBytes(h.levels)},
		section{"LNK0", asBytes(h.links0)},
		section{"UPPR", asBytes(h.upper)})
	version := uint32(fileVersion)
	if h.sq != nil {
		version = fileVersionSQ8
	}
	return writeFile(path, version, secs)
}

// SaveWithoutVectors writes the index to path as Save does, less the
// vectors of its current rows (format version 3): for an owner that keeps
// them anyway and hands them back to LoadWith. A quantized index keeps
// its codes (they are not the owner's vectors), with the links
// varint-coded (version 4).
func (h *HNSW) SaveWithoutVectors(path string) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	secs := h.baseSections(1, meta{
		m: uint32(h.m), efc: uint32(h.efConstruction), efs: uint32(h.efSearch),
		entry: h.entry, maxLevel: uint32(h.maxLevel),
	})
	if h.sq != nil {
		secs = append(secs,
			section{"LEVL", asBytes(h.levels)},
			section{"LNKV", h.encodeLinks0(nil, nil)},
			section{"UPPR", asBytes(h.upper)})
		return writeFileAs(path, fileVersionSQ8Var, secs, true)
	}
	// Rows renumbered in breadth-first order of the graph (the file's
	// row i is perm[i]): a node's neighbours get nearby numbers, and
	// their differences shrink (200,000 × 128: links 43.7 → 33.7 bytes a
	// node). Readers need no change: a file lists its rows in any order.
	perm := h.bfsOrder()
	inv := make([]uint32, len(perm))
	for i, o := range perm {
		inv[o] = uint32(i)
	}
	if h.entry >= 0 {
		secs[0] = section{"META", meta{
			kind: 1, metric: uint8(h.metric), dim: uint32(h.dim),
			rows: uint64(h.rows()), removed: uint64(h.nDead), nextID: h.nextID,
			m: uint32(h.m), efc: uint32(h.efConstruction), efs: uint32(h.efSearch),
			entry: int64(inv[h.entry]), maxLevel: uint32(h.maxLevel),
		}.encode()}
	}
	removed := make([]float32, 0, h.nDead*h.dim)
	ids := make([]int64, len(perm))
	dead := make(bitset, (len(perm)+63)/64)
	levels := make([]uint8, len(perm))
	var upper []uint32
	for i, o := range perm {
		ids[i], levels[i] = h.ext[o], h.levels[o]
		if h.dead.has(o) {
			dead.set(uint32(i))
			removed = append(removed, h.vec(o)...)
		}
		for l := 1; l <= int(h.levels[o]); l++ {
			ln := h.links(o, l)
			upper = append(upper, ln[0])
			for _, n := range ln[1:] {
				upper = append(upper, inv[n])
			}
		}
	}
	secs[1] = section{"VECD", asBytes(removed)}
	secs[2] = section{"IDS_", asBytes(ids)}
	secs[3] = section{"DEAD", asBytes(dead)}
	secs = append(secs,
		section{"LEVL", asBytes(levels)},
		section{"LNKV", h.encodeLinks0(perm, inv)},
		section{"UPPR", asBytes(upper)})
	return writeFileAs(path, fileVersionNoVecs, secs, true)
}

// encodeLinks0 is the LNKV section: the level-0 links, varint-coded,
// each list sorted; the file's row i is perm[i] and inv maps the other
// way (both nil: rows in their own order).
func (h *HNSW) encodeLinks0(perm, inv []uint32) []byte {
	b := make([]byte, 0, h.rows()*(1+h.m0*3))
	var sorted []uint32
	for i := range h.rows() {
		o := uint32(i)
		if perm != nil {
			o = perm[i]
		}
		ln := h.links(o, 0)
		b = binary.AppendUvarint(b, uint64(ln[0]))
		prev := int64(i)
		sorted = append(sorted[:0], ln[1:1+ln[0]]...)
		if inv != nil {
			for j, n := range sorted {
				sorted[j] = inv[n]
			}
		}
		slices.Sort(sorted)
		for _, n := range sorted {
			b = binary.AppendVarint(b, int64(n)-prev)
			prev = int64(n)
		}
	}
	return b
}

// decodeLinks0 fills links0 (rows × stride, zeroed) from an LNKV section
// at offset off; the caller checks each link's target.
func decodeLinks0(r *reader, p []byte, off, rows, m0 int, links0 []uint32) error {
	stride, pos := 1+m0, 0
	for i := range rows {
		c, k := binary.Uvarint(p[pos:])
		if k <= 0 || c > uint64(m0) {
			return r.fail(off+pos, "node %d: a link count of %d (at most %d)", i, c, m0)
		}
		pos += k
		row := links0[i*stride : (i+1)*stride]
		row[0] = uint32(c)
		prev := int64(i)
		for j := range int(c) {
			d, k := binary.Varint(p[pos:])
			if k <= 0 || prev+d < 0 || prev+d >= int64(rows) {
				return r.fail(off+pos, "node %d: link %d is not a node", i, j)
			}
			pos += k
			prev += d
			row[1+j] = uint32(prev)
		}
	}
	if pos != len(p) {
		return r.fail(off+pos, "%d bytes after the last node's links", len(p)-pos)
	}
	return nil
}

// VectorSource writes the vector of the row with external id into dst
// (len dim) for LoadWith; an error stops the load.
type VectorSource func(id int64, dst []float32) error

// BulkVectorSource supplies every vector LoadWithBulk asks for in one
// pass, in whatever order it holds them (slot is safe to call from
// several goroutines at once): for each row it has it calls
// slot with the row's external id and writes the row's vector into the
// slice returned (nil: the index has no such row). The vectors land in
// the index's own slab, with no copy in between.
type BulkVectorSource func(slot func(id int64) []float32) error

// vectorSupply is how a file without vectors gets them: one of the two.
type vectorSupply struct {
	one  VectorSource
	bulk BulkVectorSource
}

// LoadWithBulk is LoadWith with the vectors written in place by src.
func LoadWithBulk(path string, src BulkVectorSource) (Index, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(err, path)
	}
	return decodeWith(data, path, vectorSupply{bulk: src})
}

// Load reads an index written by Save.
func Load(path string) (Index, error) {
	return LoadWith(path, nil)
}

// LoadWith reads an index written by Save or SaveWithoutVectors; src
// supplies the vectors the second left out (nil: such a file is refused).
func LoadWith(path string, src VectorSource) (Index, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(err, path)
	}
	return DecodeWith(data, path, src)
}

// reader walks a file's bytes, turning every inconsistency into an error
// naming the file and the offset.
type reader struct {
	name string
	data []byte
	off  int
}

func (r *reader) fail(off int, format string, args ...any) error {
	e := invalid("%s: not a valid alopex vector index at offset %d: "+format, append([]any{r.name, off}, args...)...)
	return e.With("file", r.name).With("offset", off)
}

func (r *reader) section(tag string, want uint64) ([]byte, int, error) {
	return r.sectionOf(tag, want, want)
}

// sectionOf reads a section of between least and most bytes.
func (r *reader) sectionOf(tag string, least, most uint64) ([]byte, int, error) {
	start := r.off
	if len(r.data)-r.off < 16 {
		return nil, start, r.fail(start, "truncated: section %s header needs 16 bytes, %d left", tag, len(r.data)-r.off)
	}
	h := r.data[r.off : r.off+16]
	if string(h[:4]) != tag {
		return nil, start, r.fail(start, "expected section %q, found %q", tag, h[:4])
	}
	n := binary.LittleEndian.Uint64(h[4:])
	sum := binary.LittleEndian.Uint32(h[12:])
	if n < least || n > most {
		if least == most {
			return nil, start, r.fail(start, "section %s holds %d bytes, the header implies %d", tag, n, least)
		}
		return nil, start, r.fail(start, "section %s holds %d bytes, the header implies %d to %d", tag, n, least, most)
	}
	left := uint64(len(r.data) - r.off - 16)
	if n > left {
		return nil, start, r.fail(start, "truncated: section %s needs %d bytes, %d left", tag, n, left)
	}
	p := r.data[r.off+16 : r.off+16+int(n)]
	if crc32.Checksum(p, castagnoli) != sum {
		return nil, start, r.fail(start, "checksum mismatch in section %s", tag)
	}
	r.off += 16 + int(n)
	return p, start + 16, nil
}

func fromBytes[T float32 | int64 | uint64 | uint32 | uint8](p []byte, n int) []T {
	out := make([]T, n)
	copy(asBytes(out), p)
	return out
}

// mul multiplies sizes, reporting overflow past the file size bound.
func mul(limit uint64, xs ...uint64) (uint64, bool) {
	r := uint64(1)
	for _, x := range xs {
		if x != 0 && r > limit/x {
			return 0, false
		}
		r *= x
	}
	return r, r <= limit
}

// Decode reads an index from the bytes of a saved file; name is used in
// error messages.
func Decode(data []byte, name string) (Index, error) {
	return DecodeWith(data, name, nil)
}

// DecodeWith is Decode of a file that may lack its current rows' vectors
// (SaveWithoutVectors): src supplies them.
func DecodeWith(data []byte, name string, src VectorSource) (Index, error) {
	return decodeWith(data, name, vectorSupply{one: src})
}

func decodeWith(data []byte, name string, src vectorSupply) (Index, error) {
	if !littleEndian {
		return nil, core.Errorf(core.KindNotSupported, "loading vector indexes is implemented for little-endian machines only")
	}
	data, err := inflate(data, name)
	if err != nil {
		return nil, err
	}
	r := &reader{name: name, data: data}
	if len(data) < 16 || string(data[:8]) != fileMagic {
		return nil, r.fail(0, "missing the %q header", fileMagic)
	}
	version := binary.LittleEndian.Uint32(data[8:])
	if version < fileVersion || version > fileVersionSQ8Var {
		return nil, r.fail(8, "format version %d; this alopex reads versions %d to %d", version, fileVersion, fileVersionSQ8Var)
	}
	quantized := version == fileVersionSQ8 || version == fileVersionSQ8Var
	if version == fileVersionNoVecs && src.one == nil && src.bulk == nil {
		return nil, r.fail(8, "format version %d holds no vectors of its current rows; load it with the table it indexes", version)
	}
	r.off = 16
	mb, moff, err := r.section("META", metaSize)
	if err != nil {
		return nil, err
	}
	m := decodeMeta(mb)
	limit := uint64(len(data))
	switch {
	case m.kind > 1:
		return nil, r.fail(moff, "unknown index kind %d", m.kind)
	case m.metric > uint8(Cosine):
		return nil, r.fail(moff+1, "unknown metric %d", m.metric)
	case quantized != (m.quant == 1) || m.quant > 1 || (m.quant == 1 && m.kind != 1) ||
		(version >= fileVersionNoVecs && m.kind != 1):
		return nil, r.fail(moff+2, "quantization %d in a version %d file of index kind %d", m.quant, version, m.kind)
	case m.dim == 0 || uint64(m.dim) > limit:
		return nil, r.fail(moff+4, "dimension %d", m.dim)
	case m.rows > limit:
		return nil, r.fail(moff+20, "truncated: %d rows do not fit in the %d-byte file", m.rows, limit)
	case m.removed > m.rows:
		return nil, r.fail(moff+28, "%d removed rows of %d", m.removed, m.rows)
	case m.nextID < 0 || m.nextID > maxID+1:
		// Add would generate ids from it: negative ones, or past int64.
		return nil, r.fail(moff+36, "next id %d outside [0, %d]", m.nextID, int64(maxID+1))
	}
	wantSecs := uint32(4)
	if m.kind == 1 {
		wantSecs = 7
	}
	if n := binary.LittleEndian.Uint32(data[12:]); n != wantSecs {
		return nil, r.fail(12, "%d sections; expected %d", n, wantSecs)
	}
	rows := int(m.rows)
	metric := Metric(m.metric)
	s, err := newStore(int(m.dim), metric)
	if err != nil {
		return nil, r.fail(moff, "%v", err)
	}
	var removedVecs []byte // version 3: the removed rows' vectors
	voff := 0
	if m.quant == 1 {
		if err := s.decodeSQ8(r, limit, m); err != nil {
			return nil, err
		}
	} else if version == fileVersionNoVecs {
		vsize, ok := mul(limit, m.removed, uint64(m.dim), 4)
		if !ok {
			return nil, r.fail(moff+28, "truncated: %d removed rows of dimension %d do not fit in the %d-byte file", m.removed, m.dim, limit)
		}
		if removedVecs, voff, err = r.section("VECD", vsize); err != nil {
			return nil, err
		}
	} else {
		vsize, ok := mul(limit, m.rows, uint64(m.dim), 4)
		if !ok {
			return nil, r.fail(moff+20, "truncated: %d rows of dimension %d do not fit in the %d-byte file", m.rows, m.dim, limit)
		}
		vb, voff, err := r.section("VECS", vsize)
		if err != nil {
			return nil, err
		}
		s.vecs, s.vecsMem = slabFrom[float32](vb, rows*int(m.dim), (rows+loadRoom(rows))*int(m.dim))
		collapseHuge(asBytes(s.vecs))
		for i, v := range s.vecs {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, r.fail(voff+4*i, "vector value is %v", v)
			}
		}
	}
	ib, ioff, err := r.section("IDS_", m.rows*8)
	if err != nil {
		return nil, err
	}
	s.ext = fromBytes[int64](ib, rows)
	db, doff, err := r.section("DEAD", uint64((rows+63)/64)*8)
	if err != nil {
		return nil, err
	}
	s.dead = fromBytes[uint64](db, (rows+63)/64)
	if rows%64 != 0 && s.dead[len(s.dead)-1]>>(rows%64) != 0 {
		return nil, r.fail(doff+len(db)-8, "removed-row bits past the last row")
	}
	s.nDead = s.dead.count()
	if uint64(s.nDead) != m.removed {
		return nil, r.fail(doff, "%d rows marked removed, the header says %d", s.nDead, m.removed)
	}
	s.byExt = make(map[int64]uint32, rows-s.nDead)
	for i, id := range s.ext {
		if id < 0 || id >= m.nextID {
			return nil, r.fail(ioff+8*i, "id %d outside [0, %d)", id, m.nextID)
		}
		if s.dead.has(uint32(i)) {
			continue
		}
		if _, dup := s.byExt[id]; dup {
			return nil, r.fail(ioff+8*i, "id %d appears twice", id)
		}
		s.byExt[id] = uint32(i)
	}
	s.nextID = m.nextID
	if version == fileVersionNoVecs {
		if err := s.fillVectors(r, voff, removedVecs, src); err != nil {
			return nil, err
		}
	}
	if m.kind == 0 {
		if s.nDead != 0 {
			return nil, r.fail(doff, "a flat index has no removed rows")
		}
		if r.off != len(data) {
			return nil, r.fail(r.off, "%d bytes after the last section", len(data)-r.off)
		}
		return newFlatFromStore(s), nil
	}
	return decodeHNSW(r, m, moff, s, version >= fileVersionNoVecs)
}

func decodeHNSW(r *reader, m meta, moff int, s store, varLinks bool) (Index, error) {
	rows := s.rows()
	if m.m < 2 || m.m > 2048 {
		return nil, r.fail(moff+8, "m = %d", m.m)
	}
	if m.efc < 1 || m.efs < 1 || m.efc > 1<<24 || m.efs > 1<<24 {
		return nil, r.fail(moff+12, "ef_construction %d, ef_search %d", m.efc, m.efs)
	}
	if m.maxLevel > maxLevelCap {
		return nil, r.fail(moff+52, "max level %d", m.maxLevel)
	}
	if (rows == 0) != (m.entry == -1) || m.entry < -1 || m.entry >= int64(rows) {
		return nil, r.fail(moff+44, "entry point %d with %d rows", m.entry, rows)
	}
	h := &HNSW{
		store: s, m: int(m.m), m0: 2 * int(m.m), efConstruction: int(m.efc), efSearch: int(m.efs),
		levelMult: 1 / math.Log(float64(m.m)), entry: m.entry, maxLevel: int(m.maxLevel),
		rng: newRand(uint64(rows)),
	}
	h.init()
	lb, loff, err := r.section("LEVL", uint64(rows))
	if err != nil {
		return nil, err
	}
	h.levels = fromBytes[uint8](lb, rows)
	h.upperAt = make([]uint32, rows)
	total := uint64(0)
	for i, l := range h.levels {
		if uint32(l) > m.maxLevel {
			return nil, r.fail(loff+i, "node %d has level %d above the maximum %d", i, l, m.maxLevel)
		}
		h.upperAt[i] = uint32(total)
		total += uint64(l) * uint64(1+m.m)
		if total > uint64(len(r.data)) || total > math.MaxUint32 {
			return nil, r.fail(loff+i, "truncated: the upper-level links do not fit in the %d-byte file", len(r.data))
		}
	}
	if rows > 0 && uint32(h.levels[m.entry]) != m.maxLevel {
		return nil, r.fail(moff+44, "entry point %d has level %d, not the maximum %d", m.entry, h.levels[m.entry], m.maxLevel)
	}
	stride := uint64(1 + 2*m.m)
	// The level-0 link table takes rows × stride × 4 bytes in memory: as
	// many in the file (LNK0), or, varint-coded (LNKV), at most a bounded
	// multiple of the file (a real graph's lists are mostly full; a file
	// that claims more is refused, and its owner rebuilds the index).
	bound := uint64(len(r.data))
	if varLinks {
		bound = 32*bound + 1<<20
	}
	size, ok := mul(bound, uint64(rows), stride, 4)
	if !ok {
		return nil, r.fail(r.off, "truncated: %d level-0 link lists of %d entries do not fit in the %d-byte file", rows, stride, len(r.data))
	}
	koff := 0
	if varLinks {
		// A count byte per row at least; at most 10 bytes a varint.
		most, _ := mul(math.MaxInt64, uint64(rows), 1+10*uint64(h.m0))
		kb, off, err := r.sectionOf("LNKV", uint64(rows), min(most, uint64(len(r.data))))
		if err != nil {
			return nil, err
		}
		h.links0, h.links0Mem = makeSlab[uint32](rows*int(stride), (rows+loadRoom(rows))*int(stride))
		if err := decodeLinks0(r, kb, off, rows, h.m0, h.links0); err != nil {
			return nil, err
		}
		koff = off
	} else {
		kb, off, err := r.section("LNK0", size)
		if err != nil {
			return nil, err
		}
		h.links0, h.links0Mem = slabFrom[uint32](kb, rows*int(stride), (rows+loadRoom(rows))*int(stride))
		koff = off
	}
	collapseHuge(asBytes(h.links0))
	ub, uoff, err := r.section("UPPR", total*4)
	if err != nil {
		return nil, err
	}
	h.upper = fromBytes[uint32](ub, int(total))
	if r.off != len(r.data) {
		return nil, r.fail(r.off, "%d bytes after the last section", len(r.data)-r.off)
	}
	for i := 0; i < rows; i++ {
		for l := 0; l <= int(h.levels[i]); l++ {
			ln := h.links(uint32(i), l)
			base, maxLinks, width := koff+4*i*int(stride), h.m0, 4
			if l > 0 {
				base, maxLinks = uoff+4*(int(h.upperAt[i])+(l-1)*(1+h.m)), h.m
			} else if varLinks {
				base, width = koff, 0 // no fixed place: the section's start
			}
			if int(ln[0]) > maxLinks {
				return nil, r.fail(base, "node %d has %d links at level %d (at most %d)", i, ln[0], l, maxLinks)
			}
			for j, n := range ln[1 : 1+ln[0]] {
				if int(n) >= rows || int(h.levels[n]) < l {
					return nil, r.fail(base+width*(1+j), "node %d links to %d at level %d, which is not a node of that level", i, n, l)
				}
			}
		}
	}
	return h, nil
}

// fillVectors sets the vectors of a version 3 file: the removed rows' from
// the file (removed, at offset off), the others from src (normalised for
// cosine, as Add stores them).
func (s *store) fillVectors(r *reader, off int, removed []byte, src vectorSupply) error {
	rows, dim := s.rows(), s.dim
	s.vecs, s.vecsMem = makeSlab[float32](rows*dim, (rows+loadRoom(rows))*dim)
	collapseHuge(asBytes(s.vecs))
	if src.bulk != nil {
		filled := make(bitset, (rows+63)/64)
		n := 0
		// The row of each live id: an array when the ids are dense (a
		// stored table's labels), which 200,000 lookups in byExt cost
		// more than building.
		var rowOf []int32
		if s.nextID <= 4*int64(rows)+1024 {
			rowOf = make([]int32, s.nextID)
			for i := range rowOf {
				rowOf[i] = -1
			}
			for id, i := range s.byExt {
				rowOf[id] = int32(i)
			}
		}
		var mu sync.Mutex // the source may call slot from several goroutines
		err := src.bulk(func(id int64) []float32 {
			var i uint32
			ok := false
			if rowOf != nil {
				if id >= 0 && id < int64(len(rowOf)) && rowOf[id] >= 0 {
					i, ok = uint32(rowOf[id]), true
				}
			} else {
				i, ok = s.byExt[id] // live rows only
			}
			mu.Lock()
			defer mu.Unlock()
			if !ok || filled.has(i) {
				return nil
			}
			filled.set(i)
			n++
			return s.vecs[int(i)*dim : int(i+1)*dim]
		})
		if err != nil {
			return r.fail(off, "the vectors of the rows: %v", err)
		}
		if live := rows - s.nDead; n != live {
			return r.fail(off, "%d of the %d rows' vectors were supplied", n, live)
		}
	}
	gone := fromBytes[float32](removed, len(removed)/4)
	for i := range rows {
		dst := s.vecs[i*dim : (i+1)*dim]
		if s.dead.has(uint32(i)) {
			copy(dst, gone[:dim])
			gone = gone[dim:]
		} else {
			if src.bulk == nil {
				if err := src.one(s.ext[i], dst); err != nil {
					return r.fail(off, "the vector of row id %d: %v", s.ext[i], err)
				}
			}
			if s.metric == Cosine {
				normalize(dst)
			}
		}
		for _, v := range dst {
			if math.Float32bits(v)&0x7f800000 == 0x7f800000 { // NaN or ±Inf
				return r.fail(off, "the vector of row id %d holds %v", s.ext[i], v)
			}
		}
	}
	return nil
}
