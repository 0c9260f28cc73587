package core

import (
	"sync"
	"sync/atomic"
	"time"
)

// Progress of long tasks the engine runs inside a call (building a stored
// vector index at its first search), for Python to show as a progress bar
// while it waits for the call.

// Task is one running task; End removes it.
type Task struct {
	what    string
	started time.Time
	total   atomic.Int64
	done    atomic.Int64
}

var tasks struct {
	mu   sync.Mutex
	list []*Task
}

// StartTask registers a task of about total steps (0: unknown).
func StartTask(what string, total int64) *Task {
	t := &Task{what: what, started: time.Now()}
	t.total.Store(total)
	tasks.mu.Lock()
	tasks.list = append(tasks.list, t)
	tasks.mu.Unlock()
	return t
}

// Add counts n more steps done.
func (t *Task) Add(n int64) { t.done.Add(n) }

// End removes the task.
func (t *Task) End() {
	tasks.mu.Lock()
	defer tasks.mu.Unlock()
	for i, x := range tasks.list {
		if x == t {
			tasks.list = append(tasks.list[:i], tasks.list[i+1:]...)
			return
		}
	}
}

// TaskProgress is a running task as Tasks reports it.
type TaskProgress struct {
	What    string  `json:"what"`
	Done    int64   `json:"done"`
	Total   int64   `json:"total"`
	Seconds float64 `json:"seconds"`
}

// Tasks returns the running tasks, oldest first. A task's total is an
// estimate: done may pass it.
func Tasks() []TaskProgress {
	tasks.mu.Lock()
	defer tasks.mu.Unlock()
	out := make([]TaskProgress, len(tasks.list))
	for i, t := range tasks.list {
		done, total := t.done.Load(), t.total.Load()
		out[i] = TaskProgress{What: t.what, Done: done, Total: max(total, done), Seconds: time.Since(t.started).Seconds()}
	}
	return out
}
