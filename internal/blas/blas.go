// Package blas is the single-precision matrix product that every convolution
// and linear layer of deblur runs on.
//
// Two backends sit behind one function. The default build loads OpenBLAS at
// run time through cgo; a build with CGO_ENABLED=0 or the purego tag uses
// gonum's pure-Go implementation. Backend reports which one is in use.
//
// OpenBLAS is loaded with dlopen rather than linked, on purpose: a linked
// OpenBLAS picks its CPU kernels in a constructor that runs before main, and
// Debian's build picks its Haswell kernels on AVX-512 CPUs unless
// OPENBLAS_CORETYPE is already in the environment. Loading it ourselves lets
// us set OPENBLAS_CORETYPE=SkylakeX first (only when the CPU has AVX-512 and
// the variable is unset), so every user of the library gets the fast kernels
// without doing anything. If no OpenBLAS shared library can be found the
// package falls back to gonum and says so in Backend.
package blas

import "sync"

// Gemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where
// op(X) is X or its transpose as transA/transB say, op(A) is m x k, op(B) is
// k x n and C is m x n. lda, ldb and ldc are the row strides of the stored
// matrices (A is stored m x k, or k x m when transposed). The slices must
// be long enough for the strides given; Gemm panics otherwise, like the
// BLAS it wraps.
//
// threads is how many goroutines the product may use: a product large
// enough to gain from it is split into that many blocks of columns (or of
// rows, when C is narrow), each computed by a single-threaded call. Every
// element of C is computed the same way whatever the split, so the result
// does not depend on threads. The count is the caller's, per call: OpenBLAS
// runs single-threaded in this package, so that concurrent callers (two
// restarts fitted at once, two images deblurred by one server) never
// contend for one process-wide thread pool.
func Gemm(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	parts := splits(threads, m, n, k)
	if parts <= 1 {
		gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if n >= m {
		for i := range parts {
			j0, j1 := blockEdge(i, parts, n), blockEdge(i+1, parts, n)
			bOff := j0
			if transB {
				bOff = j0 * ldb
			}
			bj := b[bOff:]
			wg.Go(func() { gemm(transA, transB, m, j1-j0, k, alpha, a, lda, bj, ldb, beta, c[j0:], ldc) })
		}
	} else {
		for i := range parts {
			i0, i1 := blockEdge(i, parts, m), blockEdge(i+1, parts, m)
			aOff := i0 * lda
			if transA {
				aOff = i0
			}
			ai := a[aOff:]
			wg.Go(func() { gemm(transA, transB, i1-i0, n, k, alpha, ai, lda, b, ldb, beta, c[i0*ldc:], ldc) })
		}
	}
	wg.Wait()
}

// minPartMNK is the smallest m*n*k of a block of a split product. Below
// about a million multiply-adds OpenBLAS (0.3.21, SkylakeX) switches to
// its small-matrix kernels, which round differently; blocks at least this
// large run the same blocked kernels as the whole product, so the split
// changes no bit of C (TestGemmSplitIsExact checks it on the machine that
// runs the tests). A block this size also outweighs a goroutine's start
// and the repacking of the shared operand.
const minPartMNK = 1 << 20

// splitAlign is the granularity of the blocks: a multiple of the widest
// GEMM micro-kernel tile, so that only the last block has a ragged edge.
const splitAlign = 16

// splits returns how many blocks an m x n x k product is cut into for
// threads goroutines (along n when n >= m, else along m): 1 for the
// pure-Go backend (which parallelises inside), threads below 2, or a
// product too small for two blocks of minPartMNK.
func splits(threads, m, n, k int) int {
	if threads < 2 || !splitsProducts {
		return 1
	}
	long, short := max(m, n), min(m, n)
	for parts := min(threads, long/splitAlign); parts > 1; parts-- {
		// The last block is the smallest (the edges round up).
		last := long - blockEdge(parts-1, parts, long)
		if last*short*k >= minPartMNK {
			return parts
		}
	}
	return 1
}

// blockEdge is the first index of block i of parts over n, rounded up to a
// multiple of splitAlign.
func blockEdge(i, parts, n int) int {
	if i >= parts {
		return n
	}
	return min(n, (n*i/parts+splitAlign-1)/splitAlign*splitAlign)
}

// Backend describes the GEMM implementation in use, e.g.
// "openblas 0.3.21 (SkylakeX kernels, 1 thread per call)" or "gonum (pure Go)".
func Backend() string { return backend() }

func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ra, ca := m, k
	if transA {
		ra, ca = k, m
	}
	rb, cb := k, n
	if transB {
		rb, cb = n, k
	}
	need := func(name string, rows, cols, ld, have int) {
		if rows == 0 || cols == 0 {
			return
		}
		if ld < cols || (rows-1)*ld+cols > have {
			panic("blas: " + name + " too short for its shape and stride")
		}
	}
	need("A", ra, ca, lda, len(a))
	need("B", rb, cb, ldb, len(b))
	need("C", m, n, ldc, len(c))
}
