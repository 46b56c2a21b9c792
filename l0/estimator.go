// Package l0 estimates blur kernels with the L0-regularised intensity and
// gradient prior of Pan, Hu, Su and Yang ("Deblurring text images via
// L0-regularized intensity and gradient prior", CVPR 2014; TPAMI 2017), a
// classical blind method in the family of Xu and Jia (2010): coarse to fine
// over an image pyramid, it alternates a latent image that is sparse in
// intensity and gradient (half-quadratic splitting with closed-form
// Fourier solves) and a kernel fitted to the latent image's gradients
// (Tikhonov-regularised least squares by conjugate gradients), and cleans
// the kernel at every step. It answers in seconds where SelfDeblur takes a
// minute.
package l0

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
)

// Estimator is the L0 method as a blind.Estimator. Every field's zero
// value means the default in its comment (Pan et al.'s settings unless it
// says otherwise).
type Estimator struct {
	// Gradient is the L0 weight of the latent image's gradients (default
	// 4e-3) and Intensity that of its intensities (default 0: none).
	// Pan et al. use 4e-3 for both on text, whose dark strokes on a white
	// page make few pixels non-zero; a photograph's intensities are not
	// sparse, and the term cost 3.3 dB on Levin (29.3 against 32.7 dB
	// with the gradient term alone, Xu et al.'s 2013 model). Both decay
	// by Decay per iteration, down to Floor, across the whole pyramid.
	Gradient, Intensity float64
	// Decay is the factor the weights shrink by every iteration (default
	// 1/1.1); Floor their smallest value (default 1e-4).
	Decay, Floor float64
	// Gamma weighs the kernel's squared norm in the kernel step (default 2).
	Gamma float64
	// Iterations is the number of latent/kernel alternations per pyramid
	// level (default 5).
	Iterations int
	// Coarsest is the kernel size of the coarsest level (default 5): the
	// pyramid shrinks the image by 1/sqrt(2) per level until the kernel
	// is that small.
	Coarsest int
	// Threshold: at the end, kernel entries below the peak divided by
	// Threshold are removed (default 20).
	Threshold float64
	// IsolatedMass: connected pieces of the kernel holding less than this
	// fraction of its mass are removed after every kernel step (default
	// 0.02; Pan et al.'s 0.1 also cut real parts of Levin's kernels at the
	// coarse levels: 31.6 against 32.7 dB there).
	IsolatedMass float64
}

// Name returns "l0".
func (e Estimator) Name() string { return "l0" }

// Multiscale reports that the estimator works coarse to fine itself, so
// the pipeline gives it the image at full size.
func (e Estimator) Multiscale() bool { return true }

// withDefaults returns e with its zero fields set to the defaults.
func (e Estimator) withDefaults() Estimator {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&e.Gradient, 4e-3)
	def(&e.Decay, 1/1.1)
	def(&e.Floor, 1e-4)
	def(&e.Gamma, 2)
	def(&e.Threshold, 20)
	def(&e.IsolatedMass, 0.02)
	if e.Iterations == 0 {
		e.Iterations = 5
	}
	if e.Coarsest == 0 {
		e.Coarsest = 5
	}
	return e
}

// Validate reports fields out of range, naming them.
func (e Estimator) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"Intensity", e.Intensity}, {"Gradient", e.Gradient}, {"Floor", e.Floor}, {"Gamma", e.Gamma}, {"Threshold", e.Threshold}, {"IsolatedMass", e.IsolatedMass}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("l0: %s %v: must be 0 (the default) or a positive number", f.name, f.v)
		}
	}
	switch {
	case !(e.Decay >= 0 && e.Decay <= 1):
		return fmt.Errorf("l0: Decay %v: must be 0 (the default, 1/1.1) or in (0, 1]", e.Decay)
	case e.Iterations < 0:
		return fmt.Errorf("l0: Iterations %d: must be 0 (the default, 5) or positive", e.Iterations)
	case e.Coarsest < 0 || e.Coarsest == 1 || e.Coarsest == 2:
		return fmt.Errorf("l0: Coarsest %d: must be 0 (the default, 5) or at least 3", e.Coarsest)
	case e.IsolatedMass >= 1:
		return fmt.Errorf("l0: IsolatedMass %v: must be below 1", e.IsolatedMass)
	}
	return nil
}

