package exec

import (
	"runtime"
	"sync"
	"weak"

	"github.com/alopexdb/alopex/lazy"
)

// callMemos keeps the values registry functions keep per call (fn.Memo)
// while the call, and so its plan, is alive: keys are weak pointers, and an
// entry is dropped when its call is collected.
var callMemos sync.Map // weak.Pointer[lazy.Call] → any

// callMemo is the fn.Memo of one call of a plan.
type callMemo struct{ c *lazy.Call }

func (m callMemo) Keep(build func() any) any {
	key := weak.Make(m.c)
	if v, ok := callMemos.Load(key); ok {
		return v
	}
	v := build()
	prev, loaded := callMemos.LoadOrStore(key, v)
	if loaded {
		return prev
	}
	runtime.AddCleanup(m.c, func(k weak.Pointer[lazy.Call]) { callMemos.Delete(k) }, key)
	return v
}
