package bench

import (
	"context"
	"math"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/selfdeblur"
)

// TestSelfDeblurPipelineShapes: the pipeline method estimates on a window
// (and, for a kernel over the limit, on a shrunk copy) but returns an image
// of the input's size and a kernel of the requested size.
func TestSelfDeblurPipelineShapes(t *testing.T) {
	y := plane.New(90, 70)
	for i := range y.Pix {
		y.Pix[i] = 0.5 + 0.4*math.Sin(float64(i%90)/5)*math.Cos(float64(i/90)/7)
	}
	tiny := func(k int) selfdeblur.Settings {
		s := selfdeblur.Fast(k)
		s.Iterations, s.Gx = 4, selfdeblur.UniformSkip(8, 4)
		return s
	}
	for _, c := range []struct{ k, maxKernel, centre int }{{9, 0, 0}, {19, 10, 0}, {9, 0, 40}} {
		r := deblur.Region{EstimateSize: 48, MaxEstimateKernel: c.maxKernel}
		if c.centre > 0 { // the image fits the window, so its centre is estimated
			r = deblur.Region{EstimateSize: 100, CentreSize: c.centre, CentreIterations: 3}
		}
		img, k, err := SelfDeblurPipeline(tiny, r)(context.Background(), y, c.k, nil)
		if err != nil {
			t.Fatalf("kernel %d: %v", c.k, err)
		}
		if img.W != 90 || img.H != 70 || k.W != c.k || k.H != c.k {
			t.Errorf("kernel %d: image %dx%d, kernel %dx%d", c.k, img.W, img.H, k.W, k.H)
		}
		if s := k.Sum(); math.Abs(s-1) > 1e-6 {
			t.Errorf("kernel %d: sums to %v", c.k, s)
		}
	}
	// Without the case's size: a frame chosen for the 48 px window, trimmed.
	img, k, err := SelfDeblurPipelineAutoSize(tiny, deblur.Region{EstimateSize: 48})(context.Background(), y, 99, nil)
	if err != nil {
		t.Fatal(err)
	}
	if max := kernel.AutoSize(48, 48); img.W != 90 || img.H != 70 || k.W > max+2 || k.H > max+2 || math.Abs(k.Sum()-1) > 1e-6 {
		t.Errorf("auto size: image %dx%d, kernel %dx%d summing to %v (frame %d)", img.W, img.H, k.W, k.H, k.Sum(), max)
	}
}

// TestDefaultBlindAdjust: DefaultBlind applies adjust to every preset's
// settings (here it makes them invalid, which each method must report
// before fitting anything).
func TestDefaultBlindAdjust(t *testing.T) {
	var seen []int
	blind := DefaultBlind(func(s selfdeblur.Settings) selfdeblur.Settings {
		seen = append(seen, s.KernelSize)
		s.Iterations = -1
		return s
	}, deblur.DefaultRegion())
	y := plane.New(64, 64)
	for name, f := range blind {
		seen = seen[:0]
		if _, _, err := f(context.Background(), y, 7, nil); err == nil {
			t.Errorf("%s: adjusted settings with -1 iterations ran", name)
		}
		if len(seen) == 0 {
			t.Errorf("%s: adjust not called", name)
		}
	}
}
