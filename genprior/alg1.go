package genprior

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/tensor"
)

// rmsEps is added to each restart's gradient RMS before dividing by it, as
// in the authors' code.
const rmsEps = 1e-5

// Deblur runs Algorithm 1 (Deep Deblur) on the blurry image y, whose
// channels and size must be those of gi's outputs; gk's kernels must fit
// in that size. See Alg1Settings for the objective and the updates. The
// restart with the smallest final residual ||y - G_I(z_i) ⊛ k||^2 is
// returned.
//
// When ctx is cancelled Deblur stops after the current iteration and
// returns the result reached so far with ctx.Err(); if the objective stops
// being finite it returns the result of the last finite iteration with an
// error wrapping blind.ErrDiverged.
func Deblur(ctx context.Context, y *imageio.Image, gi, gk Generator, s Alg1Settings) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p, err := newProblem(y, gi, gk, s.Restarts, s.NormalizeKernel)
	if err != nil {
		return nil, err
	}
	_, zi, zk := initLatents(s.Seed, s.Restarts, gi, gk)
	res := &Result{}
	start := time.Now()
	runErr := alg1(ctx, p, s, zi, zk, res, start)
	if fatal(ctx, runErr) {
		return nil, runErr
	}
	x := gi.Forward(nil, zi)
	p.finish(res, x, x, zk, false)
	res.Elapsed = time.Since(start)
	progress.Send(s.Recorder, progress.Event{Stage: "deep-deblur", Iter: res.Iterations, Total: s.Steps, Loss: lastOr(res.Losses), Elapsed: res.Elapsed, Finished: true})
	return res, runErr
}

// initLatents draws the restarts' starting latents z_i and z_k ~ N(0, I)
// from seed and returns the generator for the draws that follow.
func initLatents(seed uint64, restarts int, gi, gk Generator) (rng *rand.Rand, zi, zk *tensor.Tensor) {
	rng = nn.NewRand(seed)
	zi, zk = tensor.NewParam(restarts, gi.LatentDim()), tensor.NewParam(restarts, gk.LatentDim())
	nn.Normal(rng, zi, 0, 1)
	nn.Normal(rng, zk, 0, 1)
	return rng, zi, zk
}

// fatal reports whether err, from alg1, ends a run without a result: not
// a cancellation or a divergence, which keep the state reached.
func fatal(ctx context.Context, err error) bool {
	return err != nil && !errors.Is(err, blind.ErrDiverged) && ctx.Err() == nil
}

// alg1 runs Algorithm 1's iterations on p from the latents zi and zk,
// updating them in place and recording the objective in res. It returns
// ctx's error when cancelled, an error wrapping blind.ErrDiverged when
// the objective stops being finite (the latents then hold the last finite
// iteration's), or another error when the problem cannot be solved.
func alg1(ctx context.Context, p *problem, s Alg1Settings, zi, zk *tensor.Tensor, res *Result, start time.Time) error {
	tp := tensor.NewTape()
	defer tp.Reset()
	scale := float32(p.h * p.w) // the residual between unnormalised spectra
	// objective records H W ||y - x ⊛ k||^2 + weight ||z||^2 and backpropagates it.
	objective := func(x, k, z *tensor.Tensor, weight float64) (float64, error) {
		res := tensor.Scale(tp, sumSq(tp, tensor.CircularConv2D(tp, x, k), p.y), scale)
		l := tensor.Add(tp, res, tensor.Scale(tp, tensor.Sum(tp, tensor.Mul(tp, z, z)), float32(weight)))
		if err := tp.Backward(l); err != nil {
			return 0, fmt.Errorf("genprior: the objective does not depend on the latent: %w", err)
		}
		return float64(l.Item()), nil
	}
	gi := p.gi
	snap := newSnapshot(zi, zk)
	every := reportEvery(s.ReportEvery)
	for it := 0; it < s.Steps; it++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		snap.save()
		step := s.StepSize * math.Exp(-float64(it)/s.StepDecay)
		// Kernel latent, with the image fixed (no tape through G_I).
		tp.Reset()
		zk.ZeroGrad()
		if _, err := objective(gi.Forward(nil, zi), p.kernel(tp, zk), zk, s.Lambda); err != nil {
			return err
		}
		rmsStep(zk, step, s.Restarts)
		// Image latent, with the new kernel fixed.
		tp.Reset()
		zi.ZeroGrad()
		loss, err := objective(gi.Forward(tp, zi), p.kernel(nil, zk), zi, s.Gamma)
		if err != nil {
			return err
		}
		rmsStep(zi, step, s.Restarts)
		loss += s.Lambda * sumSquares(zk.Data)
		if !finite(loss, zi, zk) {
			snap.restore()
			return fmt.Errorf("genprior: %w (objective not finite) at iteration %d", blind.ErrDiverged, it+1)
		}
		res.Losses = append(res.Losses, loss)
		res.Iterations = it + 1
		if (it+1)%every == 0 && it+1 < s.Steps {
			progress.Send(s.Recorder, progress.Event{Stage: "deep-deblur", Iter: it + 1, Total: s.Steps, Loss: loss, Elapsed: time.Since(start)})
		}
	}
	return nil
}

// rmsStep moves each restart's row of z against its gradient by step times
// the gradient divided by its root mean square (plus rmsEps).
func rmsStep(z *tensor.Tensor, step float64, restarts int) {
	d := z.Len() / restarts
	for n := 0; n < restarts; n++ {
		g, v := z.Grad[n*d:(n+1)*d], z.Data[n*d:(n+1)*d]
		f := step / (math.Sqrt(sumSquares(g)/float64(d)) + rmsEps)
		for i, gv := range g {
			v[i] -= float32(f * float64(gv))
		}
	}
}

func sumSquares(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return s
}

func lastOr(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}
