// Package metrics scores deblurred images and estimated kernels against the
// ground truth with the benchmark protocol (docs/results.md, "Protocol"),
// which follows the published MATLAB code (Levin et al. comp_upto_shift, Wang et al. ssim.m) so
// numbers are comparable with the papers.
//
// Images are planes with samples on the [0, 1] scale; PSNR and SSIM are
// computed as if the samples were multiplied by 255 (peak 255, L = 255).
package metrics

import (
	"fmt"
	"math"
	"sort"

	"github.com/deblur/deblur/plane"
)

// Protocol is the alignment part of the evaluation protocol. The estimate is
// shifted by every (dx, dy) on the grid {k/Steps : |k| <= MaxShift*Steps}
// in each direction, sampled with bilinear interpolation at the ground
// truth's pixels minus a Border on each side, and the shift with the least
// sum of squared differences wins.
type Protocol struct {
	Border   int // pixels cropped off each side of the ground truth; >= MaxShift+1
	MaxShift int // largest |dx| and |dy| searched, in pixels; >= 0
	Steps    int // grid steps per pixel (4 gives 0.25 px); >= 1
}

// Standard returns the benchmarks' protocol: a 15-pixel border and
// shifts from -10 to 10 pixels in steps of 0.25.
func Standard() Protocol { return Protocol{Border: 15, MaxShift: 10, Steps: 4} }

func (p Protocol) validate() error {
	if p.MaxShift < 0 || p.Steps < 1 || p.Border < p.MaxShift+1 {
		return fmt.Errorf("metrics: invalid protocol %+v (need MaxShift >= 0, Steps >= 1, Border >= MaxShift+1)", p)
	}
	return nil
}

// Alignment is the outcome of Align.
type Alignment struct {
	// DX, DY is the winning shift: Est(x, y) = est(x+DX, y+DY) (bilinear),
	// compared with gt(x, y). A positive DX means the estimate's content
	// lies DX pixels right of the ground truth's.
	DX, DY float64
	// SSD is the sum of squared differences between Est and GT on the [0, 1]
	// scale.
	SSD float64
	// Est is the shifted estimate and GT the cropped ground truth on the
	// compared region, both (W-2*Border) x (H-2*Border), newly allocated.
	Est, GT *plane.Plane
}

// Align finds the shift of est that best matches gt under protocol p. est and
// gt must have the same size, larger than 2*p.Border in both directions, and
// finite samples. The inputs are not modified.
//
// The search is exhaustive over the whole grid, and exact: the SSD of every
// grid shift is computed in closed form from the integer-shift
// cross-correlation of est and gt plus summed-area tables of products of
// neighbouring est samples (the bilinear SSD is a quadratic form in these),
// which costs about (2*MaxShift+2)^2 dot products of the region's size
// instead of one bilinear resampling per grid point. The few best shifts
// (within rounding of the minimum) are then re-scored directly, and ties go
// to the smaller shift.
func Align(est, gt *plane.Plane, p Protocol) (*Alignment, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if !est.SameSize(gt) {
		return nil, fmt.Errorf("metrics: estimate is %dx%d but ground truth is %dx%d", est.W, est.H, gt.W, gt.H)
	}
	if gt.W <= 2*p.Border || gt.H <= 2*p.Border {
		return nil, fmt.Errorf("metrics: %dx%d image too small for a %d-pixel border", gt.W, gt.H, p.Border)
	}
	if err := checkFinite(est, "estimate"); err != nil {
		return nil, err
	}
	if err := checkFinite(gt, "ground truth"); err != nil {
		return nil, err
	}
	g := newGrid(est, gt, p)
	n := 2*p.MaxShift*p.Steps + 1
	type cand struct {
		kx, ky int
		ssd    float64
	}
	fast := make([]cand, 0, n*n)
	minSSD := math.Inf(1)
	for ky := -p.MaxShift * p.Steps; ky <= p.MaxShift*p.Steps; ky++ {
		for kx := -p.MaxShift * p.Steps; kx <= p.MaxShift*p.Steps; kx++ {
			s := g.ssd(kx, ky)
			fast = append(fast, cand{kx, ky, s})
			minSSD = min(minSSD, s)
		}
	}
	// The closed form loses a few ulps of the large terms it cancels.
	tol := 1e-9*(g.sumG2+g.sumE2) + 1e-12
	var close []cand
	for _, c := range fast {
		if c.ssd <= minSSD+tol {
			close = append(close, c)
		}
	}
	mag := func(c cand) int { return c.kx*c.kx + c.ky*c.ky }
	sort.Slice(close, func(i, j int) bool {
		if close[i].ssd != close[j].ssd {
			return close[i].ssd < close[j].ssd
		}
		return mag(close[i]) < mag(close[j])
	})
	if len(close) > 16 {
		close = close[:16]
	}
	gtR := gt.Crop(p.Border, p.Border, gt.W-2*p.Border, gt.H-2*p.Border)
	var best *Alignment
	var bestMag int
	for _, c := range close {
		dx, dy := float64(c.kx)/float64(p.Steps), float64(c.ky)/float64(p.Steps)
		e := shiftRegion(est, p.Border, gtR.W, gtR.H, dx, dy)
		s := ssd(e, gtR)
		if best == nil || s < best.SSD || (s == best.SSD && mag(c) < bestMag) {
			best = &Alignment{DX: dx, DY: dy, SSD: s, Est: e, GT: gtR}
			bestMag = mag(c)
		}
	}
	return best, nil
}

func checkFinite(p *plane.Plane, what string) error {
	for i, v := range p.Pix {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("metrics: %s has non-finite sample %v at (%d, %d)", what, v, i%p.W, i/p.W)
		}
	}
	return nil
}

// ssd returns the sum of squared differences of two planes of one size.
func ssd(a, b *plane.Plane) float64 {
	s := 0.0
	for i, v := range a.Pix {
		d := v - b.Pix[i]
		s += d * d
	}
	return s
}

// shiftRegion samples est bilinearly at (x+dx, y+dy) for the w x h region
// whose top-left corner is (border, border). All samples must fall inside
// est (Protocol.validate ensures that).
func shiftRegion(est *plane.Plane, border, w, h int, dx, dy float64) *plane.Plane {
	ix, iy := int(math.Floor(dx)), int(math.Floor(dy))
	fx, fy := dx-float64(ix), dy-float64(iy)
	out := plane.New(w, h)
	for y := 0; y < h; y++ {
		sy := border + y + iy
		r0 := est.Pix[sy*est.W:]
		r1 := r0
		if fy != 0 {
			r1 = est.Pix[(sy+1)*est.W:]
		}
		o := out.Pix[y*w : (y+1)*w]
		for x := range o {
			sx := border + x + ix
			top, bot := r0[sx], r1[sx]
			if fx != 0 {
				top += fx * (r0[sx+1] - top)
				bot += fx * (r1[sx+1] - bot)
			}
			o[x] = top + fy*(bot-top)
		}
	}
	return out
}
