package selfdeblur

import (
	"math"
	"slices"

	"github.com/deblur/deblur/plane"
)

// AutoKernelSize is the kernel size used when none is given for a w x h
// estimation region: an odd size of about 12 % of the shorter side,
// between 15 and 75. SelfDeblur tolerates a kernel frame larger than the
// blur (the surplus gets near-zero weight), and TrimKernel removes the
// surplus before a non-blind step; fits in a generous frame do converge
// less reliably, hence AutoKernelSizes.
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

// AutoKernelSizes returns the kernel frames for restarts fits of an
// unknown kernel size (Settings.RestartKernelSizes), k being the generous
// size from AutoKernelSize: alternately k and about 0.6 k (odd, at least
// 3), so that a blur well inside the frame is also fitted in a tighter one,
// which converges more reliably. It returns nil for fewer than two
// restarts or a k too small to have a tighter odd size.
func AutoKernelSizes(k, restarts int) []int {
	small := int(0.6*float64(k)) | 1
	if restarts < 2 || small < 3 || small >= k {
		return nil
	}
	return alternate(k, small, restarts)
}

// alternate returns n sizes: a, b, a, b, ...
func alternate(a, b, n int) []int {
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = a
		if i%2 == 1 {
			sizes[i] = b
		}
	}
	return sizes
}

// GivenKernelSizes returns the kernel frames for restarts fits of a blur
// known to fit in k x k, on a w x h estimation region: alternately the
// generous AutoKernelSize(w, h) and k itself, so that one fit of each pair
// has the room that helps blind fits converge (a kernel well inside its
// frame) and the other the tightest frame. It returns nil, meaning every
// fit in the k frame, for fewer than two restarts or when the generous
// frame is no larger than k.
func GivenKernelSizes(k, w, h, restarts int) []int {
	big := AutoKernelSize(w, h)
	if restarts < 2 || big <= k {
		return nil
	}
	return alternate(big, k, restarts)
}

// WithGivenFrames returns s with its restarts in the frames of
// GivenKernelSizes for s.KernelSize on a w x h region (KernelSize becomes
// the largest frame) and true, or s unchanged and false where every restart
// keeps the given frame: GivenKernelSizes returns nil, the kernel prior
// fixes the frame, or the generous frame exceeds maxFrame (0: no limit).
func WithGivenFrames(s Settings, w, h, maxFrame int) (Settings, bool) {
	if s.KernelNet == KernelPrior {
		return s, false
	}
	sizes := GivenKernelSizes(s.KernelSize, w, h, s.Restarts)
	if sizes == nil || (maxFrame > 0 && slices.Max(sizes) > maxFrame) {
		return s, false
	}
	s.KernelSize = slices.Max(sizes)
	s.RestartKernelSizes = sizes
	return s, true
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

// CentreKernel returns k moved by whole pixels so that its centre of mass
// lies within half a pixel of the frame's centre (halves round to even, so
// centring a centred kernel changes nothing), the frame growing by the
// shift on every side so that no value is lost (trim it afterwards with
// TrimKernel). Blind estimates are defined only up to a shift: a kernel
// fitted off-centre in a generous frame deblurs into an image shifted by
// as much, with a band of boundary artefacts on one side. A kernel with no
// positive mass, or one already centred, comes back as a copy.
func CentreKernel(k *plane.Plane) *plane.Plane {
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
