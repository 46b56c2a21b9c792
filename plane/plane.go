// Package plane holds the one image type shared by the non-network parts of
// deblur: a single channel of float64 samples in row-major order.
//
// Images, kernels and metric maps are all planes. Values of images are in
// [0, 1] unless a function says otherwise; kernels are non-negative and
// usually sum to 1.
package plane

import (
	"fmt"
	"math"
)

// Plane is a W x H grid of samples stored row by row: the sample at column x,
// row y is Pix[y*W+x].
type Plane struct {
	W, H int
	Pix  []float64
}

// New returns a zeroed w x h plane. It panics if w or h is negative, like make.
func New(w, h int) *Plane {
	return &Plane{W: w, H: h, Pix: make([]float64, w*h)}
}

// FromSlice wraps pix (not copied) as a w x h plane. It returns an error when
// len(pix) != w*h.
func FromSlice(w, h int, pix []float64) (*Plane, error) {
	if w < 0 || h < 0 || len(pix) != w*h {
		return nil, fmt.Errorf("plane: %d samples do not make a %dx%d plane", len(pix), w, h)
	}
	return &Plane{W: w, H: h, Pix: pix}, nil
}

// At returns the sample at (x, y). It panics when out of range.
func (p *Plane) At(x, y int) float64 { return p.Pix[y*p.W+x] }

// Set stores v at (x, y). It panics when out of range.
func (p *Plane) Set(x, y int, v float64) { p.Pix[y*p.W+x] = v }

// Clone returns a deep copy.
func (p *Plane) Clone() *Plane {
	q := New(p.W, p.H)
	copy(q.Pix, p.Pix)
	return q
}

// Crop returns a copy of the w x h window whose top-left corner is (x0, y0).
// It panics if the window is not inside p.
func (p *Plane) Crop(x0, y0, w, h int) *Plane {
	if x0 < 0 || y0 < 0 || w < 0 || h < 0 || x0+w > p.W || y0+h > p.H {
		panic(fmt.Sprintf("plane: crop %dx%d at (%d,%d) outside %dx%d", w, h, x0, y0, p.W, p.H))
	}
	q := New(w, h)
	for y := 0; y < h; y++ {
		copy(q.Pix[y*w:(y+1)*w], p.Pix[(y0+y)*p.W+x0:])
	}
	return q
}

// CropCenter returns a copy of the centred w x h window (rounding the offset
// down, as PyTorch-style centre crops do).
func (p *Plane) CropCenter(w, h int) *Plane {
	return p.Crop((p.W-w)/2, (p.H-h)/2, w, h)
}

// Rot180 returns p rotated by 180 degrees. Rotating a convolution kernel turns
// it into the equivalent correlation kernel and back.
func (p *Plane) Rot180() *Plane {
	q := New(p.W, p.H)
	n := len(p.Pix)
	for i, v := range p.Pix {
		q.Pix[n-1-i] = v
	}
	return q
}

// Sum returns the sum of all samples.
func (p *Plane) Sum() float64 {
	s := 0.0
	for _, v := range p.Pix {
		s += v
	}
	return s
}

// Normalize scales p in place so that its samples sum to 1. It returns an
// error (and leaves p unchanged) when the sum is not positive and finite.
func (p *Plane) Normalize() error {
	s := p.Sum()
	if !(s > 0) || math.IsInf(s, 0) {
		return fmt.Errorf("plane: cannot normalise, sum is %v", s)
	}
	for i := range p.Pix {
		p.Pix[i] /= s
	}
	return nil
}

// Clamp limits every sample to [lo, hi] in place and returns p.
func (p *Plane) Clamp(lo, hi float64) *Plane {
	for i, v := range p.Pix {
		p.Pix[i] = math.Min(hi, math.Max(lo, v))
	}
	return p
}

// SameSize reports whether p and q have the same dimensions.
func (p *Plane) SameSize(q *Plane) bool { return p.W == q.W && p.H == q.H }

// MirrorIndex maps any index into [0, n) by half-sample symmetric
// reflection (..., 1, 0, 0, 1, ..., n-1, n-1, n-2, ...): the extension
// MATLAB calls 'symmetric'.
func MirrorIndex(i, n int) int {
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
}

// Shrink returns p shrunk by the integer factor f: each output pixel is the
// mean of an f x f block, the blocks tiling p from its top-left corner (a
// trailing partial block is dropped). Shrink(1) returns p itself. It is the
// one downscaler of the project: blind estimation of large kernels and
// coarse-to-fine stages both fit the image at this scale.
func (p *Plane) Shrink(f int) *Plane {
	if f == 1 {
		return p
	}
	w, h := p.W/f, p.H/f
	q := New(w, h)
	inv := 1 / float64(f*f)
	for y := range h {
		for x := range w {
			s := 0.0
			for j := range f {
				row := p.Pix[(y*f+j)*p.W+x*f:]
				for i := range f {
					s += row[i]
				}
			}
			q.Pix[y*w+x] = s * inv
		}
	}
	return q
}

// TileMirror returns a w x h plane filled with p repeated by mirror
// reflection (MirrorIndex in both directions), p itself at the top left:
// a larger picture made from a smaller one without seams.
func (p *Plane) TileMirror(w, h int) *Plane {
	q := New(w, h)
	for j := range h {
		sy := MirrorIndex(j, p.H)
		for i := range w {
			q.Pix[j*w+i] = p.Pix[sy*p.W+MirrorIndex(i, p.W)]
		}
	}
	return q
}

// SmoothExtend returns y laid on a periodic gw x gh grid with its origin at
// (ox, oy) and the rest of the grid filled by linear ramps: first along each
// row of y, from its last sample across the gap to its first, then along
// every grid column the same way. The result is continuous across the
// periodic wrap-around, which is what FFT-based solvers need at the borders
// (in the spirit of Liu & Jia, 2008). gw and gh must be at least y's size.
func SmoothExtend(y *Plane, gw, gh, ox, oy int) *Plane {
	g := make([]float64, gw*gh)
	wrap := func(u, n int) int {
		u %= n
		if u < 0 {
			u += n
		}
		return u
	}
	gapX, gapY := gw-y.W, gh-y.H
	for j := 0; j < y.H; j++ {
		row := g[wrap(oy+j, gh)*gw:]
		src := y.Pix[j*y.W : (j+1)*y.W]
		for i, v := range src {
			row[wrap(ox+i, gw)] = v
		}
		a, b := src[y.W-1], src[0]
		for t := 1; t <= gapX; t++ {
			row[wrap(ox+y.W-1+t, gw)] = a + (b-a)*float64(t)/float64(gapX+1)
		}
	}
	last, first := wrap(oy+y.H-1, gh)*gw, wrap(oy, gh)*gw
	for t := 1; t <= gapY; t++ {
		row := g[wrap(oy+y.H-1+t, gh)*gw:]
		f := float64(t) / float64(gapY+1)
		for i := 0; i < gw; i++ {
			a, b := g[last+i], g[first+i]
			row[i] = a + (b-a)*f
		}
	}
	return &Plane{W: gw, H: gh, Pix: g}
}
