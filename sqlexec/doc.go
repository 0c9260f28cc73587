// Package sqlexec is the SQL front end: it parses MySQL-dialect SQL with the
// TiDB parser and builds lazy plans, so SQL runs on the same optimizer and
// executor as the DataFrame API. It arrives with the SQL issue.
package sqlexec
