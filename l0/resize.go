package l0

import (
	"math"

	"github.com/deblur/deblur/plane"
)

// shrink returns p at the scale r in (0, 1]: blurred by a Gaussian of
// standard deviation 1/(2r) pixels against aliasing (mirrored at the
// borders), then sampled bilinearly every 1/r pixels from the top-left
// corner, as Pan et al.'s pyramid does.
func shrink(p *plane.Plane, r float64) *plane.Plane {
	if r >= 1 {
		return p.Clone()
	}
	b := gaussianBlur(p, 1/(2*r))
	w := int(math.Floor(float64(p.W-1)*r)) + 1
	h := int(math.Floor(float64(p.H-1)*r)) + 1
	return resample(b, w, h, 1/r, 1/r, 0, 0)
}

// resample returns the w x h plane whose sample (i, j) is p at
// (x0 + i sx, y0 + j sy), interpolated bilinearly, clamped at the borders.
func resample(p *plane.Plane, w, h int, sx, sy, x0, y0 float64) *plane.Plane {
	out := plane.New(w, h)
	at := func(x, y int) float64 {
		return p.At(min(max(x, 0), p.W-1), min(max(y, 0), p.H-1))
	}
	for j := range h {
		fy := y0 + float64(j)*sy
		iy := int(math.Floor(fy))
		ty := fy - float64(iy)
		for i := range w {
			fx := x0 + float64(i)*sx
			ix := int(math.Floor(fx))
			tx := fx - float64(ix)
			out.Set(i, j, (1-ty)*((1-tx)*at(ix, iy)+tx*at(ix+1, iy))+ty*((1-tx)*at(ix, iy+1)+tx*at(ix+1, iy+1)))
		}
	}
	return out
}

// gaussianBlur convolves p with a Gaussian of standard deviation sigma
// (taps out to 3 sigma, mirrored at the borders), separably.
func gaussianBlur(p *plane.Plane, sigma float64) *plane.Plane {
	r := max(1, int(math.Ceil(3*sigma)))
	taps := make([]float64, 2*r+1)
	s := 0.0
	for i := range taps {
		d := float64(i - r)
		taps[i] = math.Exp(-d * d / (2 * sigma * sigma))
		s += taps[i]
	}
	for i := range taps {
		taps[i] /= s
	}
	tmp, out := plane.New(p.W, p.H), plane.New(p.W, p.H)
	for y := range p.H {
		for x := range p.W {
			v := 0.0
			for i, t := range taps {
				v += t * p.At(plane.MirrorIndex(x+i-r, p.W), y)
			}
			tmp.Set(x, y, v)
		}
	}
	for y := range p.H {
		for x := range p.W {
			v := 0.0
			for i, t := range taps {
				v += t * tmp.At(x, plane.MirrorIndex(y+i-r, p.H))
			}
			out.Set(x, y, v)
		}
	}
	return out
}

// resizeKernel returns k, estimated at a coarser level, resampled to a
// size x size frame of the next level (scale factor size / k.W about the
// common centre, bilinear), negative values cut, normalised to sum 1.
func resizeKernel(k *plane.Plane, size int) *plane.Plane {
	f := float64(k.W) / float64(size)
	c, cs := float64(size-1)/2, float64(k.W-1)/2
	out := resample(padded(k), size, size, f, f, cs-c*f+1, cs-c*f+1)
	normalize(out)
	return out
}

// padded returns k with a one-pixel border of zeros, so that resample's
// clamping reads zeros outside the kernel.
func padded(k *plane.Plane) *plane.Plane {
	q := plane.New(k.W+2, k.H+2)
	for y := range k.H {
		copy(q.Pix[(y+1)*q.W+1:], k.Pix[y*k.W:(y+1)*k.W])
	}
	return q
}
