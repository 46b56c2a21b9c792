package deconv

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/blur"
)

// TestNoiseAdaptiveWeight: with the weight left at zero, IRLS and
// HyperLaplacian choose it from the input's noise. On a Levin image blurred
// by its true kernel, clean or with noise 0.03 added, the chosen weight
// must do at least as well as the fixed weight each method used to have
// (3e-4, 1e-4) up to 0.1 dB, and with the noise much better (the fixed
// weights turn noise into grain).
func TestNoiseAdaptiveWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("four deconvolutions of a 255 px image")
	}
	gt := loadGray(t, levinDir+"/gt/im1.png")
	k := levinKernel(t, 4)
	clean, err := blur.Convolve(gt, k, blur.Valid)
	if err != nil {
		t.Fatal(err)
	}
	// Valid convolution shrinks the image; pad the truth's crop instead of
	// the blurry image: compare on the blurry image's own frame.
	truth := gt.Crop(k.W/2, k.H/2, clean.W, clean.H)
	rng := rand.New(rand.NewPCG(3, 4))
	noisy := clean.Clone()
	for i, v := range noisy.Pix {
		noisy.Pix[i] = float64(int(min(1, max(0, v+0.03*rng.NormFloat64()))*255+0.5)) / 255
	}
	for _, c := range []struct {
		name          string
		chosen, fixed Deconvolver
	}{
		{"irls", IRLS{}, IRLS{Lambda: 3e-4}},
		{"hyperlaplacian", HyperLaplacian{}, HyperLaplacian{Lambda: 1e-4}},
	} {
		for _, in := range []struct {
			name string
			y    float64
			gain float64 // the least gain of the chosen weight, in dB
		}{{"clean", 0, -0.1}, {"noise 0.03", 0.03, 3}} {
			y := clean
			if in.y > 0 {
				y = noisy
			}
			a, err := c.chosen.Deconvolve(context.Background(), y, k)
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.fixed.Deconvolve(context.Background(), y, k)
			if err != nil {
				t.Fatal(err)
			}
			pa, pb := psnr(a, truth, 15), psnr(b, truth, 15)
			t.Logf("%s, %s: chosen weight %.2f dB, fixed %.2f dB", c.name, in.name, pa, pb)
			if pa-pb < in.gain {
				t.Errorf("%s, %s: chosen weight %.2f dB, fixed %.2f dB: want a gain of at least %.1f dB", c.name, in.name, pa, pb, in.gain)
			}
		}
	}
}

func TestNoiseLambdaRules(t *testing.T) {
	for _, rule := range []func(float64) float64{NoiseLambda, HLNoiseLambda} {
		prev := 0.0
		for _, s := range []float64{-1, 0, 0.003, 0.01, 0.03, 0.1} {
			l := rule(s)
			if !(l > 0) || l < prev {
				t.Fatalf("weight %v for noise %v after %v: want positive and non-decreasing", l, s, prev)
			}
			prev = l
		}
	}
	if NoiseLambda(0.05) < 20*NoiseLambda(0) {
		t.Errorf("NoiseLambda(0.05) = %v barely above the clean weight %v", NoiseLambda(0.05), NoiseLambda(0))
	}
}
