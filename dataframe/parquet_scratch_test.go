package dataframe

import (
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestScratchWriteForPyarrow(t *testing.T) {
	batches := makeBatches(memory.DefaultAllocator, 5000, 1000, 333, 2000, 1)
	defer releaseAll(batches)
	for name, opts := range map[string]ParquetWriteOptions{
		"default": {RowGroupRows: 1200},
		"zstd":    {RowGroupRows: 1200, Compression: ParquetZstd, NoDictionary: true},
		"gzip":    {RowGroupRows: 5000, Compression: ParquetGzip},
		"brotli":  {RowGroupRows: 5000, Compression: ParquetBrotli},
		"none":    {RowGroupRows: 5000, Compression: ParquetUncompressed, NoStatistics: true},
	} {
		if err := WriteParquet("/tmp/pqfix/alopex_"+name+".parquet", allTypesSchema, batches, opts); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := os.Create("/tmp/pqfix/expected.arrow")
	defer out.Close()
	w, err := ipc.NewFileWriter(out, ipc.WithSchema(allTypesSchema))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
}
