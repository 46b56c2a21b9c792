package deconv

import (
	"context"
	"fmt"
	"math"
)

// The valid-model solvers keep their unknown in the frequency domain: a
// conjugate-gradient iteration then needs only the two FFTs that apply the
// data weight (the blur, its adjoint, the periodic prior and the circulant
// preconditioner are all diagonal there), where a spatial iteration needs
// six. Inner products use Parseval's identity on the half spectrum.

// sdot returns the inner product of the real grids whose half spectra are a
// and b, times the number of grid points.
func (p *problem) sdot(a, b []complex128) float64 {
	hw := p.plan.HW
	s, _ := p.sumSpec(func(lo, hi int) (float64, float64) {
		s := 0.0
		for j := lo; j < hi; j++ {
			ra, rb := a[j*hw:(j+1)*hw], b[j*hw:(j+1)*hw]
			for u, v := range ra {
				s += p.colw[u] * (real(v)*real(rb[u]) + imag(v)*imag(rb[u]))
			}
		}
		return s, 0
	})
	return s
}

// sumSpec returns the sums of f(lo, hi) over blocks of half-spectrum rows
// (f returns two partial sums), added in block order.
func (p *problem) sumSpec(f func(lo, hi int) (float64, float64)) (float64, float64) {
	per := max(1, chunkLen/p.plan.HW)
	nb := (p.gh + per - 1) / per
	part := make([][2]float64, nb)
	run(nb, func(b int) {
		part[b][0], part[b][1] = f(b*per, min((b+1)*per, p.gh))
	})
	var s0, s1 float64
	for _, v := range part {
		s0 += v[0]
		s1 += v[1]
	}
	return s0, s1
}

// columnWeights returns the Parseval weight of each half-spectrum column: 1
// for the DC column and, for an even width, the Nyquist column, and 2 for
// the others, which stand for their mirror images as well.
func columnWeights(gw int) []float64 {
	hw := gw/2 + 1
	w := make([]float64, hw)
	for u := range w {
		w[u] = 2
	}
	w[0] = 1
	if gw%2 == 0 {
		w[hw-1] = 1
	}
	return w
}

// applyNormalSpec writes the half spectrum of (K^T Wd K + P) d into q, where
// d is given by its half spectrum and P is the periodic operator with the
// real transfer function s * prior (prior nil for none). It costs two FFTs.
func (p *problem) applyNormalSpec(q, d []complex128, prior []float64, s float64) {
	forChunks(len(d), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.spec[i] = d[i] * p.kf[i]
		}
	})
	p.plan.Inverse(p.tmp, p.spec)
	p.applyWeight(p.tmp)
	p.plan.Forward(q, p.tmp)
	forChunks(len(q), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := p.kf[i]
			v := q[i] * complex(real(c), -imag(c))
			if prior != nil {
				v += d[i] * complex(s*prior[i], 0)
			}
			q[i] = v
		}
	})
}

// invDen writes 1 / max(|kf|^2 + s prior, 1e-12) into dst: the transfer
// function of the inverse of the periodic system with unit data weight, the
// preconditioner.
func (p *problem) invDen(dst, prior []float64, s float64) {
	forChunks(len(dst), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := p.kf[i]
			d := real(c)*real(c) + imag(c)*imag(c)
			if prior != nil {
				d += s * prior[i]
			}
			dst[i] = 1 / math.Max(d, 1e-12)
		}
	})
}

// pcg solves A x = b by preconditioned conjugate gradients in the frequency
// domain. x holds the half spectrum of the starting point on entry and of
// the solution on return; r holds that of b on entry and is overwritten.
// apply(q, d) writes the half spectrum of A d into q; inv is the transfer
// function of the preconditioner. pcg stops after maxIter iterations or
// when the residual norm falls below tol times the norm of b, and returns
// the number of iterations done. It checks ctx every iteration.
func (p *problem) pcg(ctx context.Context, apply func(q, d []complex128), inv []float64, x, r []complex128, maxIter int, tol float64) (int, error) {
	if p.cgD == nil {
		p.cgD = make([]complex128, len(x))
		p.cgQ = make([]complex128, len(x))
	}
	d, q := p.cgD, p.cgQ
	bnorm := math.Sqrt(p.sdot(r, r))
	if bnorm == 0 {
		bnorm = 1
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("deconv: conjugate gradients: %w", err)
	}
	apply(q, x)
	hw := p.plan.HW
	// r = b - A x, d = M^-1 r, rz = <r, M^-1 r>, rr = <r, r>.
	rz, rr := p.sumSpec(func(lo, hi int) (float64, float64) {
		var rz, rr float64
		for j := lo; j < hi; j++ {
			for u, cw := range p.colw {
				i := j*hw + u
				v := r[i] - q[i]
				r[i] = v
				d[i] = v * complex(inv[i], 0)
				m := cw * (real(v)*real(v) + imag(v)*imag(v))
				rz += m * inv[i]
				rr += m
			}
		}
		return rz, rr
	})
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return it, fmt.Errorf("deconv: conjugate gradients: %w", err)
		}
		if math.Sqrt(rr) <= tol*bnorm {
			return it, nil
		}
		apply(q, d)
		dq := p.sdot(d, q)
		if !(dq > 0) {
			return it, nil // numerically converged (or not positive definite)
		}
		alpha := rz / dq
		ca := complex(alpha, 0)
		var rzNew float64
		rzNew, rr = p.sumSpec(func(lo, hi int) (float64, float64) {
			var rz, rr float64
			for j := lo; j < hi; j++ {
				for u, cw := range p.colw {
					i := j*hw + u
					x[i] += ca * d[i]
					v := r[i] - ca*q[i]
					r[i] = v
					m := cw * (real(v)*real(v) + imag(v)*imag(v))
					rz += m * inv[i]
					rr += m
				}
			}
			return rz, rr
		})
		beta := complex(rzNew/rz, 0)
		rz = rzNew
		forChunks(len(d), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				d[i] = r[i]*complex(inv[i], 0) + beta*d[i]
			}
		})
	}
	return maxIter, nil
}

// richardson runs steps preconditioned Richardson iterations
// x += M^-1 (b - A x) on the system A x = b, in the frequency domain like
// pcg (b is the half spectrum in r, left intact). For the valid model with
// the circulant preconditioner, a step is the FFT solve of the periodic
// problem whose data outside y are replaced by the blurred current estimate;
// with data weights at most 1 it is a majorise-minimise step, which never
// increases the quadratic objective.
func (p *problem) richardson(ctx context.Context, apply func(q, d []complex128), inv []float64, x, r []complex128, steps int) error {
	if p.cgQ == nil {
		p.cgQ = make([]complex128, len(x))
	}
	q := p.cgQ
	for s := 0; s < steps; s++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("deconv: richardson: %w", err)
		}
		apply(q, x)
		forChunks(len(x), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				x[i] += (r[i] - q[i]) * complex(inv[i], 0)
			}
		})
	}
	return nil
}
