package deconv

import (
	"context"
	"fmt"
	"math"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/plane"
)

// IRLS is a Deconvolver (its Deconvolve method says what it computes).
// Fields left at zero take the defaults given in their comments, so the
// zero value is the method with its default settings.
type IRLS struct {
	// Lambda weighs the prior: the method minimises
	// ||W (k*x - y)||^2 + Lambda sum_d c_d sum |d x|^Alpha over the
	// derivative filters d = dx, dy (c_d = 1) and dxx, dyy, dxy
	// (c_d = SecondOrder). Default: chosen from the noise of y,
	// NoiseLambda(blur.EstimateNoise(y)), so that a noisy input is not
	// deconvolved into grain; 3e-4 for a clean 8-bit image.
	Lambda float64
	// Alpha is the prior's exponent, in (0, 2). Default 0.8 (Levin et al.).
	Alpha float64
	// SecondOrder is the relative weight of the second-derivative filters.
	// Default 0.25 (Levin et al.); a negative value drops them.
	SecondOrder float64
	// Eps floors |d x| in the reweighting, |d x|^(Alpha-2) becoming
	// max(|d x|, Eps)^(Alpha-2). Default 0.01.
	Eps float64
	// InitLambda is the weight of the quadratic gradient prior of the
	// initial least-squares solve (see Wiener). Default 3e-3.
	InitLambda float64
	// Outer is the number of reweighted solves after the initial one.
	// Default 3.
	Outer int
	// CGIter bounds the conjugate-gradient iterations of each solve.
	// Default 30 (more gains under 0.05 dB on Levin's images).
	CGIter int
	// Tol is the relative residual at which each solve stops. Default 1e-7
	// (in practice CGIter ends each solve first).
	Tol float64
	Model
}

// NoiseLambda is IRLS's default prior weight for an input whose noise has
// standard deviation sigma (samples in [0, 1]): 3e-4 + 6 (sigma^2 -
// CleanNoise^2), and 3e-4 for sigma up to CleanNoise. The weight of a MAP
// estimate grows with the noise variance; the floor covers quantisation
// and model error. Fitted on the Levin benchmark with the true kernels and
// noise 0 to 0.05 added, where it is within 0.15 dB of the best fixed
// weight at every level (docs/results.md).
func NoiseLambda(sigma float64) float64 {
	return 3e-4 + 6*excessVariance(sigma)
}

// CleanNoise is what blur.EstimateNoise reads on a clean 8-bit image
// (half a level of median Haar detail, times 1.4826): noise up to it cannot
// be told from quantisation, so the weights do not grow below it.
const CleanNoise = 0.5 / 255 / 0.6744897501960817

// excessVariance is sigma^2 - CleanNoise^2, or 0 when that is negative.
func excessVariance(sigma float64) float64 {
	if !(sigma > CleanNoise) {
		return 0
	}
	return sigma*sigma - CleanNoise*CleanNoise
}

// lambdaFor returns lambda, or when it is 0 the weight NoiseLambda gives
// for the noise estimated on y.
func lambdaFor(lambda float64, y *plane.Plane, rule func(float64) float64) float64 {
	if lambda != 0 {
		return lambda
	}
	sigma, err := blur.EstimateNoise(y)
	if err != nil {
		sigma = 0
	}
	return rule(sigma)
}

func (o IRLS) withDefaults() IRLS {
	if o.Lambda == 0 {
		o.Lambda = NoiseLambda(0)
	}
	if o.Alpha == 0 {
		o.Alpha = 0.8
	}
	if o.SecondOrder == 0 {
		o.SecondOrder = 0.25
	}
	if o.Eps == 0 {
		o.Eps = 0.01
	}
	if o.InitLambda == 0 {
		o.InitLambda = 3e-3
	}
	if o.Outer == 0 {
		o.Outer = 3
	}
	if o.CGIter == 0 {
		o.CGIter = 30
	}
	if o.Tol == 0 {
		o.Tol = 1e-7
	}
	return o
}

