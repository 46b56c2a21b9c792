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
				Gemm(ta, tb, tc.m, tc.n, tc.k, 0.5, a, lda, b, ldb, 0.25, c1, ldc)
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
	Gemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
}

func TestBackendNamed(t *testing.T) {
	b := Backend()
	if !strings.Contains(b, "openblas") && !strings.Contains(b, "gonum") {
		t.Fatalf("backend %q names neither openblas nor gonum", b)
	}
	t.Log(b)
}

// TestSetThreads sets one thread, checks Backend reports it (OpenBLAS) and
// products still agree with the reference, then restores the count.
func TestSetThreads(t *testing.T) {
	prev := SetThreads(1)
	defer SetThreads(prev)
	if prev < 1 {
		t.Fatalf("previous thread count %d", prev)
	}
	if b := Backend(); strings.Contains(b, "openblas") && !strings.Contains(b, " 1 threads") {
		t.Errorf("after SetThreads(1): %q", b)
	}
	if got := SetThreads(prev); got != 1 && strings.Contains(Backend(), "openblas") {
		t.Errorf("SetThreads returned %d, want the 1 set before", got)
	}
	SetThreads(1)
	a, b := []float32{1, 2, 3, 4, 5, 6}, []float32{1, 0, 2, 1, 0, 3}
	c := make([]float32, 4)
	Gemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	want := []float32{5, 11, 14, 23}
	for i := range c {
		if c[i] != want[i] {
			t.Fatalf("product %v, want %v", c, want)
		}
	}
}
