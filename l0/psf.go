package l0

import (
	"math"
	"math/cmplx"

	"github.com/deblur/deblur/internal/fft2"
	"github.com/deblur/deblur/plane"
)

// kernelCG is the number of conjugate-gradient iterations of the kernel
// step (Pan et al.'s).
const kernelCG = 20

// gradients returns the horizontal and vertical forward differences of p,
// zero where a difference would leave the image.
func gradients(p *plane.Plane) (dx, dy *plane.Plane) {
	dx, dy = plane.New(p.W, p.H), plane.New(p.W, p.H)
	for y := range p.H {
		for x := range p.W {
			if x+1 < p.W {
				dx.Set(x, y, p.At(x+1, y)-p.At(x, y))
			}
			if y+1 < p.H {
				dy.Set(x, y, p.At(x, y+1)-p.At(x, y))
			}
		}
	}
	return dx, dy
}

// estimateKernel returns the ks x ks convolution kernel k that minimises
//
//	||∂x(x) ⊛ k - ∂x(y)||² + ||∂y(x) ⊛ k - ∂y(y)||² + gamma ||k||²
//
// over its taps, for the latent image x and the blurry y of the same size
// (gradients: their forward differences), by conjugate gradients on the
// normal equations, whose operator is applied by FFTs on a zero-padded grid.
// Entries below 5 % of the peak and negative ones are then set to zero and
// the kernel normalised to sum 1.
func estimateKernel(x, y *plane.Plane, ks int, gamma float64) (*plane.Plane, error) {
	gw, gh := fft2.GoodEvenSize(x.W+ks), fft2.GoodSize(x.H+ks)
	g, err := newGrid(gw, gh)
	if err != nil {
		return nil, err
	}
	xx, xy := gradients(x)
	yx, yy := gradients(y)
	pad := func(p *plane.Plane) []complex128 {
		q := make([]float64, gw*gh)
		for r := range p.H {
			copy(q[r*gw:], p.Pix[r*p.W:(r+1)*p.W])
		}
		return g.fft(q)
	}
	lx, ly, bx, by := pad(xx), pad(xy), pad(yx), pad(yy)
	m := make([]float64, len(lx))      // |Lx|² + |Ly|²
	rhs := make([]complex128, len(lx)) // conj(Lx) Bx + conj(Ly) By
	for i := range lx {
		m[i] = real(lx[i]*cmplx.Conj(lx[i])) + real(ly[i]*cmplx.Conj(ly[i]))
		rhs[i] = cmplx.Conj(lx[i])*bx[i] + cmplx.Conj(ly[i])*by[i]
	}
	b := g.crop(g.ifft(make([]float64, gw*gh), rhs), ks, ks)
	apply := func(k *plane.Plane) *plane.Plane {
		kf := g.otf(k)
		for i := range kf {
			kf[i] *= complex(m[i], 0)
		}
		out := g.crop(g.ifft(make([]float64, gw*gh), kf), ks, ks)
		for i, v := range k.Pix {
			out.Pix[i] += gamma * v
		}
		return out
	}
	k := plane.New(ks, ks)
	for i := range k.Pix {
		k.Pix[i] = 1 / float64(ks*ks)
	}
	conjugateGradient(k, b, apply, kernelCG, 1e-5)
	peak := 0.0
	for _, v := range k.Pix {
		peak = max(peak, v)
	}
	for i, v := range k.Pix {
		if v < 0.05*peak {
			k.Pix[i] = 0
		}
	}
	normalize(k)
	return k, nil
}

// conjugateGradient solves A x = b for the symmetric positive definite A,
// from and into x, for at most iters iterations or until the residual
// falls below tol times b's norm.
func conjugateGradient(x, b *plane.Plane, apply func(*plane.Plane) *plane.Plane, iters int, tol float64) {
	ax := apply(x)
	r := b.Clone()
	for i := range r.Pix {
		r.Pix[i] -= ax.Pix[i]
	}
	p := r.Clone()
	rr := dot(r, r)
	stop := tol * tol * dot(b, b)
	for range iters {
		if rr <= stop {
			return
		}
		ap := apply(p)
		alpha := rr / dot(p, ap)
		for i := range x.Pix {
			x.Pix[i] += alpha * p.Pix[i]
			r.Pix[i] -= alpha * ap.Pix[i]
		}
		next := dot(r, r)
		for i := range p.Pix {
			p.Pix[i] = r.Pix[i] + next/rr*p.Pix[i]
		}
		rr = next
	}
}

func dot(a, b *plane.Plane) float64 {
	s := 0.0
	for i, v := range a.Pix {
		s += v * b.Pix[i]
	}
	return s
}

// normalize cuts negative entries and scales k to sum 1 (a lone centre tap
// if nothing is left).
func normalize(k *plane.Plane) {
	for i, v := range k.Pix {
		k.Pix[i] = max(v, 0)
	}
	if k.Normalize() != nil {
		k.Set(k.W/2, k.H/2, 1)
	}
}

// removeIsolated zeroes the 8-connected components of k's positive
// entries whose mass is below frac of the total, then renormalises: noise
// far from the blur's path.
func removeIsolated(k *plane.Plane, frac float64) {
	total := k.Sum()
	seen := make([]bool, len(k.Pix))
	var stack, comp []int
	for start, v := range k.Pix {
		if v <= 0 || seen[start] {
			continue
		}
		stack, comp = append(stack[:0], start), comp[:0]
		seen[start] = true
		mass := 0.0
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			comp = append(comp, i)
			mass += k.Pix[i]
			x, y := i%k.W, i/k.W
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= k.W || ny >= k.H {
						continue
					}
					j := ny*k.W + nx
					if !seen[j] && k.Pix[j] > 0 {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if mass < frac*total {
			for _, i := range comp {
				k.Pix[i] = 0
			}
		}
	}
	normalize(k)
}

// centerInFrame moves k by whole pixels so that its centre of mass is
// within half a pixel of the frame's centre, keeping the frame (mass pushed
// out of it is lost, then k is renormalised).
func centerInFrame(k *plane.Plane) *plane.Plane {
	var sx, sy, s float64
	for y := range k.H {
		for x := range k.W {
			v := k.At(x, y)
			sx, sy, s = sx+v*float64(x), sy+v*float64(y), s+v
		}
	}
	if !(s > 0) {
		return k
	}
	dx := int(math.Round(float64(k.W-1)/2 - sx/s))
	dy := int(math.Round(float64(k.H-1)/2 - sy/s))
	if dx == 0 && dy == 0 {
		return k
	}
	out := plane.New(k.W, k.H)
	for y := range k.H {
		for x := range k.W {
			if nx, ny := x+dx, y+dy; nx >= 0 && ny >= 0 && nx < k.W && ny < k.H {
				out.Set(nx, ny, k.At(x, y))
			}
		}
	}
	normalize(out)
	return out
}
