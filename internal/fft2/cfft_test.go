package fft2

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func naiveDFT1(x []complex128) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	for k := range out {
		var s complex128
		for j, v := range x {
			s += v * cmplx.Exp(complex(0, -2*math.Pi*float64(k*j%n)/float64(n)))
		}
		out[k] = s
	}
	return out
}

func TestCFFTMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25, 27, 30, 32, 45, 60, 64, 75, 81, 96, 100, 120, 125, 128, 243, 256, 360, 625, 1024, 1080} {
		c, ok := newCFFT(n)
		if !ok {
			t.Fatalf("newCFFT(%d) failed", n)
		}
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(rng.Float64()-0.5, rng.Float64()-0.5)
		}
		want := naiveDFT1(x)
		got := append([]complex128(nil), x...)
		c.transform(got, make([]complex128, n))
		for k := range got {
			if cmplx.Abs(got[k]-want[k]) > 1e-9*math.Sqrt(float64(n)) {
				t.Fatalf("n=%d: coefficient %d = %v, want %v", n, k, got[k], want[k])
			}
		}
	}
	for _, n := range []int{7, 14, 49, 0} {
		if _, ok := newCFFT(n); ok {
			t.Errorf("newCFFT(%d) should fail", n)
		}
	}
}
