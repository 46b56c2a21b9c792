//go:build !cgo || purego

package blas

func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gonumGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func backend() string { return "gonum (pure Go)" }

// splitsProducts is false: gonum's Sgemm spreads a large product over
// GOMAXPROCS goroutines itself.
const splitsProducts = false
