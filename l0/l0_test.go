package l0

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
)

// motionKernel is a 13x13 curved camera-shake stroke.
func motionKernel() *plane.Plane {
	k := plane.New(13, 13)
	for t := 0.0; t <= 1; t += 0.01 {
		x, y := 2+8*t, 3+6*t*t
		k.Set(int(math.Round(x)), int(math.Round(y)), k.At(int(math.Round(x)), int(math.Round(y)))+1+t)
	}
	if err := k.Normalize(); err != nil {
		panic(err)
	}
	return k
}

// blurred returns a w x h crop of the Levin image im2 and its blur by k
// ('valid', so no border is invented) plus Gaussian noise of sigma.
func blurred(t *testing.T, w, h int, k *plane.Plane, sigma float64) (sharp, y *plane.Plane) {
	t.Helper()
	im, err := imageio.Read(testfiles.Path("levin", "gt", "im2.png"))
	if err != nil {
		t.Fatal(err)
	}
	ext := im.Channels[0].Crop(40, 40, w+k.W-1, h+k.H-1)
	y, err = blur.Convolve(ext, k, blur.Valid)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range y.Pix {
		y.Pix[i] += sigma * rng.NormFloat64()
	}
	return ext.Crop((k.W-1)/2, (k.H-1)/2, w, h), y
}

func TestLevels(t *testing.T) {
	for _, c := range []struct {
		k    int
		want []int
	}{
		{31, []int{31, 23, 17, 11, 9, 7}},
		{5, []int{5}},
		{3, []int{3}},
		{75, []int{75, 55, 39, 27, 19, 15, 11, 7}},
	} {
		if got := levels(c.k, 5); !slices.Equal(got, c.want) {
			t.Errorf("levels(%d) = %v, want %v", c.k, got, c.want)
		}
	}
}

// TestEstimateKernelFromSharp: given the sharp image, the kernel step
// recovers the kernel.
func TestEstimateKernelFromSharp(t *testing.T) {
	k := motionKernel()
	sharp, y := blurred(t, 120, 110, k, 0.002)
	est, err := estimateKernel(sharp, y, 15, 2)
	if err != nil {
		t.Fatal(err)
	}
	ke, err := metrics.KernelError(est, k)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel NCC %.3f, shift (%d, %d)", ke.NCC, ke.DX, ke.DY)
	if ke.NCC < 0.9 || math.Abs(est.Sum()-1) > 1e-9 {
		t.Errorf("kernel NCC %.3f (want >= 0.9), sum %v", ke.NCC, est.Sum())
	}
}

// TestLatentExplainsTheBlur: with the true kernel, the latent image
// re-blurred is close to the blurry image, and sharper than it.
func TestLatentExplainsTheBlur(t *testing.T) {
	k := motionKernel()
	sharp, y := blurred(t, 100, 90, k, 0.002)
	// Weights this small make the latent image a deconvolution; the
	// estimator's larger ones flatten it on purpose, for the kernel step.
	x, err := latent(context.Background(), y, k, 1e-4, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	if x.W != y.W || x.H != y.H {
		t.Fatalf("latent %dx%d for a %dx%d image", x.W, x.H, y.W, y.H)
	}
	p := metrics.Protocol{Border: 10, MaxShift: 2, Steps: 1}
	before, err := metrics.Score(y, sharp, p)
	if err != nil {
		t.Fatal(err)
	}
	after, err := metrics.Score(x.Clone().Clamp(0, 1), sharp, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PSNR blurry %.2f dB, latent %.2f dB", before.PSNR, after.PSNR)
	if after.PSNR < before.PSNR+5 {
		t.Errorf("latent %.2f dB is not 5 dB above the blurry %.2f", after.PSNR, before.PSNR)
	}
	if _, err := latent(cancelled(), y, k, 4e-3, 4e-3); err == nil {
		t.Error("a cancelled context was not noticed")
	}
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// TestRecoversKnownKernel: the whole method, blind, finds the kernel of a
// synthetic case in a generous frame (measured NCC 0.78; a 3x3 box at the
// centre, what knowing nothing gives, scores 0.45).
func TestRecoversKnownKernel(t *testing.T) {
	k := motionKernel()
	_, y := blurred(t, 160, 150, k, 0.005)
	est, err := Estimator{}.Estimate(context.Background(), y, blind.Job{Frames: []int{17}})
	if err != nil {
		t.Fatal(err)
	}
	ke, err := metrics.KernelError(est.Kernel, k)
	if err != nil {
		t.Fatal(err)
	}
	box := plane.New(17, 17)
	for y := 7; y <= 9; y++ {
		for x := 7; x <= 9; x++ {
			box.Set(x, y, 1.0/9)
		}
	}
	base, err := metrics.KernelError(box, k)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel NCC %.3f in a 17 px frame (a centred box: %.3f), %d iterations", ke.NCC, base.NCC, est.Iterations)
	if ke.NCC < 0.75 || ke.NCC < base.NCC+0.3 {
		t.Errorf("kernel NCC %.3f, want >= 0.75 and 0.3 above the box's %.3f", ke.NCC, base.NCC)
	}
	if est.Kernel.W != 17 || math.Abs(est.Kernel.Sum()-1) > 1e-9 || est.Image == nil || est.Image.W != y.W {
		t.Errorf("kernel %dx%d summing to %v, image %v", est.Kernel.W, est.Kernel.H, est.Kernel.Sum(), est.Image != nil)
	}
}

func TestRemoveIsolated(t *testing.T) {
	k := plane.New(7, 7)
	k.Set(1, 1, 0.4)
	k.Set(2, 2, 0.4) // diagonal: one component with (1, 1)
	k.Set(5, 5, 0.05)
	removeIsolated(k, 0.1)
	if k.At(5, 5) != 0 || k.At(1, 1) != 0.5 || k.At(2, 2) != 0.5 {
		t.Errorf("kernel after clean-up %v", k.Pix)
	}
}

func TestResizeKernelKeepsMassAndCentre(t *testing.T) {
	k := motionKernel()
	up := resizeKernel(k, 19)
	if up.W != 19 || math.Abs(up.Sum()-1) > 1e-9 {
		t.Fatalf("resized to %dx%d summing to %v", up.W, up.H, up.Sum())
	}
	cx := func(p *plane.Plane) float64 {
		s := 0.0
		for y := range p.H {
			for x := range p.W {
				s += p.At(x, y) * (float64(x) - float64(p.W-1)/2)
			}
		}
		return s
	}
	if a, b := cx(k)*19/13, cx(up); math.Abs(a-b) > 0.5 {
		t.Errorf("centre of mass %.2f px from the centre, want %.2f", b, a)
	}
}

func TestValidate(t *testing.T) {
	for _, bad := range []Estimator{{Intensity: -1}, {Gamma: math.NaN()}, {Decay: 2}, {Iterations: -1}, {Coarsest: 2}, {IsolatedMass: 1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if err := (Estimator{}).Validate(); err != nil {
		t.Error(err)
	}
	_, y := blurred(t, 40, 40, motionKernel(), 0)
	if _, err := (Estimator{}).Estimate(context.Background(), y, blind.Job{Frames: []int{41}}); err == nil {
		t.Error("a frame larger than the image accepted")
	}
}
