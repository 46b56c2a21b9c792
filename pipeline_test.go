package deblur

import (
	"context"
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// lShapeKernel is a 9x9 asymmetric motion kernel.
func lShapeKernel() *plane.Plane {
	k := plane.New(9, 9)
	for i, w := range []float64{1, 2, 3, 3, 2, 2} {
		k.Set(1+i, 2, w)
	}
	for j, w := range []float64{2, 2, 1.5, 1} {
		k.Set(6, 3+j, w)
	}
	if err := k.Normalize(); err != nil {
		panic(err)
	}
	return k
}

// colourCase makes a colour image from a Levin ground truth (three
// different tone curves, so the channels differ), blurs every channel with
// k ('valid') and returns the sharp and blurry images of size w x h.
func colourCase(t *testing.T, w, h int, k *plane.Plane) (sharp, blurry *imageio.Image) {
	t.Helper()
	im, err := imageio.Read(filepath.Join("..", "shared", "data", "levin", "gt", "im2.png"))
	if err != nil {
		t.Skipf("Levin data not available: %v", err)
	}
	ext := im.Channels[0].Crop(20, 20, w+k.W-1, h+k.H-1)
	sharp, blurry = &imageio.Image{}, &imageio.Image{}
	for c, curve := range []func(v float64) float64{
		func(v float64) float64 { return v },
		func(v float64) float64 { return v * v },
		func(v float64) float64 { return 1 - 0.8*v },
	} {
		e := ext.Clone()
		for i, v := range e.Pix {
			e.Pix[i] = curve(v)
		}
		b, err := blur.Convolve(e, k, blur.Valid)
		if err != nil {
			t.Fatal(err)
		}
		sharp.Channels = append(sharp.Channels, e.CropCenter(w, h))
		blurry.Channels = append(blurry.Channels, b)
		_ = c
	}
	return sharp, blurry
}

// TestBlindOnWindowDeblursEveryChannel: the kernel is estimated on a 64x64
// window of a 128x112 colour image and every channel is deconvolved with
// it: each channel gets sharper by at least 3 dB and the kernel is found.
func TestBlindOnWindowDeblursEveryChannel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 600 SelfDeblur iterations")
	}
	k := lShapeKernel()
	sharp, blurry := colourCase(t, 128, 112, k)
	s := selfdeblur.Fast(9)
	s.Gx = selfdeblur.UniformSkip(16, 8)
	s.Seed = 3
	res, err := BlindPlanes(context.Background(), blurry, Options{SelfDeblur: s, Region: Region{EstimateSize: 64}, Finish: "hyperlaplacian"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Window.Dx() != 64 || res.Window.Dy() != 64 {
		t.Errorf("window %v, want 64x64", res.Window)
	}
	ke, err := metrics.KernelError(res.Kernel, k)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("window %v, kernel NCC %.3f", res.Window, ke.NCC)
	if ke.NCC < 0.8 {
		t.Errorf("kernel NCC %.3f < 0.8", ke.NCC)
	}
	checkCentred(t, res.Kernel)
	checkSharper(t, sharp, blurry, res.Image, metrics.Protocol{Border: 8, MaxShift: 4, Steps: 4}, 3)
}

// checkSharper fails t unless every channel of out scores at least gain
// dB above the same channel of blurry against sharp.
func checkSharper(t *testing.T, sharp, blurry, out *imageio.Image, p metrics.Protocol, gain float64) {
	t.Helper()
	for c := range sharp.Channels {
		before, err := metrics.Score(blurry.Channels[c], sharp.Channels[c], p)
		if err != nil {
			t.Fatal(err)
		}
		after, err := metrics.Score(out.Channels[c], sharp.Channels[c], p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("channel %d: %.2f -> %.2f dB", c, before.PSNR, after.PSNR)
		if after.PSNR < before.PSNR+gain {
			t.Errorf("channel %d: %.2f dB is not %g dB above the blurry %.2f dB", c, after.PSNR, gain, before.PSNR)
		}
	}
}

func TestBlindRejects(t *testing.T) {
	im := imageio.NewGray(plane.New(100, 100))
	s := selfdeblur.Fast(9)
	if _, err := BlindPlanes(context.Background(), im, Options{SelfDeblur: s, Region: Region{EstimateSize: 64}}); err == nil {
		t.Error("a window without a finishing method accepted")
	}
	if _, err := BlindPlanes(context.Background(), im, Options{SelfDeblur: s, Region: Region{EstimateSize: -1}, Finish: "wiener"}); err == nil {
		t.Error("negative estimate size accepted")
	}
}

// TestBlindWindowCancelledReturnsInput: an estimate on a window that is
// interrupted returns the kernel so far with the blurry input, unchanged,
// as the image (the finish does not run).
func TestBlindWindowCancelledReturnsInput(t *testing.T) {
	_, blurry := colourCase(t, 96, 80, lShapeKernel())
	ctx, cancel := context.WithCancel(context.Background())
	s := selfdeblur.Fast(9)
	s.Gx = selfdeblur.UniformSkip(8, 4)
	s.Recorder = progress.Func(func(progress.Event) { cancel() })
	res, err := BlindPlanes(ctx, blurry, Options{SelfDeblur: s, Region: Region{EstimateSize: 48}, Finish: "wiener"})
	if err == nil || res == nil {
		t.Fatalf("result %v, error %v: want the partial result with ctx's error", res, err)
	}
	if res.Kernel.W != 9 || len(res.Image.Channels) != 3 {
		t.Fatalf("kernel %dx%d, %d channels", res.Kernel.W, res.Kernel.H, len(res.Image.Channels))
	}
	for c, ch := range res.Image.Channels {
		if ch == blurry.Channels[c] || !slices.Equal(ch.Pix, blurry.Channels[c].Pix) {
			t.Errorf("channel %d is not a copy of the blurry input", c)
		}
	}
}

// TestBlindCentreWindow: an image within EstimateSize but larger than
// CentreSize is estimated on its centred window with CentreIterations
// iterations (the schedule scaled), at the given frames; a frame over half
// the window, or an image no larger than it, is estimated whole, and
// without a finish the centre is refused.
func TestBlindCentreWindow(t *testing.T) {
	_, blurry := colourCase(t, 96, 80, lShapeKernel())
	s := selfdeblur.Fast(9)
	s.Gx = selfdeblur.UniformSkip(8, 4)
	s.Iterations, s.SSIMFrom, s.Milestones = 8, 4, []int{6}
	r := Region{EstimateSize: 100, CentreSize: 48, CentreIterations: 4}
	res, err := BlindPlanes(context.Background(), blurry, Options{SelfDeblur: s, Region: r, Finish: "wiener"})
	if err != nil {
		t.Fatal(err)
	}
	if want := image.Rect(24, 16, 72, 64); res.Window != want {
		t.Errorf("window %v, want %v", res.Window, want)
	}
	if res.Iterations != 4 || res.Settings.Iterations != 4 || res.Settings.SSIMFrom != 2 || !slices.Equal(res.Settings.Milestones, []int{3}) {
		t.Errorf("%d iterations, settings %d (SSIM from %d, milestones %v), want 4 (2, [3])", res.Iterations, res.Settings.Iterations, res.Settings.SSIMFrom, res.Settings.Milestones)
	}
	if res.Kernel.W < 9 || res.Image.W() != 96 || res.Image.H() != 80 || len(res.Image.Channels) != 3 {
		t.Errorf("kernel %dx%d, image %dx%d with %d channels", res.Kernel.W, res.Kernel.H, res.Image.W(), res.Image.H(), len(res.Image.Channels))
	}

	whole := image.Rect(0, 0, 96, 80)
	for name, c := range map[string]struct {
		r Region
		k int
	}{
		"frame over half the window": {r, 25},
		"image within the window":    {Region{EstimateSize: 100, CentreSize: 96, CentreIterations: 4}, 9},
		"no estimate window":         {Region{CentreSize: 48, CentreIterations: 4}, 9},
		"automatic kernel size":      {r.ForAutoKernelSize(), 9},
	} {
		s.KernelSize = c.k
		res, err := BlindPlanes(context.Background(), blurry, Options{SelfDeblur: s, Region: c.r, Finish: "wiener"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Window != whole || res.Iterations != 8 {
			t.Errorf("%s: window %v after %d iterations, want the whole image after 8", name, res.Window, res.Iterations)
		}
	}
	s.KernelSize = 9
	if _, err := BlindPlanes(context.Background(), blurry, Options{SelfDeblur: s, Region: r}); err == nil {
		t.Error("a centre window without a finishing method accepted")
	}
}

func TestEstimationRegion(t *testing.T) {
	for _, c := range []struct{ w, h, size, ew, eh int }{
		{255, 255, 320, 255, 255}, // smaller than the window: whole
		{255, 255, 200, 200, 200},
		{800, 150, 200, 200, 150}, // one side smaller
		{800, 600, 0, 800, 600},   // 0: always whole
	} {
		if ew, eh := EstimationRegion(c.w, c.h, c.size); ew != c.ew || eh != c.eh {
			t.Errorf("EstimationRegion(%d, %d, %d) = %d x %d, want %d x %d", c.w, c.h, c.size, ew, eh, c.ew, c.eh)
		}
	}
}
