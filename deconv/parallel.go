package deconv

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkLen is the number of elements one goroutine handles at a time in the
// elementwise loops. The split depends only on the length, never on the
// number of cores, so sums come out bit-identical on every machine.
const chunkLen = 1 << 14

// forChunks calls f(lo, hi) for the consecutive chunks of [0, n), spread over
// up to GOMAXPROCS goroutines, and returns when all are done.
func forChunks(n int, f func(lo, hi int)) {
	nc := (n + chunkLen - 1) / chunkLen
	run(nc, func(c int) {
		lo := c * chunkLen
		f(lo, min(lo+chunkLen, n))
	})
}

// sumChunks returns the sum over the chunks of [0, n) of f(lo, hi), the
// partial sums added in chunk order.
func sumChunks(n int, f func(lo, hi int) float64) float64 {
	nc := (n + chunkLen - 1) / chunkLen
	part := make([]float64, nc)
	run(nc, func(c int) {
		lo := c * chunkLen
		part[c] = f(lo, min(lo+chunkLen, n))
	})
	s := 0.0
	for _, v := range part {
		s += v
	}
	return s
}

// forRows calls f(lo, hi) for blocks of rows of [0, h), each block covering
// about chunkLen elements of rows of length w, spread like forChunks.
func forRows(h, w int, f func(lo, hi int)) {
	per := max(1, chunkLen/max(w, 1))
	nc := (h + per - 1) / per
	run(nc, func(c int) {
		lo := c * per
		f(lo, min(lo+per, h))
	})
}

// run calls task(0..n-1), each once, on up to GOMAXPROCS goroutines.
func run(n int, task func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			task(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				task(i)
			}
		}()
	}
	wg.Wait()
}
