// Package core holds what every layer of alopex shares: the error kinds that
// cross the C boundary, data type names and coercion rules, and the memory
// allocator results are built with.
package core

import (
	"errors"
	"fmt"
)

// Kind classifies an error. Its numeric value crosses the C boundary and is
// mapped by the Python package onto an exception class, so values are stable:
// append new kinds, never renumber.
type Kind int32

const (
	KindOK                  Kind = 0
	KindInternal            Kind = 1
	KindInvalidInput        Kind = 2
	KindColumnNotFound      Kind = 3
	KindTableNotFound       Kind = 4
	KindSchema              Kind = 5
	KindCompute             Kind = 6
	KindNotSupported        Kind = 7
	KindSQLSyntax           Kind = 8
	KindTransactionConflict Kind = 9
	KindFileNotFound        Kind = 10
	KindCancelled           Kind = 11
	// KindConstraint is a violated NOT NULL, PRIMARY KEY or UNIQUE constraint
	// of a stored table; the statement that hit it had no effect.
	KindConstraint Kind = 12
	// KindDatabaseLocked is a database directory held open by someone else
	// (another process, or another open handle in this one).
	KindDatabaseLocked Kind = 13
	// KindStorageIO is a failed read or write of a database's files (a full
	// disk, a read-only or failing device); committed data is intact.
	KindStorageIO Kind = 14
)

var kindNames = map[Kind]string{
	KindOK: "OK", KindInternal: "InternalError", KindInvalidInput: "InvalidInputError",
	KindColumnNotFound: "ColumnNotFoundError", KindTableNotFound: "TableNotFoundError",
	KindSchema: "SchemaError", KindCompute: "ComputeError", KindNotSupported: "NotSupportedError",
	KindSQLSyntax: "SQLSyntaxError", KindTransactionConflict: "TransactionConflictError",
	KindFileNotFound: "FileNotFoundError", KindCancelled: "Cancelled",
	KindConstraint: "ConstraintError", KindDatabaseLocked: "DatabaseLockedError",
	KindStorageIO: "StorageIOError",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int32(k))
}

// Error is an error with a Kind and optional structured details (for example
// the missing column and the suggested names) that the Python side exposes as
// exception attributes.
type Error struct {
	Kind    Kind
	Message string
	Details map[string]any
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// With returns e with one more detail attached.
func (e *Error) With(key string, value any) *Error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details[key] = value
	return e
}

// KindOf reports the Kind of err: the Kind of the first *Error in its chain,
// KindCancelled for context cancellation, KindInternal otherwise.
func KindOf(err error) Kind {
	if err == nil {
		return KindOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if isCancellation(err) {
		return KindCancelled
	}
	return KindInternal
}
