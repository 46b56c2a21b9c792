package tensor

import (
	"runtime"
	"sync"
)

// parallelFor calls body on disjoint ranges [lo, hi) covering [0, n), on up
// to GOMAXPROCS goroutines. work is a rough count of scalar operations per
// index; small loops run on the calling goroutine, where a goroutine would
// cost more than it saves.
func parallelFor(n, work int, body func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 || n*work < 1<<15 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		if lo == hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	wg.Wait()
}
