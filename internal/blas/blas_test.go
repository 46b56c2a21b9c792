package blas

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			c[i*ldc+j] = alpha*float32(s) + beta*c[i*ldc+j]
		}
	}
}

func TestGemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	for _, tc := range []struct{ m, n, k int }{{1, 1, 1}, {3, 5, 7}, {17, 33, 65}, {64, 300, 9}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				lda, ldb := tc.k+2, tc.n+1
				if ta {
					lda = tc.m + 3
				}
				if tb {
					ldb = tc.k + 1
				}
				ra, rb := tc.m, tc.k
				if ta {
					ra = tc.k
				}
				if tb {
					rb = tc.n
				}
				a, b := fill(ra*lda), fill(rb*ldb)
				ldc := tc.n + 2
				c1 := fill(tc.m * ldc)
				c2 := append([]float32(nil), c1...)
				Gemm(1, ta, tb, tc.m, tc.n, tc.k, 0.5, a, lda, b, ldb, 0.25, c1, ldc)
				naive(ta, tb, tc.m, tc.n, tc.k, 0.5, a, lda, b, ldb, 0.25, c2, ldc)
				for i := range c1 {
					if math.Abs(float64(c1[i]-c2[i])) > 1e-4*float64(tc.k+1) {
						t.Fatalf("%+v ta=%v tb=%v: c[%d] = %v, want %v", tc, ta, tb, i, c1[i], c2[i])
					}
				}
			}
		}
	}
}

func TestGemmPanicsOnShortSlice(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a short A")
		}
	}()
	Gemm(1, false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
}

func TestBackendNamed(t *testing.T) {
	b := Backend()
	if !strings.Contains(b, "openblas") && !strings.Contains(b, "gonum") {
		t.Fatalf("backend %q names neither openblas nor gonum", b)
	}
	t.Log(b)
}

// TestGemmSplitIsExact: products split across goroutines by columns (wide
// C) and by rows (tall C), in every transpose combination, and products
// near the size where OpenBLAS changes kernels, equal the single-threaded
// product bit for bit, so a fit's result does not depend on how many
// threads its products use.
func TestGemmSplitIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	for _, tc := range []struct{ m, n, k int }{{32, 2048, 32}, {32, 2060, 32}, {1000, 40, 64}, {33, 515, 129}, {97, 34, 350}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				lda, ldb, ldc := tc.k+1, tc.n+3, tc.n+2
				ra, rb := tc.m, tc.k
				if ta {
					ra, lda = tc.k, tc.m+1
				}
				if tb {
					rb, ldb = tc.n, tc.k+3
				}
				a, b := fill(ra*lda), fill(rb*ldb)
				c1 := fill(tc.m * ldc)
				c2 := append([]float32(nil), c1...)
				c3 := append([]float32(nil), c1...)
				Gemm(1, ta, tb, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 0.5, c1, ldc)
				Gemm(2, ta, tb, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 0.5, c2, ldc)
				Gemm(7, ta, tb, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 0.5, c3, ldc)
				for i := range c1 {
					if c1[i] != c2[i] || c1[i] != c3[i] {
						t.Fatalf("%+v ta=%v tb=%v: c[%d] = %v single-threaded, %v and %v split", tc, ta, tb, i, c1[i], c2[i], c3[i])
					}
				}
			}
		}
	}
}

func TestSplits(t *testing.T) {
	if !splitsProducts {
		t.Skip("the pure-Go backend does not split")
	}
	for _, tc := range []struct{ threads, m, n, k, want int }{
		{2, 32, 2048, 32, 2}, // the width-32 convolution's strip: two blocks of 1024 columns
		{2, 32, 2060, 32, 1}, // the second block would be too small
		{4, 32, 8192, 32, 4},
		{1, 32, 8192, 32, 1},
		{8, 128, 2048, 128, 8},
		{2, 100, 100, 100, 1},
	} {
		if got := splits(tc.threads, tc.m, tc.n, tc.k); got != tc.want {
			t.Errorf("splits(%d, %d, %d, %d) = %d, want %d", tc.threads, tc.m, tc.n, tc.k, got, tc.want)
		}
	}
}

func TestBlockEdges(t *testing.T) {
	for _, tc := range []struct{ parts, n int }{{2, 2000}, {3, 40}, {7, 515}, {2, 17}} {
		prev := 0
		for i := 1; i <= tc.parts; i++ {
			e := blockEdge(i, tc.parts, tc.n)
			if e < prev || (i < tc.parts && e%splitAlign != 0) {
				t.Errorf("parts %d of %d: edge %d = %d after %d", tc.parts, tc.n, i, e, prev)
			}
			prev = e
		}
		if prev != tc.n || blockEdge(0, tc.parts, tc.n) != 0 {
			t.Errorf("parts %d of %d do not cover it", tc.parts, tc.n)
		}
	}
}
