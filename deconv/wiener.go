package deconv

import (
	"context"
	"fmt"

	"github.com/deblur/deblur/plane"
)

// Wiener is a Deconvolver (its Deconvolve method says what it computes).
// Fields left at zero take the defaults given in their comments, so the
// zero value is the method with its default settings.
type Wiener struct {
	// Lambda weighs the squared-gradient prior against the squared data
	// error: the method minimises ||W (k*x - y)||^2 + Lambda ||grad x||^2.
	// Default 3e-3, suited to noise of about 0.01 on [0, 1] images.
	Lambda float64
	// MaxIter bounds the conjugate-gradient iterations (valid model only).
	// Default 150.
	MaxIter int
	// Tol is the relative residual at which conjugate gradients stop.
	// Default 1e-5.
	Tol float64
	Model
}

func (o Wiener) withDefaults() Wiener {
	if o.Lambda == 0 {
		o.Lambda = 3e-3
	}
	if o.MaxIter == 0 {
		o.MaxIter = 150
	}
	if o.Tol == 0 {
		o.Tol = 1e-5
	}
	return o
}

// Deconvolve deconvolves y by the kernel k with a quadratic (Tikhonov) prior on
// the horizontal and vertical forward differences of x, the regularised
// least-squares (Wiener-like) solution. With the default valid boundary model
// the normal equations are solved by preconditioned conjugate gradients;
// with BoundaryReflect the solution is one FFT division. The result is the
// size of y, clamped to [0, 1].
func (o Wiener) Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	o = o.withDefaults()
	if o.Lambda < 0 {
		return nil, fmt.Errorf("deconv: wiener: negative lambda %v", o.Lambda)
	}
	p, err := newProblem(y, k, o.Model)
	if err != nil {
		return nil, fmt.Errorf("wiener: %w", err)
	}
	x := p.initial(y)
	if err := p.solveL2(ctx, x, o.Lambda, o.MaxIter, o.Tol); err != nil {
		return nil, fmt.Errorf("wiener: %w", err)
	}
	return p.crop(x), nil
}

// solveL2 solves (K^T W K + lambda D^T D) x = K^T W y in place, starting from x.
func (p *problem) solveL2(ctx context.Context, x []float64, lambda float64, maxIter int, tol float64) error {
	prior := make([]float64, len(p.kf))
	dxStencil.power(prior, lambda, p.gw, p.gh)
	dyStencil.power(prior, lambda, p.gw, p.gh)
	if p.periodic {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.solveCirculant(x, p.ktwy, prior, 1)
		return nil
	}
	xs := p.forward(x)
	rs := p.forward(p.ktwy)
	inv := make([]float64, len(prior))
	p.invDen(inv, prior, 1)
	_, err := p.pcg(ctx, func(q, d []complex128) { p.applyNormalSpec(q, d, prior, 1) }, inv, xs, rs, maxIter, tol)
	p.inverse(x, xs)
	return err
}
