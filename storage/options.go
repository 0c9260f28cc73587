package storage

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
	// CacheSize is the size in bytes of pebble's block cache (0: 64 MiB).
	CacheSize int64
	// MemTableSize is the size in bytes of one memtable (0: 64 MiB). Larger
	// memtables make bulk loads faster and recovery slower.
	MemTableSize uint64
	// CompactionConcurrency is the most background compactions run at once
	// (0: 2).
	CompactionConcurrency int
	// ErrorIfMissing makes Open fail with FileNotFound when dir holds no
	// database, instead of creating one. Ignored for InMemory.
	ErrorIfMissing bool
}

const (
	defaultCacheSize    = 64 << 20
	defaultMemTableSize = 64 << 20
	defaultCompactions  = 2
	// DefaultBatchSize is the number of rows per record batch of a Scan
	// when ScanOptions.BatchSize is 0.
	DefaultBatchSize = 64 * 1024
)
