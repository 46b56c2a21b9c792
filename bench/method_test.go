package bench

import (
	"context"
	"image"
	"math"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/selfdeblur"
)

// TestPipelineShapes: the pipeline method estimates on a region (and, for
// a shrink factor, on a shrunk copy) but returns an image of the input's
// size and a kernel of at most the requested size.
func TestPipelineShapes(t *testing.T) {
	y := plane.New(90, 70)
	for i := range y.Pix {
		y.Pix[i] = 0.5 + 0.4*math.Sin(float64(i%90)/5)*math.Cos(float64(i/90)/7)
	}
	tiny := selfdeblur.Estimator{Preset: selfdeblur.PresetFast, Iterations: 4, Width: 8, Skip: 4}
	for _, o := range []deblur.Options{
		{Method: tiny, Region: image.Rect(10, 10, 58, 58)},
		{Method: tiny, Scale: 2},
		{Method: tiny},
	} {
		br, err := Pipeline(o, false)(context.Background(), y, 9, nil)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		img, k := br.Image, br.Kernel
		if br.Confidence == nil || !(br.Confidence.MainPiece > 0) {
			t.Errorf("%+v: no confidence: %+v", o, br.Confidence)
		}
		if img.W != 90 || img.H != 70 || k.W > 11 || k.H > 11 {
			t.Errorf("%+v: image %dx%d, kernel %dx%d", o, img.W, img.H, k.W, k.H)
		}
		if s := k.Sum(); math.Abs(s-1) > 1e-6 {
			t.Errorf("%+v: kernel sums to %v", o, s)
		}
	}
	// Without the case's size: a frame chosen for the image, trimmed.
	br, err := Pipeline(deblur.Options{Method: tiny}, true)(context.Background(), y, 99, nil)
	if err != nil {
		t.Fatal(err)
	}
	img, k := br.Image, br.Kernel
	if max := kernel.AutoSize(90, 70); img.W != 90 || img.H != 70 || k.W > max+2 || k.H > max+2 || math.Abs(k.Sum()-1) > 1e-6 {
		t.Errorf("chosen size: image %dx%d, kernel %dx%d summing to %v (frame %d)", img.W, img.H, k.W, k.H, k.Sum(), max)
	}
}

// TestDefaultBlindValidates: every blind method reports invalid settings
// before fitting anything.
func TestDefaultBlindValidates(t *testing.T) {
	bad := selfdeblur.Estimator{Iterations: -1}
	blind := DefaultBlind(deblur.Options{Method: bad}, bad, l0.Estimator{Iterations: -1})
	y := plane.New(64, 64)
	for name, f := range blind {
		if _, err := f(context.Background(), y, 7, nil); err == nil {
			t.Errorf("%s: -1 iterations ran", name)
		}
	}
}
