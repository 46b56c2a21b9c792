package selfdeblur

import "github.com/deblur/deblur/plane"

// AutoKernelSize is the kernel size used when none is given for a w x h
// estimation region: an odd size of about 12 % of the shorter side,
// between 15 and 75. SelfDeblur tolerates a kernel frame larger than the
// blur (the surplus gets near-zero weight), and TrimKernel removes the
// surplus before a non-blind step.
func AutoKernelSize(w, h int) int {
	k := int(0.12*float64(min(w, h)) + 0.5)
	k = min(max(k, 15), 75)
	if k%2 == 0 {
		k++
	}
	// Never larger than a quarter of the region, so the problem stays
	// well posed on small images.
	for k > 3 && 4*k > min(w, h) {
		k -= 2
	}
	return k
}

// TrimKernel returns k cropped by the same number of rows at the top and
// the bottom, and of columns at the left and the right, so that its centre
// does not move, keeping every value of at least frac times the largest
// and a margin of one pixel around them; the result is renormalised to sum
// 1. A kernel that is already tight comes back as a copy.
func TrimKernel(k *plane.Plane, frac float64) *plane.Plane {
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
