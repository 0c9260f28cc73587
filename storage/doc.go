// Package storage is alopex's embedded transactional store: durable tables
// on a pebble LSM tree (WAL, memtables, SSTables, bloom filters, block cache,
// compaction), with a persisted catalog, secondary indexes, and optimistic
// snapshot-isolation transactions.
//
// The layout of keys and values, the transaction protocol and its isolation
// level are written down in docs/storage-format.md; this comment only names
// the pieces.
//
//   - db.go: Open/Close, the pebble configuration, the alopex marker, and the
//     process-wide registry of open directories (DatabaseLocked);
//     garbage.go: deleting the data of dropped tables a crash left behind.
//   - txn.go, conflicts.go: Begin/Commit/Rollback, snapshots, the commit
//     critical section and first-committer-wins conflict detection.
//   - pending.go, merge.go: a transaction's uncommitted writes and the merged
//     view (snapshot + own writes) every read goes through.
//   - keys.go: the memcomparable key encoding; rowcodec.go: the row format;
//     types.go, datum.go: column types and the value every codec shares.
//   - catalog.go, catalog_ops.go: table, index and view definitions;
//     counters.go: table ids, hidden row ids and AUTO_INCREMENT.
//   - convert.go: exact casts of incoming Arrow columns to column types.
//   - write.go, rows.go, probe.go: Insert/Update/Delete with constraint and
//     index maintenance.
//   - write_values.go: the SQL write fast path (a few rows given as Go
//     values, by primary key).
//   - scan.go, scan_parallel.go, rowdecode.go: Scan/Get, decoding straight
//     into Arrow builders, in parallel over key ranges; multiget*.go:
//     batched lookups by key; latest.go: reads of the latest committed state
//     outside a transaction (point reads).
//   - pending_arena.go, pending_iter.go, spill.go: the pending writes' memory
//     and their spill to a local store when a transaction outgrows it.
//   - bulk.go, ingest.go: large loads written as sorted sstables that the
//     commit ingests (no WAL, no memtable).
//   - columnar*.go, segment*.go, colsink.go: columnar tables — compressed
//     column segments with zone maps, the row-format delta, OPTIMIZE.
//   - vecindex*.go: vector indexes kept beside the data (HNSW, flat, sq8),
//     current under updates, persisted and reloaded.
//   - backup.go: a consistent online copy; info.go: what `alopex info`
//     shows; options.go: Open's options; walfs.go: the filesystem wrapper
//     that bounds pebble's preallocation of write-ahead logs.
//
// A *DB is safe for concurrent use; a *Txn is used by one goroutine at a time.
package storage
