package deblur

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/kernel"
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
	im, err := imageio.Read(testfiles.Path("levin", "gt", "im2.png"))
	if err != nil {
		t.Fatal(err)
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

// tiny is a small, fast SelfDeblur for tests: Fast's schedule with a
// narrow image network. Its convolutions stay float32: at this width, in
// bfloat16, the
// shrunk-scale case of TestDeblurShrunkFindsLargeKernel found its kernel
// less well (NCC 0.77 against 0.81, mean of seeds 1-6 on a CPU with AVX-512
// BF16), and the tests check the pipeline, not the precision.
func tiny(iters int) selfdeblur.Estimator {
	return selfdeblur.Estimator{Preset: selfdeblur.PresetFast, Iterations: iters, Width: 16, Skip: 8, Float32: true}
}

// TestDeblurOnRegionDeblursEveryChannel: the kernel is estimated on a
// 64x64 region of a 128x112 colour image and every channel is deconvolved
// with it: each channel gets sharper by at least 3 dB and the kernel is
// found and centred.
func TestDeblurOnRegionDeblursEveryChannel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 600 SelfDeblur iterations")
	}
	k := lShapeKernel()
	sharp, blurry := colourCase(t, 128, 112, k)
	luma, err := lumaOf(blurry)
	if err != nil {
		t.Fatal(err)
	}
	x0, y0 := informativeWindow(luma, 64)
	region := image.Rect(x0, y0, x0+64, y0+64)
	res, err := DeblurPlanes(context.Background(), blurry, &Options{Method: tiny(600), KernelSize: 9, Region: region, Finish: deconv.HyperLaplacian{}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Region != region || res.Plan.RegionRule != "given" {
		t.Errorf("region %v (%s), want %v (given)", res.Plan.Region, res.Plan.RegionRule, region)
	}
	ke, err := metrics.KernelError(res.Kernel, k)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel NCC %.3f", ke.NCC)
	if ke.NCC < 0.8 {
		t.Errorf("kernel NCC %.3f < 0.8", ke.NCC)
	}
	checkCentred(t, res.Kernel)
	checkSharper(t, sharp, blurry, res.Planes(), metrics.Protocol{Border: 8, MaxShift: 4, Steps: 4}, 3)
	if _, ok := res.Image.(*image.NRGBA); !ok || res.Image.Bounds() != image.Rect(0, 0, 128, 112) {
		t.Errorf("image %T %v, want an 8-bit 128x112 NRGBA", res.Image, res.Image.Bounds())
	}
}

// TestDeblurShrunkFindsLargeKernel: an 18x18 kernel (the 9x9 L shape
// doubled) on a 128x112 colour image, estimated at half size as an 11x11
// kernel, then resampled: the kernel is found at full size and centred and
// every channel gets sharper.
func TestDeblurShrunkFindsLargeKernel(t *testing.T) {
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
	res, err := DeblurPlanes(context.Background(), blurry, &Options{Method: tiny(600), KernelSize: 19, Scale: 2, Finish: deconv.HyperLaplacian{}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Plan
	// The 19x19 estimate is centred for the finish: its frame grows by
	// the shift.
	if p.Scale != 2 || !slices.Equal(p.EstimateFrames, []int{11}) || res.Kernel.W < 19 || res.Kernel.H < 19 || p.Region != image.Rect(0, 0, 128, 112) {
		t.Errorf("scale %d, frames %v, kernel %dx%d, region %v; want 2, [11], at least 19x19, the whole image", p.Scale, p.EstimateFrames, res.Kernel.W, res.Kernel.H, p.Region)
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
	checkSharper(t, sharp, blurry, res.Planes(), metrics.Protocol{Border: 12, MaxShift: 6, Steps: 4}, 2)
}

// TestDeblurShrunkRestartFrames: with a frame per fit, the shrunk estimate
// fits each frame at the shrunk scale and the kept kernel comes back at its
// own fit's full size.
func TestDeblurShrunkRestartFrames(t *testing.T) {
	_, blurry := colourCase(t, 96, 96, lShapeKernel())
	m := selfdeblur.Estimator{Preset: selfdeblur.PresetFast, Iterations: 4, Width: 8, Skip: 4, Restarts: 2, Pick: selfdeblur.PickObjective}
	res, err := DeblurPlanes(context.Background(), blurry, &Options{Method: m, Scale: 2, Finish: deconv.Wiener{}, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	p, est := res.Plan, res.Estimate
	if p.Scale != 2 || len(p.Frames) != 2 || p.Frames[0] == p.Frames[1] || len(est.Fits) != 2 {
		t.Fatalf("scale %d, frames %v, %d fits; want 2, two frames, 2 fits", p.Scale, p.Frames, len(est.Fits))
	}
	for i, f := range est.Fits {
		if f.Frame != p.EstimateFrames[i] || f.Frame != kernel.ScaledSize(p.Frames[i], 2) {
			t.Errorf("fit %d in a %d px frame, want %d (%d at full size)", i, f.Frame, p.EstimateFrames[i], p.Frames[i])
		}
	}
	// Trimmed from its own full-size frame: never larger than it.
	if full := p.Frames[est.Kept]; res.Kernel.W > full+2 || res.Kernel.H > full+2 || est.Kernel.W != p.EstimateFrames[est.Kept] {
		t.Errorf("kept fit %d: kernel %dx%d (estimate %d px), its frame %d px", est.Kept, res.Kernel.W, res.Kernel.H, est.Kernel.W, full)
	}
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

// TestDeblurCancelledOnRegionReturnsInput: an estimate on a region that is
// interrupted returns the kernel so far with a copy of the blurry input as
// the image (the finish does not run) and the context's error.
func TestDeblurCancelledOnRegionReturnsInput(t *testing.T) {
	_, blurry := colourCase(t, 96, 80, lShapeKernel())
	ctx, cancel := context.WithCancel(context.Background())
	o := &Options{Method: tiny(50), KernelSize: 9, Region: image.Rect(0, 0, 48, 48), Finish: deconv.Wiener{}}
	o.Recorder = progress.Func(func(progress.Event) { cancel() })
	res, err := DeblurPlanes(ctx, blurry, o)
	if !errors.Is(err, context.Canceled) || res == nil {
		t.Fatalf("result %v, error %v: want the partial result with context.Canceled", res, err)
	}
	out := res.Planes()
	if res.Kernel.W != 9 || len(out.Channels) != 3 || res.Report.Completed || res.Report.Error == "" {
		t.Fatalf("kernel %dx%d, %d channels, report completed %v", res.Kernel.W, res.Kernel.H, len(out.Channels), res.Report.Completed)
	}
	for c, ch := range out.Channels {
		if ch == blurry.Channels[c] || !slices.Equal(ch.Pix, blurry.Channels[c].Pix) {
			t.Errorf("channel %d is not a copy of the blurry input", c)
		}
	}
}

// TestDeblurKeepsDepth: 16-bit input gives 16-bit output, 8-bit gives
// 8-bit, gray stays gray, and the image keeps its bounds' size when they
// do not start at the origin.
func TestDeblurKeepsDepth(t *testing.T) {
	g16 := image.NewGray16(image.Rect(10, 20, 74, 84))
	g8 := image.NewGray(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			v := uint16(30000 + 20000*((x/5+y/7)%2))
			g16.SetGray16(10+x, 20+y, color.Gray16{Y: v})
			g8.SetGray(x, y, color.Gray{Y: uint8(v >> 8)})
		}
	}
	o := &Options{Method: tiny(3), KernelSize: 5}
	for _, c := range []struct {
		in   image.Image
		want string
	}{{g16, "*image.Gray16"}, {g8, "*image.Gray"}} {
		res, err := Deblur(context.Background(), c.in, o)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%T", res.Image); got != c.want || res.Image.Bounds() != image.Rect(0, 0, 64, 64) {
			t.Errorf("%T in: %s %v out, want %s 64x64", c.in, got, res.Image.Bounds(), c.want)
		}
	}
	// A region in the image's own coordinates.
	res, err := Deblur(context.Background(), g16, &Options{Method: tiny(3), KernelSize: 5, Region: image.Rect(20, 30, 60, 70)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Region != image.Rect(10, 10, 50, 50) {
		t.Errorf("region %v, want (10,10)-(50,50) from the image's corner", res.Plan.Region)
	}
}

// TestDeblurRejects: invalid options and images the method cannot handle
// fail before any work with the sentinel callers test for.
func TestDeblurRejects(t *testing.T) {
	im := imageio.NewGray(plane.New(100, 100))
	ctx := context.Background()
	for name, c := range map[string]struct {
		o    Options
		want error
	}{
		"kernel size 2":             {Options{KernelSize: 2}, ErrOptions},
		"negative scale":            {Options{Scale: -1}, ErrOptions},
		"negative concurrency":      {Options{Concurrency: -2}, ErrOptions},
		"region outside":            {Options{Region: image.Rect(50, 50, 150, 90)}, ErrOptions},
		"no finish with a region":   {Options{NoFinish: true, Region: image.Rect(0, 0, 50, 50)}, ErrOptions},
		"no finish with a finish":   {Options{NoFinish: true, Finish: deconv.IRLS{}}, ErrOptions},
		"negative iterations":       {Options{Method: selfdeblur.Estimator{Iterations: -5}}, ErrOptions},
		"negative learning rate":    {Options{Method: selfdeblur.Estimator{LRKernel: -1}}, ErrOptions},
		"kernel larger than image":  {Options{KernelSize: 101}, ErrImageSize},
		"kernel larger than region": {Options{KernelSize: 41, Region: image.Rect(0, 0, 40, 60)}, ErrImageSize},
		"scale too large":           {Options{KernelSize: 31, Scale: 5}, ErrOptions},
	} {
		if _, err := DeblurPlanes(ctx, im, &c.o); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", name, err, c.want)
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
