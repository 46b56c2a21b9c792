// Package kernel holds the operations on blur kernels that do not depend on
// how a kernel was estimated: centring, trimming to the support, resampling
// an estimate made on a shrunk image, and the rules that size the frames
// blind estimators fit kernels in.
//
// A kernel is a *plane.Plane in the convolution orientation (blurry =
// kernel convolved with sharp), non-negative, summing to 1.
package kernel

import (
	"math"

	"github.com/deblur/deblur/plane"
)

// Trim returns k cropped by the same number of rows at the top and the
// bottom, and of columns at the left and the right, so that its centre
// does not move, keeping every value of at least frac times the largest
// and a margin of one pixel around them; the result is renormalised to sum
// 1. A kernel that is already tight comes back as a copy.
func Trim(k *plane.Plane, frac float64) *plane.Plane {
	peak := 0.0
	for _, v := range k.Pix {
		peak = max(peak, v)
	}
	if !(peak > 0) {
		return k.Clone()
	}
	x0, x1, y0, y1 := k.W, -1, k.H, -1
	for y := range k.H {
		for x := range k.W {
			if k.At(x, y) >= frac*peak {
				x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
			}
		}
	}
	mx := max(min(x0, k.W-1-x1)-1, 0)
	my := max(min(y0, k.H-1-y1)-1, 0)
	out := k.Crop(mx, my, k.W-2*mx, k.H-2*my)
	if err := out.Normalize(); err != nil {
		return k.Clone()
	}
	return out
}

// Center returns k moved by whole pixels so that its centre of mass lies
// within half a pixel of the frame's centre (halves round to even, so
// centring a centred kernel changes nothing), the frame growing by the
// shift on every side so that no value is lost (trim it afterwards with
// Trim). Blind estimates are defined only up to a shift: a kernel fitted
// off-centre in a generous frame deblurs into an image shifted by as much,
// with a band of boundary artefacts on one side. A kernel with no positive
// mass, or one already centred, comes back as a copy.
func Center(k *plane.Plane) *plane.Plane {
	var sx, sy, s float64
	for y := range k.H {
		for x := range k.W {
			v := k.At(x, y)
			sx += v * float64(x)
			sy += v * float64(y)
			s += v
		}
	}
	if !(s > 0) {
		return k.Clone()
	}
	dx := int(math.RoundToEven(sx/s - float64(k.W-1)/2))
	dy := int(math.RoundToEven(sy/s - float64(k.H-1)/2))
	if dx == 0 && dy == 0 {
		return k.Clone()
	}
	mx, my := abs(dx), abs(dy)
	out := plane.New(k.W+2*mx, k.H+2*my)
	for y := range k.H {
		for x := range k.W {
			out.Set(x+mx-dx, y+my-dy, k.At(x, y))
		}
	}
	return out
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
