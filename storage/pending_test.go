package storage

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// pendingWrites against a plain map: puts, deletions, statement rollbacks
// and ordered range reads in any interleaving.
func TestPendingWritesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	p := newPendingWrites(0, "")
	model := map[string]pendingWrite{}
	saved := maps.Clone(model)
	p.savepoint()
	for step := 0; step < 5000; step++ {
		k := fmt.Sprintf("k%02d", r.IntN(60))
		switch op := r.IntN(10); {
		case op < 5:
			w := pendingWrite{val: []byte(fmt.Sprint(step))}
			p.put(k, w)
			model[k] = w
		case op < 7:
			p.put(k, pendingWrite{del: true})
			model[k] = pendingWrite{del: true}
		case op == 7:
			p.rollbackTo()
			model = maps.Clone(saved)
		case op == 8:
			p.release()
			saved = maps.Clone(model)
		default:
			lo, hi := fmt.Sprintf("k%02d", r.IntN(60)), fmt.Sprintf("k%02d", r.IntN(70))
			var want []string
			for _, mk := range slices.Sorted(maps.Keys(model)) {
				if mk >= lo && mk < hi {
					want = append(want, fmt.Sprintf("%s=%s/%v", mk, model[mk].val, model[mk].del))
				}
			}
			var got []string
			for _, kv := range p.between([]byte(lo), []byte(hi)) {
				got = append(got, fmt.Sprintf("%s=%s/%v", kv.key, kv.w.val, kv.w.del))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("step %d: between(%s, %s)\n got %v\nwant %v", step, lo, hi, got, want)
			}
		}
		if p.len() != len(model) {
			t.Fatalf("step %d: %d writes, model has %d", step, p.len(), len(model))
		}
	}
}
