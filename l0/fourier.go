package l0

import (
	"github.com/deblur/deblur/internal/fft2"
	"github.com/deblur/deblur/plane"
)

// grid is a periodic w x h grid with its FFT plan and scratch buffers.
type grid struct {
	w, h int
	plan *fft2.Plan
	spec []complex128 // scratch spectrum
	real []float64    // scratch grid
}

func newGrid(w, h int) (*grid, error) {
	p, err := fft2.NewPlan(w, h, 0)
	if err != nil {
		return nil, err
	}
	return &grid{w: w, h: h, plan: p, spec: make([]complex128, p.SpectrumLen()), real: make([]float64, w*h)}, nil
}

// fft returns the half spectrum of the w x h samples pix.
func (g *grid) fft(pix []float64) []complex128 {
	return g.plan.Forward(nil, pix)
}

// ifft writes the real grid of the half spectrum s into dst; s is
// overwritten.
func (g *grid) ifft(dst []float64, s []complex128) []float64 {
	return g.plan.Inverse(dst, s)
}

// otf returns the half spectrum of the w x h grid holding k with its centre
// tap ((k.W-1)/2, (k.H-1)/2) at the origin and the rest wrapped around:
// multiplying a spectrum by it convolves with k (MATLAB's psf2otf).
func (g *grid) otf(k *plane.Plane) []complex128 {
	clear(g.real)
	cx, cy := (k.W-1)/2, (k.H-1)/2
	for y := range k.H {
		gy := ((y-cy)%g.h + g.h) % g.h
		for x := range k.W {
			gx := ((x-cx)%g.w + g.w) % g.w
			g.real[gy*g.w+gx] += k.At(x, y)
		}
	}
	return g.plan.Forward(nil, g.real)
}

// crop returns the kw x kh kernel whose centre tap sits at the origin of
// the grid samples pix (the inverse of otf's placement, MATLAB's otf2psf).
func (g *grid) crop(pix []float64, kw, kh int) *plane.Plane {
	k := plane.New(kw, kh)
	cx, cy := (kw-1)/2, (kh-1)/2
	for y := range kh {
		gy := ((y-cy)%g.h + g.h) % g.h
		for x := range kw {
			gx := ((x-cx)%g.w + g.w) % g.w
			k.Set(x, y, pix[gy*g.w+gx])
		}
	}
	return k
}

// forwardDiffs returns the horizontal and vertical forward differences of
// the w x h samples pix, wrapping around (x(i+1) - x(i), the last column
// against the first).
func forwardDiffs(pix []float64, w, h int) (dx, dy []float64) {
	dx, dy = make([]float64, w*h), make([]float64, w*h)
	for y := range h {
		row, next := pix[y*w:(y+1)*w], pix[((y+1)%h)*w:]
		for x := range w {
			dx[y*w+x] = row[(x+1)%w] - row[x]
			dy[y*w+x] = next[x] - row[x]
		}
	}
	return dx, dy
}
