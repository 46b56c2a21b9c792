package deconv

import (
	"context"
	"fmt"

	"github.com/deblur/deblur/plane"
)

// HyperLaplacian is a Deconvolver (its Deconvolve method says what it computes).
// Fields left at zero take the defaults given in their comments, so the
// zero value is the method with its default settings.
type HyperLaplacian struct {
	// Lambda weighs the prior: the method minimises
	// 1/2 ||W (k*x - y)||^2 + Lambda sum |grad x|^Alpha over the horizontal
	// and vertical forward differences. (Krishnan & Fergus write the data
	// weight instead: their lambda is 1/(2 Lambda).) Default: chosen from
	// the noise of y, HLNoiseLambda(blur.EstimateNoise(y)); 1e-4 for a
	// clean 8-bit image.
	Lambda float64
	// Alpha is the prior's exponent, in (0, 1]. Default 2/3.
	Alpha float64
	// Beta0, BetaMax and BetaRate give the continuation of the splitting
	// weight beta: Beta0, Beta0*BetaRate, ... while <= BetaMax.
	// Defaults 32, 2048 and 2. (Krishnan & Fergus go from 1 to 256 with
	// rate 2*sqrt(2); the longer, finer schedule gains 0.3 dB on Levin's
	// images, and starting at 32 rather than 1 gains another 0.06 dB there,
	// 0.17 dB on 1000 x 700 crops of Lai's images with 31-75 px kernels, and
	// saves five of twelve steps.)
	Beta0, BetaMax, BetaRate float64
	// Inner is the number of alternations of the w and x steps per beta.
	// Default 1.
	Inner int
	// CGIter bounds the conjugate-gradient iterations of each x step in the
	// valid model (the reflect model solves it exactly by FFT). Default 10.
	CGIter int
	// Fill, when positive, replaces the conjugate gradients of each x step
	// of the valid model by Fill preconditioned Richardson steps: each is
	// one FFT solve of the periodic problem in which the data outside y are
	// the blurred current estimate (boundary filling), so an x step costs
	// 2 + 2*Fill FFTs where the conjugate-gradient solve costs 4 + 2*CGIter.
	// The result approaches the valid-model solution only as the
	// continuation proceeds. Default 0 (conjugate gradients).
	Fill int
	Model
}

// HLNoiseLambda is HyperLaplacian's default prior weight for an input
// whose noise has standard deviation sigma: 1e-4 + 2 (sigma^2 -
// CleanNoise^2), fitted as NoiseLambda was (for Alpha 2/3; within 0.25 dB
// of the best fixed weight at every noise level from 0 to 0.05 on Levin
// with the true kernels).
func HLNoiseLambda(sigma float64) float64 {
	return 1e-4 + 2*excessVariance(sigma)
}

func (o HyperLaplacian) withDefaults() HyperLaplacian {
	if o.Lambda == 0 {
		o.Lambda = HLNoiseLambda(0)
	}
	if o.Alpha == 0 {
		o.Alpha = 2.0 / 3
	}
	if o.Beta0 == 0 {
		o.Beta0 = 32
	}
	if o.BetaMax == 0 {
		o.BetaMax = 2048
	}
	if o.BetaRate == 0 {
		o.BetaRate = 2
	}
	if o.Inner == 0 {
		o.Inner = 1
	}
	if o.CGIter == 0 {
		o.CGIter = 10
	}
	return o
}

// Deconvolve deconvolves y by the kernel k with the hyper-Laplacian
// gradient prior of Krishnan & Fergus (NIPS 2009), by half-quadratic
// splitting: auxiliary gradients w are found per pixel by a lookup table of
// the exact scalar minimiser, and x by an FFT-preconditioned
// conjugate-gradient solve of the valid model (an exact FFT division with
// BoundaryReflect), while beta increases. The result is the size of y,
// clamped to [0, 1].
func (o HyperLaplacian) Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	if y != nil {
		o.Lambda = lambdaFor(o.Lambda, y, HLNoiseLambda)
	}
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("hyper-Laplacian: %w", err)
	}
	p, err := newProblem(y, k, o.Model)
	if err != nil {
		return nil, fmt.Errorf("hyper-Laplacian: %w", err)
	}
	x := p.initial(y)
	if err := p.hqs(ctx, x, o); err != nil {
		return nil, fmt.Errorf("hyper-Laplacian: %w", err)
	}
	return p.crop(x), nil
}

