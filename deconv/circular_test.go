package deconv

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/plane"
)

// circularCase blurs a 32x32 pattern (strokes touching the borders, so the
// wrap-around matters) circularly with the motion kernel and adds noise.
func circularCase(t *testing.T, sigma float64) (y, sharp, k *plane.Plane) {
	t.Helper()
	sharp = plane.New(32, 32)
	for j := 0; j < 32; j++ {
		for i := 0; i < 32; i++ {
			v := 0.2
			if (i/5+j/7)%3 == 0 || i == 3 || j == 30 {
				v = 0.9
			}
			sharp.Set(i, j, v)
		}
	}
	k = motionKernel()
	y, err := blur.CircularConvolve(sharp, k)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range y.Pix {
		y.Pix[i] += sigma * rng.NormFloat64()
	}
	return y, sharp, k
}

// TestCircularModel checks that BoundaryCircular is the exact inverse of
// blur.CircularConvolve (noise-free, tiny prior: the image comes back to
// 40 dB, which a flipped or shifted kernel could not give), and that every
// "-circular" method improves a noisy circular blur by at least 5 dB and
// beats its valid-model counterpart there.
func TestCircularModel(t *testing.T) {
	y, sharp, k := circularCase(t, 0)
	x, err := Wiener{Lambda: 1e-7, Model: Model{Boundary: BoundaryCircular}}.Deconvolve(context.Background(), y, k)
	if err != nil {
		t.Fatal(err)
	}
	if got := psnr(x, sharp, 0); got < 40 {
		t.Errorf("noise-free circular Wiener: %.2f dB, want >= 40", got)
	}
	xr, err := Wiener{Lambda: 1e-7, Model: Model{Boundary: BoundaryCircular}}.Deconvolve(context.Background(), y, k.Rot180())
	if err != nil {
		t.Fatal(err)
	}
	if got := psnr(xr, sharp, 0); got > 30 {
		t.Errorf("rotated kernel also gives %.2f dB: the test cannot tell the orientation", got)
	}
	y, sharp, k = circularCase(t, 0.01)
	base := psnr(y, sharp, 0)
	for _, pair := range [][2]string{{"wiener-circular", "wiener"}, {"hl-circular", "hyperlaplacian"}, {"irls-circular", "irls"}} {
		xc, err := deconvolve(context.Background(), pair[0], y, k)
		if err != nil {
			t.Fatal(err)
		}
		xv, err := deconvolve(context.Background(), pair[1], y, k)
		if err != nil {
			t.Fatal(err)
		}
		pc, pv := psnr(xc, sharp, 0), psnr(xv, sharp, 0)
		t.Logf("%s %.2f dB, %s %.2f dB, blurry %.2f dB", pair[0], pc, pair[1], pv, base)
		if pc < base+5 || !(pc > pv) || math.IsNaN(pc) {
			t.Errorf("%s: %.2f dB (blurry %.2f, %s %.2f): want +5 dB over blurry and better than the valid model", pair[0], pc, base, pair[1], pv)
		}
	}
	if _, err := (Wiener{Model: Model{Boundary: BoundaryCircular, Weight: plane.New(32, 32)}}).Deconvolve(context.Background(), y, k); err == nil {
		t.Error("circular model accepted a data weight")
	}
}
