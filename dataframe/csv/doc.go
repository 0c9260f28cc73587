// Package csv reads and writes CSV files as Polars does: Source, a
// lazy.PartitionedSource over one or more files split into byte ranges
// parsed in parallel, with schema inference and errors that name the line
// and column (read.go, column.go), and the writer with Polars' formatting
// of floats and temporal values (write.go).
package csv
