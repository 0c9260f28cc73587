package main

import (
	"context"

	"github.com/alopexdb/alopex/lazy/exec"
)

// debugPanicInWorker runs a pipeline whose step panics on an engine worker
// goroutine, to prove such panics come back as errors.
func debugPanicInWorker() error {
	return exec.DebugPanicInWorker(context.Background(), mem)
}
