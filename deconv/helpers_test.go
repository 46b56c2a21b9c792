package deconv

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
)

// levinDir holds the Levin images the tests use (the repository's testdata).
var levinDir = testfiles.Path("levin")

// loadGray reads a gray image as a plane with values in [0, 1].
func loadGray(tb testing.TB, path string) *plane.Plane {
	tb.Helper()
	im, err := imageio.Read(path)
	if err != nil {
		tb.Fatal(err)
	}
	return im.Channels[0]
}

// levinKernel returns Levin's kernel j as a convolution kernel summing to 1
// (the stored PNGs of kernels 1, 2, 3, 5, 6 and 7 are rotated by 180 degrees;
// see testdata/README.md).
func levinKernel(tb testing.TB, j int) *plane.Plane {
	tb.Helper()
	k, err := imageio.ReadKernel(fmt.Sprintf("%s/gt/kernel%d.png", levinDir, j))
	if err != nil {
		tb.Fatal(err)
	}
	if j != 4 && j != 8 {
		k = k.Rot180()
	}
	return k
}

// alignedPSNR scores est against the ground truth with the evaluation
// protocol (15-pixel border, shifts -10..10 in 0.25 px steps, bilinear,
// least SSD, peak 255).
func alignedPSNR(tb testing.TB, est, ref *plane.Plane) float64 {
	r, err := metrics.Score(est, ref, metrics.Standard())
	if err != nil {
		tb.Fatal(err)
	}
	return r.PSNR
}

// psnr returns the PSNR (peak 1) between two planes of the same size over the
// region that excludes a border of b pixels.
func psnr(a, ref *plane.Plane, b int) float64 {
	s, n := 0.0, 0
	for y := b; y < ref.H-b; y++ {
		for x := b; x < ref.W-b; x++ {
			d := a.At(x, y) - ref.At(x, y)
			s += d * d
			n++
		}
	}
	return 10 * math.Log10(float64(n)/s)
}

// deconvolve runs the method Lookup names on y with kernel k.
func deconvolve(ctx context.Context, name string, y, k *plane.Plane) (*plane.Plane, error) {
	d, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return d.Deconvolve(ctx, y, k)
}
