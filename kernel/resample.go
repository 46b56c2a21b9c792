package kernel

import (
	"math"

	"github.com/deblur/deblur/plane"
)

// ScaledSize is the odd kernel size that covers a k x k kernel on an image
// shrunk by the integer factor f.
func ScaledSize(k, f int) int {
	return (k+f-1)/f | 1
}

// Upscale resamples kc, a kernel estimated on an image shrunk by the
// integer factor f (plane.Shrink), to a k x k kernel of the full-size
// image: bilinear interpolation of kc's taps about the common centre,
// negative values cut, normalised to sum 1.
func Upscale(kc *plane.Plane, k, f int) *plane.Plane {
	out := plane.New(k, k)
	cx, cy := float64(kc.W-1)/2, float64(kc.H-1)/2
	c := float64(k-1) / 2
	tap := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= kc.W || y >= kc.H {
			return 0
		}
		return kc.At(x, y)
	}
	for v := range k {
		sy := (float64(v)-c)/float64(f) + cy
		y0 := int(math.Floor(sy))
		ty := sy - float64(y0)
		for u := range k {
			sx := (float64(u)-c)/float64(f) + cx
			x0 := int(math.Floor(sx))
			tx := sx - float64(x0)
			val := (1-ty)*((1-tx)*tap(x0, y0)+tx*tap(x0+1, y0)) +
				ty*((1-tx)*tap(x0, y0+1)+tx*tap(x0+1, y0+1))
			out.Set(u, v, max(val, 0))
		}
	}
	if out.Normalize() != nil { // all zero: cannot happen for a kernel summing to 1
		out.Set(k/2, k/2, 1)
	}
	return out
}
