package storage

import (
	"bufio"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Options configure Open. The zero value opens (or creates) an on-disk
// database with synced commits and default cache and memtable sizes.
type Options struct {
	// InMemory keeps everything in pebble's in-memory filesystem; dir is
	// ignored. Nothing survives Close.
	InMemory bool
	// ReadOnly opens an existing database for reading: Begin still works but
	// Commit of a transaction with writes fails with InvalidInput.
	ReadOnly bool
	// NoSync commits without waiting for the WAL to reach the disk: much
	// faster small commits, but a crash (of the machine, not only the
	// process) may lose the most recent acknowledged commits. Never
	// corrupts: recovery stops at the last complete batch.
	NoSync bool
	// CacheSize is the size in bytes of pebble's block cache (0: a
	// sixteenth of the machine's memory, between 64 MiB and 256 MiB; at
	// most a quarter of the engine's memory limit when one is set). The
	// cache takes memory only as blocks are read into it.
	CacheSize int64
	// MemTableSize is the size in bytes of one memtable (0: 64 MiB). Larger
	// memtables make bulk loads faster and recovery slower.
	MemTableSize uint64
	// CompactionConcurrency is the most background compactions run at once
	// (0: 2).
	CompactionConcurrency int
	// TxnMemory is how much memory a transaction's pending writes take
	// (their bytes, the ordered map holding them and the undo log: the
	// heap they really use) before it spills them to a temporary store on
	// disk (0: 64 MiB, or an eighth of the engine's memory limit when one
	// is set and is lower). Go's collector lets the heap grow to about
	// twice what is live, so the process peaks near twice this. Spilled
	// transactions commit by sstable ingestion. Ignored for InMemory
	// databases, whose transactions stay in memory (up to 2 GiB).
	TxnMemory int64
	// ErrorIfMissing makes Open fail with FileNotFound when dir holds no
	// database, instead of creating one. Ignored for InMemory.
	ErrorIfMissing bool

	// fs replaces the operating system's filesystem (tests inject errors).
	fs vfs.FS
}

const (
	// The default block cache is a share of the machine's memory within
	// these bounds: a table of a few million rows that is read by key then
	// stays decompressed in memory (a point read that misses the cache
	// reads, checks and decompresses a block: a third of its cost), while a
	// scan of a larger table, which fills the cache, grows the process by
	// 256 MiB at most.
	minDefaultCacheSize = 64 << 20
	maxDefaultCacheSize = 256 << 20
	defaultMemTableSize = 64 << 20
	defaultCompactions  = 2
	// defaultTxnMemory: spilling costs little (an sstable write per spill,
	// lookups skip the spill store for keys outside its range), so a small
	// default keeps a big INSERT … SELECT near 250 MiB of heap whatever its
	// size.
	defaultTxnMemory = 64 << 20
	// DefaultBatchSize is the number of rows per record batch of a Scan
	// when ScanOptions.BatchSize is 0.
	DefaultBatchSize = 64 * 1024
)

// memoryLimit is the engine-wide memory limit (ax.set_memory_limit, which
// sets Go's soft memory limit), 0 when none is set.
func memoryLimit() int64 {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return l
	}
	return 0
}

// defaultCacheSize is the block cache of a database opened without a
// CacheSize: a sixteenth of physical memory within [minDefaultCacheSize,
// maxDefaultCacheSize] (the minimum when the memory is unknown).
func defaultCacheSize() int64 {
	return min(max(physicalMemory()/16, minDefaultCacheSize), maxDefaultCacheSize)
}

// physicalMemory is the machine's memory in bytes from /proc/meminfo, 0
// where there is none (other systems get the minimum default cache).
func physicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "MemTotal:       24545060 kB"
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
			return 0
		}
	}
	return 0
}

// boundedBy returns v capped at limit/div when a memory limit is set: the
// store's caches and buffers take a bounded share of it.
func boundedBy(v int64, div int64) int64 {
	if l := memoryLimit(); l > 0 && v > l/div {
		return max(l/div, 1<<20)
	}
	return v
}

// spillThreshold is the size of pending writes a new transaction spills
// at (0: never, for in-memory databases).
func (db *DB) spillThreshold() int {
	if db.dir == "" {
		return 0
	}
	v := db.opts.TxnMemory
	if v <= 0 {
		v = boundedBy(defaultTxnMemory, 8)
	}
	return int(v)
}