// levels returns the kernel sizes of the pyramid from the finest (k) to
// the coarsest, each odd, shrinking by 1/sqrt(2) until about coarsest.
func levels(k, coarsest int) []int {
	ret := math.Sqrt(0.5)
	n := 0
	if k > coarsest {
		n = int(math.Floor(math.Log(float64(coarsest)/float64(k)) / math.Log(ret)))
	}
	sizes := make([]int, n+1)
	for s := range sizes {
		ks := int(math.Ceil(float64(k) * math.Pow(ret, float64(s))))
		if ks%2 == 0 {
			ks++
		}
		sizes[s] = ks
	}
	return sizes
}

// Estimate estimates the blur of y in a frame of the largest of
// job.Frames (31 px when there is none). job.Iterations, when positive,
// replaces the iterations per level; the method draws nothing at random.
func (e Estimator) Estimate(ctx context.Context, y *plane.Plane, job blind.Job) (*blind.Estimate, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	e = e.withDefaults()
	if job.Iterations > 0 {
		e.Iterations = job.Iterations
	}
	k := 31
	if len(job.Frames) > 0 {
		k = slices.Max(job.Frames)
	}
	if k < 3 || k > y.W || k > y.H {
		return nil, fmt.Errorf("l0: %w: a %d px kernel frame does not fit the %dx%d image", blind.ErrImageSize, k, y.W, y.H)
	}
	sizes := levels(k, e.Coarsest)
	start := time.Now()
	total := len(sizes) * e.Iterations
	wi, wg := e.Intensity, e.Gradient
	var ks *plane.Plane
	var x *plane.Plane
	done := 0
	for s := len(sizes) - 1; s >= 0; s-- {
		if ks == nil {
			ks = plane.New(sizes[s], sizes[s])
			c := sizes[s] / 2
			ks.Set(c-1, c, 0.5)
			ks.Set(c, c, 0.5)
		} else {
			ks = resizeKernel(ks, sizes[s])
		}
		ys := shrink(y, math.Pow(math.Sqrt(0.5), float64(s)))
		if ys.W < sizes[s] || ys.H < sizes[s] {
			continue
		}
		for range e.Iterations {
			var err error
			if x, err = latent(ctx, ys, ks, wi, wg); err != nil {
				return nil, err
			}
			next, err := estimateKernel(x, ys, sizes[s], e.Gamma)
			if err != nil {
				return nil, err
			}
			removeIsolated(next, e.IsolatedMass)
			ks = next
			wi, wg = decay(wi, e.Decay, e.Floor), decay(wg, e.Decay, e.Floor)
			done++
			ev := progress.Event{Stage: "l0", Iter: done, Total: total, Loss: math.NaN(), Elapsed: time.Since(start),
				Message: fmt.Sprintf("level %d of %d, %d px", len(sizes)-s, len(sizes), sizes[s])}
			if job.SnapshotEvery > 0 && done%job.SnapshotEvery == 0 {
				ev.Kernel, ev.Image = ks.Clone(), x.Clone()
			}
			progress.Send(job.Recorder, ev)
		}
		ks = centerInFrame(ks)
	}
	peak := 0.0
	for _, v := range ks.Pix {
		peak = max(peak, v)
	}
	for i, v := range ks.Pix {
		if v < peak/e.Threshold {
			ks.Pix[i] = 0
		}
	}
	normalize(ks)
	progress.Send(job.Recorder, progress.Event{Stage: "l0", Iter: done, Total: total, Loss: math.NaN(), Elapsed: time.Since(start), Finished: true})
	est := &blind.Estimate{Kernel: ks, Iterations: done, Settings: e,
		Fits: []blind.Fit{{Seed: job.Seed, Frame: k, Loss: math.NaN(), Sharpness: math.NaN()}}}
	if x != nil && x.W == y.W && x.H == y.H {
		est.Image = x.Clamp(0, 1)
	}
	return est, nil
}

// decay returns the weight w after one iteration: w times d, at least
// floor; a weight of 0 (a term switched off) stays 0.
func decay(w, d, floor float64) float64 {
	if w == 0 {
		return 0
	}
	return max(w*d, floor)
}