func (o HyperLaplacian) check() error {
	switch {
	case !(o.Lambda > 0):
		return fmt.Errorf("lambda %v must be positive", o.Lambda)
	case !(o.Alpha > 0 && o.Alpha <= 1):
		return fmt.Errorf("alpha %v outside (0, 1]", o.Alpha)
	case !(o.Beta0 > 0) || !(o.BetaMax >= o.Beta0) || !(o.BetaRate > 1):
		return fmt.Errorf("bad beta schedule %v..%v by %v", o.Beta0, o.BetaMax, o.BetaRate)
	case o.Inner < 0 || o.CGIter < 0 || o.Fill < 0:
		return fmt.Errorf("negative iteration count")
	}
	return nil
}

// hqs runs the half-quadratic splitting iterations on x in place.
func (p *problem) hqs(ctx context.Context, x []float64, o HyperLaplacian) error {
	n := len(x)
	gx, gy := make([]float64, n), make([]float64, n)
	rhs := p.tmp // consumed by the FFT before the solvers use p.tmp
	base := make([]float64, len(p.kf))
	dxStencil.power(base, 1, p.gw, p.gh)
	dyStencil.power(base, 1, p.gw, p.gh)
	var xs, rs []complex128 // spectra of x and of the residual (valid model)
	var inv []float64
	if !p.periodic {
		xs = p.forward(x)
		rs = make([]complex128, len(xs))
		inv = make([]float64, len(base))
	}
	var lb float64 // Lambda * beta: the prior's transfer function is lb * base
	apply := func(q, d []complex128) { p.applyNormalSpec(q, d, base, lb) }
	for beta := o.Beta0; beta <= o.BetaMax*(1+1e-9); beta *= o.BetaRate {
		sh, err := newShrinker(o.Alpha, beta)
		if err != nil {
			return err
		}
		lb = o.Lambda * beta
		if inv != nil {
			p.invDen(inv, base, lb)
		}
		for inner := 0; inner < o.Inner; inner++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			p.shrinkGradients(gx, gy, x, sh)
			p.priorRHS(rhs, gx, gy, lb)
			if p.periodic {
				p.solveCirculant(x, rhs, base, lb)
				continue
			}
			p.plan.Forward(rs, rhs)
			if o.Fill > 0 {
				if err := p.richardson(ctx, apply, inv, xs, rs, o.Fill); err != nil {
					return err
				}
			} else if _, err := p.pcg(ctx, apply, inv, xs, rs, o.CGIter, 1e-6); err != nil {
				return err
			}
			p.inverse(x, xs)
		}
	}
	return nil
}

// shrinkGradients writes the shrunk horizontal and vertical forward
// differences of x into gx and gy.
func (p *problem) shrinkGradients(gx, gy, x []float64, sh *shrinker) {
	gw, gh := p.gw, p.gh
	forRows(gh, gw, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			row := x[j*gw : (j+1)*gw]
			next := x[((j+1)%gh)*gw:]
			next = next[:gw]
			ox, oy := gx[j*gw:(j+1)*gw], gy[j*gw:(j+1)*gw]
			for i := 0; i < gw-1; i++ {
				ox[i] = sh.apply(row[i+1] - row[i])
				oy[i] = sh.apply(next[i] - row[i])
			}
			ox[gw-1] = sh.apply(row[0] - row[gw-1])
			oy[gw-1] = sh.apply(next[gw-1] - row[gw-1])
		}
	})
}

// priorRHS writes K^T Wd y + lb (Dx^T gx + Dy^T gy) into rhs.
func (p *problem) priorRHS(rhs, gx, gy []float64, lb float64) {
	gw, gh := p.gw, p.gh
	forRows(gh, gw, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			// Dx^T g (i) = g(i-1) - g(i), Dy^T likewise in j.
			o, po := j*gw, ((j+gh-1)%gh)*gw
			r, k := rhs[o:o+gw], p.ktwy[o:o+gw]
			cx, cy, py := gx[o:o+gw], gy[o:o+gw], gy[po:po+gw]
			r[0] = k[0] + lb*(cx[gw-1]-cx[0]+py[0]-cy[0])
			for i := 1; i < gw; i++ {
				r[i] = k[i] + lb*(cx[i-1]-cx[i]+py[i]-cy[i])
			}
		}
	})
}
