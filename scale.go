package deblur

import (
	"math"

	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/selfdeblur"
)

// estimateScale returns the factor by which Blind shrinks a w x h image
// before estimating a k x k kernel when kernels above maxKernel pixels are
// estimated on a shrunk copy (maxKernel <= 0: never), and the kernel size
// at that scale (odd, covering k/f). The factor is lowered while the shrunk
// image would be smaller than the kernel or than minSize, the image
// network's smallest input, once padded by the kernel.
func estimateScale(k, maxKernel, w, h, minSize int) (f, kc int) {
	if maxKernel <= 0 || k <= maxKernel {
		return 1, k
	}
	for f = (k + maxKernel - 1) / maxKernel; f > 1; f-- {
		kc = scaledKernelSize(k, f)
		if side := min(w, h) / f; side >= kc && side+kc-1 >= minSize {
			return f, kc
		}
	}
	return 1, k
}

// scaledKernelSize is the odd kernel size covering a k x k kernel on an
// image shrunk by f.
func scaledKernelSize(k, f int) int {
	return (k+f-1)/f | 1
}

// fullKernelSize is the full-scale size of the kernel a SelfDeblur run
// with settings s returned with seed: the restart's own frame when s
// gives each restart one, s.KernelSize otherwise.
func fullKernelSize(s selfdeblur.Settings, seed uint64) int {
	if i := seed - s.Seed; len(s.RestartKernelSizes) > 0 && i < uint64(len(s.RestartKernelSizes)) {
		return s.RestartKernelSizes[i]
	}
	return s.KernelSize
}

// downscale returns p shrunk by the integer factor f: each output pixel is
// the mean of an f x f block (a trailing partial block is dropped).
func downscale(p *plane.Plane, f int) *plane.Plane {
	if f == 1 {
		return p
	}
	w, h := p.W/f, p.H/f
	q := plane.New(w, h)
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

// upscaleKernel resamples kc, a kernel estimated on an image downscaled by
// f, to a k x k kernel of the full-size image: bilinear interpolation of
// kc's taps about the common centre, negative values cut, normalised to
// sum 1.
func upscaleKernel(kc *plane.Plane, k, f int) *plane.Plane {
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
