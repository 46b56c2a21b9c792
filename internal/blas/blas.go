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

// Gemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where
// op(X) is X or its transpose as transA/transB say, op(A) is m x k, op(B) is
// k x n and C is m x n. lda, ldb and ldc are the row strides of the stored
// matrices (A is stored m x k, or k x m when transposed). The slices must
// be long enough for the strides given; Gemm panics otherwise, like the
// BLAS it wraps.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SetThreads sets how many threads OpenBLAS uses for every product of the
// process from now on (n >= 1) and returns the previous count; the gonum
// backend is single-threaded and ignores it (returning 1). Programs whose
// products are all tiny (28x28 images, batches of ten) are faster with one
// thread: a threaded product of that size costs more in hand-offs than it
// gains, and on a loaded machine each hand-off can wait for a time slice.
// It is process-wide; call it from main, not from a library.
func SetThreads(n int) int {
	if n < 1 {
		n = 1
	}
	return setThreads(n)
}

// Threads returns how many threads OpenBLAS uses for a product; 1 for the
// gonum backend.
func Threads() int { return threads() }

// Backend describes the GEMM implementation in use, e.g.
// "openblas 0.3.21 (SkylakeX kernels, 2 threads)" or "gonum (pure Go)".
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
