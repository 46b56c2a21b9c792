// Package blind is the contract between deblur's pipeline and the blind
// kernel estimators: the Estimator interface the pipeline calls, the Job
// it hands an estimator and the Estimate it gets back. SelfDeblur
// (selfdeblur.Estimator) and the deep generative priors
// (genprior.Estimator) implement it; so can a caller's own method.
package blind

import (
	"context"
	"errors"
	"math"

	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
)

// Errors estimators wrap; test with errors.Is.
var (
	// ErrDiverged: the optimisation diverged (a loss or parameter is not
	// finite). The estimate returned with it, if any, is the last finite
	// one.
	ErrDiverged = errors.New("optimisation diverged")
	// ErrImageSize: the image's size does not suit the method, e.g. too
	// small for the kernel frame and the image network, or not the size a
	// generative prior makes.
	ErrImageSize = errors.New("image size does not suit the method")
)

// Estimator estimates the blur kernel of a gray image.
type Estimator interface {
	// Name identifies the method in plans and reports, e.g. "selfdeblur".
	Name() string
	// Estimate estimates the convolution kernel of the blur of y (values
	// in [0, 1]) as job says. When ctx is cancelled it returns the
	// estimate reached so far, if any, with ctx.Err(). Errors that callers
	// must tell apart wrap the sentinels of this package.
	Estimate(ctx context.Context, y *plane.Plane, job Job) (*Estimate, error)
}

// Job is what the pipeline asks of an estimator. The zero Job leaves every
// choice to the estimator.
type Job struct {
	// Frames lists the kernel frame (an odd side, in pixels) of each fit:
	// an estimator that runs several fits (restarts) runs one per frame
	// and keeps the best by its own rule; one that runs a single fit uses
	// the largest. Empty: the estimator's own frame.
	Frames []int
	// Iterations, when positive, replaces the estimator's iteration count
	// (its schedule scaled to match).
	Iterations int
	// Seed fixes every random draw; fit i uses Seed + i.
	Seed uint64
	// Concurrency is how many fits run at once; 0 lets the estimator
	// decide. Threads is how many goroutines the matrix products of one
	// fit use; 0 lets the estimator decide. Neither changes the result.
	Concurrency, Threads int
	// Recorder receives progress; it may be nil.
	Recorder progress.Recorder
	// SnapshotEvery, when positive, asks for the current kernel and image
	// on a progress event every that many iterations (progress.Event's
	// Kernel and Image), for a live view; estimators that cannot may
	// ignore it.
	SnapshotEvery int
}

// Estimate is an estimator's answer.
type Estimate struct {
	// Kernel is the estimated blur as a convolution kernel (blurry =
	// Kernel convolved with sharp), non-negative, summing to 1, in the
	// frame of the fit kept.
	Kernel *plane.Plane
	// Image is the estimator's own sharp image of y (y's size), or nil.
	Image *plane.Plane
	// Losses is the objective at every iteration of the fit kept.
	Losses []float64
	// Iterations is the number of iterations done (fewer than planned
	// when cancelled).
	Iterations int
	// Fits describes every fit in order; Kept indexes the one returned.
	Fits []Fit
	Kept int
	// Rule names how the fit was chosen ("sharpest", "objective"; empty
	// for a single fit).
	Rule string
	// Settings are the estimator's settings as run, for the report.
	Settings any
	// Circular says the kernel is for circular convolution, centred on
	// the frame (the generative priors' model), rather than the linear
	// model of photographs: it is used as it is, neither moved nor
	// trimmed.
	Circular bool
}

// Fit is one fit of an estimate.
type Fit struct {
	Seed  uint64 // the fit's seed
	Frame int    // its kernel frame
	// Loss is its final objective, Sharpness the normalised gradient
	// sparsity of its image (lower is sharper); NaN for a failed fit.
	Loss, Sharpness float64
	// PolishLoss is the objective after a kernel polish, 0 without one.
	PolishLoss float64
	// Kernel is the fit's kernel in its frame, nil for a failed fit.
	Kernel *plane.Plane
}

// FinalLoss returns the last of e's losses, or NaN when there is none.
func (e *Estimate) FinalLoss() float64 {
	if e == nil || len(e.Losses) == 0 {
		return math.NaN()
	}
	return e.Losses[len(e.Losses)-1]
}
