package storage

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Loader is LoadNew fed batch by batch (a Parquet scan's row groups,
// CREATE TABLE … AS SELECT's batches): Add each batch, then Finish, or
// Abort to give up. Into an empty columnar table the batches stream into
// segments as they come, in bounded memory (columnar_stream.go); a row
// table's batches are held and loaded by LoadNew at Finish; into a
// columnar table that holds rows they are inserted as they come. The
// result is LoadNew's: the same rows, errors and sealing.
type Loader struct {
	t       *Txn
	d       *TableDesc
	col     *columnarLoad       // streaming into segments
	held    []arrow.RecordBatch // a row table's batches, for LoadNew
	insert  bool                // a columnar table with rows: Insert each batch
	n       int64
	aborted bool
}

// LoadStream starts a load into table, which this transaction created
// and which holds nothing yet, as LoadNew does.
func (t *Txn) LoadStream(table string) (*Loader, error) {
	if t.sealed {
		return nil, errSealed()
	}
	d, err := t.tableForWrite(table)
	if err != nil {
		return nil, err
	}
	l := &Loader{t: t, d: d}
	if !d.IsColumnar() {
		return l, nil
	}
	toFile, ok, err := t.columnarLoadTarget(d)
	if err != nil {
		return nil, err
	}
	if !ok {
		l.insert = true
		return l, nil
	}
	if l.col, err = t.newColumnarLoad(d, toFile); err != nil {
		return nil, err
	}
	return l, nil
}

// Add loads (or holds) batch b; the loader retains what it keeps. After an
// error the load can only be aborted.
func (l *Loader) Add(b arrow.RecordBatch) error {
	if b.NumRows() == 0 {
		return nil
	}
	switch {
	case l.col != nil:
		return l.col.addBatch(b)
	case l.insert:
		m, err := l.t.Insert(l.d.Name, b, ConflictError)
		l.n += m
		return err
	}
	b.Retain()
	l.held = append(l.held, b)
	return nil
}

// Finish completes the load and returns the number of rows written.
func (l *Loader) Finish() (int64, error) {
	switch {
	case l.col != nil:
		var n int64
		toFile := l.col.toFile
		err := l.t.statement(func() error {
			var err error
			n, err = l.col.finish()
			return err
		})
		if err != nil {
			l.Abort()
			return 0, err
		}
		l.col = nil
		// Chunks went to a file the commit ingests: as after LoadNew.
		l.t.sealed = toFile
		return n, nil
	case l.insert:
		return l.n, nil
	}
	defer l.release()
	return l.t.LoadNew(l.d.Name, l.held)
}

// Abort gives the load up: a columnar load's file is deleted; rows it
// inserted stay in the transaction, to be rolled back.
func (l *Loader) Abort() {
	if l.col != nil {
		l.col.abort()
		l.col = nil
	}
	l.release()
}

func (l *Loader) release() {
	for _, b := range l.held {
		b.Release()
	}
	l.held = nil
}
