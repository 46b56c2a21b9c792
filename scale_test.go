package deblur

import (
	"context"
	"image"
	"math"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/selfdeblur"
)

func TestEstimateScale(t *testing.T) {
	for _, c := range []struct{ k, max, side, f, kc int }{
		{27, 0, 500, 1, 27}, {27, 31, 500, 1, 27}, {31, 31, 500, 1, 31}, {51, 31, 500, 2, 27},
		{55, 31, 500, 2, 29}, {75, 31, 500, 3, 25}, {75, 41, 500, 2, 39}, {19, 9, 500, 3, 7},
		// Too small at 3 (16 + 7 - 1 < 33), fine at 2 (25 + 11 - 1).
		{19, 9, 50, 2, 11},
		// Too small at any factor: full size.
		{9, 5, 24, 1, 9},
	} {
		if f, kc := estimateScale(c.k, c.max, c.side, c.side+10, 33); f != c.f || kc != c.kc {
			t.Errorf("estimateScale(%d, %d, %d) = %d, %d; want %d, %d", c.k, c.max, c.side, f, kc, c.f, c.kc)
		}
	}
}

// TestBlindDownscaledFindsLargeKernel: an 18x18 kernel (the 9x9 L shape
// doubled) on a 128x112 colour image, estimated at half size as an 11x11
// kernel because MaxEstimateKernel is 10, then resampled: the result has
// the requested size, the window is reported in full-size pixels, the
// kernel is found and centred and every channel gets sharper.
func TestBlindDownscaledFindsLargeKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 600 SelfDeblur iterations")
	}
	small := lShapeKernel()
	k := plane.New(19, 19)
	for y := range 18 {
		for x := range 18 {
			k.Set(x, y, small.At(x/2, y/2))
		}
	}
	if err := k.Normalize(); err != nil {
		t.Fatal(err)
	}
	sharp, blurry := colourCase(t, 128, 112, k)
	s := selfdeblur.Fast(19)
	s.Gx = selfdeblur.UniformSkip(16, 8)
	s.Seed = 3
	res, err := BlindPlanes(context.Background(), blurry, Options{SelfDeblur: s, Region: Region{MaxEstimateKernel: 10}, Finish: "hyperlaplacian"})
	if err != nil {
		t.Fatal(err)
	}
	// The 19x19 estimate is centred for the finish: its frame grows by
	// the shift.
	if res.Scale != 2 || res.Kernel.W < 19 || res.Kernel.H < 19 || res.Window != image.Rect(0, 0, 128, 112) {
		t.Errorf("scale %d, kernel %dx%d, window %v; want 2, at least 19x19, the whole image", res.Scale, res.Kernel.W, res.Kernel.H, res.Window)
	}
	checkCentred(t, res.Kernel)
	ke, err := metrics.KernelError(res.Kernel, k)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel NCC %.3f", ke.NCC)
	if ke.NCC < 0.7 {
		t.Errorf("kernel NCC %.3f < 0.7", ke.NCC)
	}
	checkSharper(t, sharp, blurry, res.Image, metrics.Protocol{Border: 12, MaxShift: 6, Steps: 4}, 2)
	if _, err := BlindPlanes(context.Background(), imageio.NewGray(plane.New(100, 100)), Options{SelfDeblur: s, Region: Region{MaxEstimateKernel: 10}}); err == nil {
		t.Error("a downscaled estimate without a finishing method accepted")
	}
}

// TestBlindDownscaledRestartSizes: with a frame per restart, the shrunk
// estimate fits each frame at the shrunk scale and the kept kernel comes
// back at its own restart's full size.
func TestBlindDownscaledRestartSizes(t *testing.T) {
	_, blurry := colourCase(t, 96, 96, lShapeKernel())
	s := selfdeblur.Fast(23)
	s.Gx = selfdeblur.UniformSkip(8, 4)
	s.Iterations = 4
	s.Restarts = 2
	s.RestartKernelSizes = []int{23, 13}
	s.Seed = 2 // restart 1, the tighter frame, wins: its size must come back
	res, err := BlindPlanes(context.Background(), blurry, Options{SelfDeblur: s, Region: Region{MaxEstimateKernel: 12}, Finish: "wiener"})
	if err != nil {
		t.Fatal(err)
	}
	want := 13
	if res.Scale != 2 || res.Kernel.W != want || res.Kernel.H != want || len(res.RestartLosses) != 2 {
		t.Errorf("scale %d, kernel %dx%d from seed %d, restart losses %v; want scale 2, a %d kernel, 2 losses",
			res.Scale, res.Kernel.W, res.Kernel.H, res.Seed, res.RestartLosses, want)
	}
	if got := fullKernelSize(s, s.Seed+1); got != 13 {
		t.Errorf("full size of restart 1: %d, want 13", got)
	}
	s.RestartKernelSizes = nil
	if got := fullKernelSize(s, s.Seed+1); got != 23 {
		t.Errorf("full size without restart frames: %d, want 23", got)
	}
	for _, c := range [][3]int{{23, 2, 13}, {13, 2, 7}, {75, 3, 25}, {51, 2, 27}, {20, 2, 11}} {
		if got := kernel.ScaledSize(c[0], c[1]); got != c[2] {
			t.Errorf("kernel.ScaledSize(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}

// checkCentred fails t unless k's centre of mass is within half a pixel of
// its frame's centre.
func checkCentred(t *testing.T, k *plane.Plane) {
	t.Helper()
	var cx, cy, sum float64
	for y := range k.H {
		for x := range k.W {
			v := k.At(x, y)
			cx, cy, sum = cx+v*float64(x), cy+v*float64(y), sum+v
		}
	}
	dx, dy := cx/sum-float64(k.W-1)/2, cy/sum-float64(k.H-1)/2
	if math.Abs(dx) > 0.5 || math.Abs(dy) > 0.5 {
		t.Errorf("%dx%d kernel's centre of mass is (%.2f, %.2f) px off its frame's centre", k.W, k.H, dx, dy)
	}
}
