package metrics

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/plane"
)

// KernelResult compares an estimated blur kernel with the true one.
type KernelResult struct {
	// SSD is the least sum of squared differences over integer shifts,
	// after normalising both kernels to sum 1 and padding with zeros.
	SSD float64
	// NCC is the normalised cross-correlation sum(e*t)/(|e| |t|) at the same
	// shift, which is where it is largest: 1 for kernels equal up to a
	// shift, in [0, 1] for non-negative kernels.
	NCC float64
	// DX, DY is that shift: the estimate's (x, y) lines up with the truth's
	// (x-DX+ox, y-DY+oy), where (ox, oy) centres the kernels on each other
	// (half the size difference, rounded down). Zero for equal kernels.
	DX, DY int
}

// KernelError compares est with truth (any sizes, samples with positive
// sums) over every integer shift where they overlap. Both are normalised to
// sum 1 first (copies; the inputs are not modified). The SSD at a shift is
// |e|^2 + |t|^2 - 2 corr, so the least SSD and the largest correlation, and
// hence the largest NCC, are at the same shift; ties go to the shift
// nearest the centred placement.
func KernelError(est, truth *plane.Plane) (KernelResult, error) {
	e, t := est.Clone(), truth.Clone()
	if err := e.Normalize(); err != nil {
		return KernelResult{}, fmt.Errorf("metrics: estimated kernel: %w", err)
	}
	if err := t.Normalize(); err != nil {
		return KernelResult{}, fmt.Errorf("metrics: true kernel: %w", err)
	}
	if err := checkFinite(e, "estimated kernel"); err != nil {
		return KernelResult{}, err
	}
	ee, tt := dot(e.Pix, e.Pix), dot(t.Pix, t.Pix)
	// Offset (u, v) places e's (0, 0) on t's (u, v).
	ox, oy := (t.W-e.W)/2, (t.H-e.H)/2
	best, bestU, bestV, bestMag := math.Inf(-1), 0, 0, 0
	for v := -(e.H - 1); v < t.H; v++ {
		for u := -(e.W - 1); u < t.W; u++ {
			c := 0.0
			for y := max(0, -v); y < e.H && y+v < t.H; y++ {
				x0, x1 := max(0, -u), min(e.W, t.W-u)
				c += dot(e.Pix[y*e.W+x0:y*e.W+x1], t.Pix[(y+v)*t.W+x0+u:])
			}
			mag := (u-ox)*(u-ox) + (v-oy)*(v-oy)
			if c > best || (c == best && mag < bestMag) {
				best, bestU, bestV, bestMag = c, u, v, mag
			}
		}
	}
	return KernelResult{
		SSD: max(0, ee+tt-2*best),
		NCC: best / math.Sqrt(ee*tt),
		DX:  ox - bestU, DY: oy - bestV,
	}, nil
}

// dot returns the dot product of a with the first len(a) entries of b.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
