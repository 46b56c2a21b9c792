package blur

import (
	"fmt"
	"math"
	"slices"

	"github.com/deblur/deblur/plane"
)

// madToSigma converts the median absolute value of zero-mean Gaussian samples
// into their standard deviation (1 / Phi^-1(3/4)).
const madToSigma = 1 / 0.6744897501960817

// maxNoiseBlocks bounds the blocks EstimateNoise sorts.
const maxNoiseBlocks = 1 << 20

// EstimateNoise returns an estimate of the standard deviation of additive
// white Gaussian noise in img, in the units of its samples.
//
// Method: Donoho & Johnstone's robust estimator (Donoho 1995, "De-noising by
// soft-thresholding"): the median absolute deviation of the finest diagonal
// (HH) band of an orthonormal Haar wavelet transform, divided by 0.6745. Each
// non-overlapping 2 x 2 block [a b; c d] gives one coefficient (a-b-c+d)/2,
// which for white noise of deviation sigma has deviation sigma, while smooth
// image content cancels out; the median ignores the minority of coefficients
// at edges and texture. On sharp, highly textured images the estimate is
// biased upwards by the image content; on blurred photographs it is accurate
// to a few percent for sigma from about 0.005 to 0.1 on [0, 1] images.
// Images of more than maxNoiseBlocks 2 x 2 blocks use every n-th row of
// blocks, n the smallest that brings them under it. Images smaller than
// 2 x 2 give an error.
func EstimateNoise(img *plane.Plane) (float64, error) {
	bw, bh := img.W/2, img.H/2
	if bw < 1 || bh < 1 {
		return 0, fmt.Errorf("blur: %dx%d image too small to estimate noise", img.W, img.H)
	}
	// Past about a million blocks the median is as good from every
	// step-th row of blocks, and the sort stays cheap on large photos.
	step := (bw*bh + maxNoiseBlocks - 1) / maxNoiseBlocks
	hh := make([]float64, 0, bw*((bh+step-1)/step))
	for j := 0; j < bh; j += step {
		r0 := img.Pix[2*j*img.W:]
		r1 := img.Pix[(2*j+1)*img.W:]
		for i := 0; i < bw; i++ {
			d := (r0[2*i] - r0[2*i+1] - r1[2*i] + r1[2*i+1]) / 2
			hh = append(hh, math.Abs(d))
		}
	}
	slices.Sort(hh)
	n := len(hh)
	med := hh[n/2]
	if n%2 == 0 {
		med = (hh[n/2-1] + hh[n/2]) / 2
	}
	return med * madToSigma, nil
}
