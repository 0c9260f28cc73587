package storage

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// The default block cache is a sixteenth of physical memory within its
// bounds, and a memory limit still caps it at a quarter of the limit.
func TestDefaultCacheSize(t *testing.T) {
	mem := physicalMemory()
	if runtime.GOOS == "linux" && mem <= 0 {
		t.Fatalf("physical memory %d: /proc/meminfo not read", mem)
	}
	want := min(max(mem/16, minDefaultCacheSize), maxDefaultCacheSize)
	old := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(1<<63 - 1) // no limit
	defer debug.SetMemoryLimit(old)
	db, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.po.CacheSize != want || want < 64<<20 || want > 256<<20 {
		t.Errorf("default cache %d, want %d (memory %d)", db.po.CacheSize, want, mem)
	}
	debug.SetMemoryLimit(512 << 20)
	db2, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if want := min(want, 128<<20); db2.po.CacheSize != want {
		t.Errorf("cache under a 512 MiB limit %d, want %d", db2.po.CacheSize, want)
	}
}
