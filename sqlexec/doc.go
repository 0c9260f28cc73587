// Package sqlexec is the SQL front end: it parses MySQL-dialect SQL with the
// TiDB parser and builds lazy plans, so SQL runs on the same optimizer and
// executor as the DataFrame API. It also runs the embedded database's
// statements: DDL and DML on stored tables (package storage), prepared
// statements and point reads by key, and vector search over stored indexes.
package sqlexec
