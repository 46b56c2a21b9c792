package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/plane"
)

func TestSpectralNormKnownMatrices(t *testing.T) {
	// A rank-one matrix u v^T has the single singular value |u| |v|, while
	// its Frobenius norm is the same number: use rank two to tell them apart.
	u := []float64{1, 2, 2}       // |u| = 3
	v := []float64{3, 0, 4, 0, 0} // |v| = 5
	p := plane.New(len(v), len(u))
	for y, a := range u {
		for x, b := range v {
			p.Set(x, y, a*b)
		}
	}
	if got, err := SpectralNorm(p); err != nil || math.Abs(got-15) > 1e-12 {
		t.Fatalf("rank one: %v, %v; want 15", got, err)
	}
	// diag(3, -4, 1) in a 4x3 plane: singular values 4, 3, 1, so the 2-norm is
	// 4 where the Frobenius norm is sqrt(26).
	d := plane.New(4, 3)
	d.Set(0, 0, 3)
	d.Set(1, 1, -4)
	d.Set(2, 2, 1)
	if got, err := SpectralNorm(d); err != nil || math.Abs(got-4) > 1e-12 {
		t.Fatalf("diagonal: %v, %v; want 4", got, err)
	}
	if got, err := SpectralNorm(plane.New(5, 4)); err != nil || got != 0 {
		t.Fatalf("zero plane: %v, %v", got, err)
	}
	d.Set(3, 2, math.NaN())
	if _, err := SpectralNorm(d); err == nil {
		t.Fatal("NaN sample accepted")
	}
}

func TestSpectralNormAgainstPowerIteration(t *testing.T) {
	// An independent estimate: power iteration on A^T A converges to the
	// largest singular value of a random matrix.
	rng := rand.New(rand.NewPCG(3, 4))
	p := plane.New(23, 17)
	for i := range p.Pix {
		p.Pix[i] = rng.NormFloat64()
	}
	x := make([]float64, p.W)
	for i := range x {
		x[i] = 1
	}
	sigma := 0.0
	for it := 0; it < 2000; it++ {
		y := make([]float64, p.H) // y = A x
		for r := 0; r < p.H; r++ {
			for c := 0; c < p.W; c++ {
				y[r] += p.At(c, r) * x[c]
			}
		}
		z := make([]float64, p.W) // z = A^T y
		for r := 0; r < p.H; r++ {
			for c := 0; c < p.W; c++ {
				z[c] += p.At(c, r) * y[r]
			}
		}
		n := 0.0
		for _, v := range z {
			n += v * v
		}
		n = math.Sqrt(n)
		sigma = math.Sqrt(n) // |A^T A x| for unit x -> sigma^2
		for i := range z {
			x[i] = z[i] / n
		}
	}
	got, err := SpectralNorm(p)
	if err != nil || math.Abs(got-sigma) > 1e-9*sigma {
		t.Fatalf("SpectralNorm %v (%v), power iteration %v", got, err, sigma)
	}
}

func TestErrorRatioNorm2(t *testing.T) {
	gt, noise, withNoise := noisyCase()
	one := withNoise(1)
	// Twice the error: twice the norm (the SSD ratio would be 4).
	r, err := ErrorRatioNorm2(withNoise(2), one, gt, Standard())
	if err != nil || math.Abs(r-2) > 1e-12 {
		t.Fatalf("double noise: ratio %v, %v", r, err)
	}
	// The norm is the error's largest singular value on the cropped region.
	n, err := ErrorNorm2(one, gt, Standard())
	crop := noise.Crop(15, 15, 40, 40)
	want, _ := SpectralNorm(crop)
	if err != nil || math.Abs(n-want) > 1e-12 {
		t.Fatalf("ErrorNorm2 %v (%v), want %v", n, err, want)
	}
	if r, _ := ErrorRatioNorm2(gt, gt, gt, Standard()); r != 1 {
		t.Fatalf("perfect both: %v", r)
	}
	if r, _ := ErrorRatioNorm2(one, gt, gt, Standard()); !math.IsInf(r, 1) {
		t.Fatalf("perfect true-kernel result: %v", r)
	}
	if _, err := ErrorRatioNorm2(plane.New(20, 20), gt, gt, Standard()); err == nil {
		t.Fatal("size mismatch accepted")
	}
}