func (o IRLS) check() error {
	switch {
	case !(o.Lambda > 0) || !(o.InitLambda > 0):
		return fmt.Errorf("lambda %v and initial lambda %v must be positive", o.Lambda, o.InitLambda)
	case !(o.Alpha > 0 && o.Alpha < 2):
		return fmt.Errorf("alpha %v outside (0, 2)", o.Alpha)
	case !(o.Eps > 0):
		return fmt.Errorf("eps %v must be positive", o.Eps)
	case o.Outer < 0 || o.CGIter < 0:
		return fmt.Errorf("negative iteration count")
	}
	return nil
}

// Deconvolve deconvolves y by the kernel k with the sparse derivative prior of
// Levin et al. (SIGGRAPH 2007), |d x|^0.8 over first and second
// derivatives, by iteratively reweighted least squares: a quadratic
// gradient-prior solve, then Outer solves of the weighted quadratic problem
// whose weights max(|d x|, Eps)^(Alpha-2) come from the previous estimate,
// each by conjugate gradients preconditioned with an FFT solve. With
// BoundaryReflect the data term is periodic but the weighted prior still
// needs conjugate gradients. The result is the size of y, clamped to [0, 1].
func (o IRLS) Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	if y != nil {
		o.Lambda = lambdaFor(o.Lambda, y, NoiseLambda)
	}
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("irls: %w", err)
	}
	p, err := newProblem(y, k, o.Model)
	if err != nil {
		return nil, fmt.Errorf("irls: %w", err)
	}
	x := p.initial(y)
	if err := p.solveL2(ctx, x, o.InitLambda, o.CGIter, o.Tol); err != nil {
		return nil, fmt.Errorf("irls: initial solve: %w", err)
	}
	if err := p.irls(ctx, x, o); err != nil {
		return nil, fmt.Errorf("irls: %w", err)
	}
	return p.crop(x), nil
}

// irls runs the reweighted solves on x in place.
func (p *problem) irls(ctx context.Context, x []float64, o IRLS) error {
	filters := []stencil{dxStencil, dyStencil}
	coef := []float64{1, 1}
	if o.SecondOrder > 0 {
		filters = append(filters, dxxStencil, dyyStencil, dxyStencil)
		coef = append(coef, o.SecondOrder, o.SecondOrder, o.SecondOrder)
	}
	n := len(x)
	weights := make([][]float64, len(filters))
	for i := range weights {
		weights[i] = make([]float64, n)
	}
	g, ds, sum := make([]float64, n), make([]float64, n), make([]float64, n)
	prior := make([]float64, len(p.kf))
	inv := make([]float64, len(p.kf))
	ktwy := p.forward(p.ktwy)
	xs := p.forward(x)
	rs := make([]complex128, len(xs))
	// A d = K^T Wd K d + sum_f S_f^T diag(w_f) S_f d: four FFTs.
	apply := func(q, d []complex128) {
		p.inverse(ds, d)
		clear(sum)
		for f, s := range filters {
			s.apply(g, ds, p.gw, p.gh)
			w := weights[f]
			forChunks(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					g[i] *= w[i]
				}
			})
			s.addT(sum, g, 1, p.gw, p.gh)
		}
		p.applyNormalSpec(q, d, nil, 0)
		p.plan.Forward(p.spec, sum)
		forChunks(len(q), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				q[i] += p.spec[i]
			}
		})
	}
	for outer := 0; outer < o.Outer; outer++ {
		if outer > 0 {
			p.inverse(x, xs)
		}
		clear(prior)
		for f, s := range filters {
			s.apply(g, x, p.gw, p.gh)
			w := weights[f]
			scale := o.Lambda * coef[f] * o.Alpha / 2
			sw := sumChunks(n, func(lo, hi int) float64 {
				t := 0.0
				for i := lo; i < hi; i++ {
					w[i] = scale * math.Pow(math.Max(math.Abs(g[i]), o.Eps), o.Alpha-2)
					t += w[i]
				}
				return t
			})
			// The preconditioner replaces the weights by their mean.
			s.power(prior, sw/float64(n), p.gw, p.gh)
		}
		p.invDen(inv, prior, 1)
		copy(rs, ktwy)
		if _, err := p.pcg(ctx, apply, inv, xs, rs, o.CGIter, o.Tol); err != nil {
			return err
		}
	}
	p.inverse(x, xs)
	return nil
}
