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
//   - scan.go: Scan/Get, decoding straight into Arrow builders.
//
// A *DB is safe for concurrent use; a *Txn is used by one goroutine at a time.
package storage
