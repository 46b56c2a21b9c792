package deblur

import "github.com/deblur/deblur/internal/blas"

// SetBLASThreads sets how many threads OpenBLAS uses for each matrix
// product from now on (n >= 1) and returns the previous count; it does
// nothing under the pure-Go backend (returning 1). It is process-wide:
// call it from main, not from a library.
//
// SelfDeblur with restarts (the Default preset has two) runs its fits
// concurrently, one per core, only when OpenBLAS is single-threaded, and in
// turn otherwise; with two cores the concurrent fits are about 1.3x faster
// (0.17 against 0.22 s per iteration of both at Levin size). The deblur
// command calls SetBLASThreads(1) whenever the settings ask for restarts.
func SetBLASThreads(n int) int { return blas.SetThreads(n) }
