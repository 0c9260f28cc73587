package storage

import (
	"encoding/binary"

	"github.com/cockroachdb/pebble/v2"
)

// collectGarbage deletes the keys of table ids no catalog entry names: the
// data of a dropped or truncated table whose range deletion (done after
// the commit) a crash interrupted. It seeks once per table id present, so
// it is cheap however many rows there are. Run at Open, before any
// transaction.
func (db *DB) collectGarbage() error {
	live := map[uint64]bool{}
	it, err := db.pdb.NewIter(&pebble.IterOptions{LowerBound: catalogTablePrefix, UpperBound: prefixEnd(catalogTablePrefix)})
	if err != nil {
		return storageError(err)
	}
	for it.First(); it.Valid(); it.Next() {
		d, err := db.decodeDesc(it.Value())
		if err != nil {
			it.Close()
			return err
		}
		live[d.ID] = true
	}
	if err := it.Close(); err != nil {
		return storageError(err)
	}
	lo := []byte{prefixTable}
	it, err = db.pdb.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
	if err != nil {
		return storageError(err)
	}
	defer it.Close()
	for valid := it.First(); valid; {
		k := it.Key()
		if len(k) < 9 {
			valid = it.Next()
			continue
		}
		id := binary.BigEndian.Uint64(k[1:9])
		p := tablePrefix(id)
		if !live[id] {
			if err := db.pdb.DeleteRange(p, prefixEnd(p), db.writeOpts); err != nil {
				return storageError(err)
			}
		}
		valid = it.SeekGE(prefixEnd(p))
	}
	return storageError(it.Error())
}
