// Package parquet reads and writes Parquet files: our page reader (read.go,
// pages.go, decode.go, dict*.go: pages decoded straight into Arrow arrays,
// dictionaries kept as dictionaries where the executor can use them, with
// the limits that keep hostile files bounded) over parquet-go's encodings
// and thrift footer, row-group statistics for pruning (stats.go), Source,
// the lazy.PartitionedSource whose pieces are row groups (source.go), and
// the writer (write.go).
package parquet
