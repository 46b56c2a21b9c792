package selfdeblur

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
)

// Result is the outcome of a run.
type Result struct {
	// Image is the deblurred image, the same size as the input, values in [0, 1].
	Image *plane.Plane
	// Extended is the full generator output, K-1 larger in each dimension.
	Extended *plane.Plane
	// Kernel is the estimated K x K blur kernel as a convolution kernel
	// (blurry = Kernel convolved with the image; the network itself
	// computes a correlation with Kernel rotated by 180 degrees). It is
	// non-negative and sums to 1.
	Kernel     *plane.Plane
	Losses     []float64 // objective at every iteration done (perturbed input)
	Iterations int       // iterations done (fewer than asked when cancelled)
	Elapsed    time.Duration
	// PolishLoss is, with Settings.PolishIterations, the objective of the
	// polished kernel against the frozen, unperturbed image; 0 otherwise.
	PolishLoss float64
	// Seed is the seed of the fit returned (with Restarts, the chosen one).
	Seed uint64
	// RestartLosses holds, with Restarts above 1, every fit's final
	// objective in seed order (NaN for a fit that failed); nil otherwise.
	RestartLosses []float64
	// RestartSharpness holds, with Restarts above 1, every fit's
	// GradientSparsity of its image in seed order (lower is sharper; NaN
	// for a fit that diverged); nil otherwise.
	RestartSharpness []float64
	// RestartKernels holds, with Restarts above 1, every fit's kernel in
	// seed order (nil for a fit that failed); nil otherwise.
	RestartKernels []*plane.Plane
	// Picked is, with Restarts above 1, the rule that chose among the fits
	// (Settings.Pick resolved: PickSharpest or PickObjective); PickAuto
	// otherwise.
	Picked Pick
}

// Run deblurs y (values in [0, 1]). When ctx is cancelled, Run stops after
// the current iteration and returns the result so far together with the
// context's error; on divergence it returns the last finite result with
// an error wrapping blind.ErrDiverged. With s.Restarts above 1 it runs the fits concurrently (see
// runRestarts).
func Run(ctx context.Context, y *plane.Plane, s Settings) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Restarts > 1 {
		return runRestarts(ctx, y, s)
	}
	k := s.KernelSize
	if k > y.W || k > y.H {
		return nil, fmt.Errorf("selfdeblur: %w: kernel size %d larger than the %dx%d image", blind.ErrImageSize, k, y.W, y.H)
	}
	ew, eh := y.W+k-1, y.H+k-1
	if m := s.Gx.MinSize(); ew < m || eh < m {
		return nil, fmt.Errorf("selfdeblur: %w: image %dx%d with kernel %d is too small for the image network (needs %d + kernel size - 1 >= %d)", blind.ErrImageSize, y.W, y.H, k, min(y.W, y.H), m)
	}
	for _, sc := range s.Scales {
		w, h, kc := y.W/sc.Shrink, y.H/sc.Shrink, coarseKernelSize(k, 1/float64(sc.Shrink))
		if m := s.Gx.MinSize(); w+kc-1 < m || h+kc-1 < m {
			return nil, fmt.Errorf("selfdeblur: %w: scale 1/%d of a %dx%d image is too small for the image network (%dx%d + kernel %d - 1 < %d)", blind.ErrImageSize, sc.Shrink, y.W, y.H, w, h, kc, m)
		}
	}
	tvWeight := s.TVWeight
	if s.Loss == LossMSETV && tvWeight == 0 {
		tvWeight = 0.1 * estimateNoise(y)
	}
	p, err := newProblem(y, s)
	if err != nil {
		return nil, err
	}
	res := &Result{Seed: s.Seed}
	start := time.Now()
	sched := nn.MultiStep{Milestones: s.Milestones, Gamma: s.LRGamma}
	every := s.ReportEvery
	if every <= 0 {
		every = 10
	}
	var runErr error
	for it := 0; it < s.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		useSSIM := s.Loss == LossMSEThenSSIM && it >= s.SSIMFrom
		if s.share != nil {
			p.tp.Threads = s.share.threads()
		}
		loss := p.step(it, sched.Factor(it), useSSIM, float32(tvWeight))
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			runErr = fmt.Errorf("selfdeblur: %w (loss not finite) at iteration %d", blind.ErrDiverged, it+1)
			break
		}
		p.snapshot()
		res.Losses = append(res.Losses, loss)
		res.Iterations = it + 1
		if (it+1)%every == 0 && it+1 < s.Iterations { // the last one is the Finished report below
			progress.Send(s.Recorder, progress.Event{Stage: "selfdeblur", Iter: it + 1, Total: s.Iterations, Loss: loss, Elapsed: time.Since(start)})
		}
		if s.SnapshotEvery > 0 && s.Recorder != nil && (it+1)%s.SnapshotEvery == 0 {
			_, img, k := p.outputs(p.stageAt(it))
			s.Recorder.Record(progress.Event{Stage: "selfdeblur", Iter: it + 1, Total: s.Iterations, Loss: loss, Elapsed: time.Since(start), Kernel: k, Image: img})
		}
	}
	if runErr == nil && s.PolishIterations > 0 {
		useSSIM := s.Loss == LossMSEThenSSIM && s.Iterations > s.SSIMFrom
		if v := p.polish(ctx, s.PolishIterations, s.LRKernel*sched.Factor(s.Iterations-1), useSSIM); !math.IsNaN(v) {
			res.PolishLoss = v
		}
		p.snapshot() // finish restores the snapshot: keep the polished kernel
	}
	p.finish(res)
	res.Elapsed = time.Since(start)
	progress.Send(s.Recorder, progress.Event{Stage: "selfdeblur", Iter: res.Iterations, Total: s.Iterations, Loss: lastOr(res.Losses, math.NaN()), Elapsed: res.Elapsed, Finished: true})
	return res, runErr
}

func lastOr(v []float64, def float64) float64 {
	if len(v) == 0 {
		return def
	}
	return v[len(v)-1]
}
