package genprior

import (
	"context"
	"fmt"
	"math"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// Estimator is a deep generative prior as a blind.Estimator: Algorithm 1
// (Deblur) or, with Slack, Algorithm 2 (DeblurSlack), with the generators
// Image and Kernel. It takes a gray image of exactly the image
// generator's size (other images give an error wrapping
// blind.ErrImageSize) and its estimate is for the circular model. The
// zero values of the other fields mean the specification's settings
// (Alg1Defaults, Alg2Defaults).
type Estimator struct {
	Image, Kernel Generator `json:"-"`
	// Slack selects Algorithm 2: the image may leave the generator's
	// range; the estimate's image is then the free image.
	Slack bool
	// Steps is the iteration count (0: the specification's, 6000 or
	// 10000; a job's Iterations when set). Fewer steps cut the step
	// schedule short rather than compressing it.
	Steps int
	// Restarts is the number of random initialisations run as one batch
	// (0: 10).
	Restarts int
	// AsPublished runs Algorithm 2 with the authors' settings
	// (Alg2Defaults: from random latents and a flat grey image, their
	// weights whatever the noise) instead of SlackDefaults.
	AsPublished bool
}

// Name returns "deep-deblur" or, with Slack, "deep-deblur-slack".
func (e Estimator) Name() string {
	if e.Slack {
		return "deep-deblur-slack"
	}
	return "deep-deblur"
}

// Validate reports fields that cannot run.
func (e Estimator) Validate() error {
	switch {
	case e.Image == nil || e.Kernel == nil:
		return fmt.Errorf("genprior: %s needs an image and a kernel generator", e.Name())
	case e.Steps < 0:
		return fmt.Errorf("genprior: Steps %d: must be 0 (the specification's) or positive", e.Steps)
	case e.Restarts < 0:
		return fmt.Errorf("genprior: Restarts %d: must be 0 (10) or positive", e.Restarts)
	}
	return nil
}

// ImageSize returns the width and height of the image generator's output,
// the only size e deblurs.
func (e Estimator) ImageSize() (w, h int) {
	if e.Image == nil {
		return 0, 0
	}
	sh := e.Image.Forward(nil, tensor.New(1, e.Image.LatentDim())).Shape()
	return sh[len(sh)-1], sh[len(sh)-2]
}

// Settings returns the settings of Algorithm 1 (or 2, with Slack) that an
// estimate for job runs with; the other algorithm's are zero.
func (e Estimator) Settings(job blind.Job) (Alg1Settings, Alg2Settings) {
	steps := e.Steps
	if steps == 0 {
		steps = job.Iterations
	}
	if e.Slack {
		s := SlackDefaults()
		if e.AsPublished {
			s = Alg2Defaults()
		}
		if steps > 0 {
			s.Steps = steps
		}
		if e.Restarts > 0 {
			s.Restarts = e.Restarts
		}
		s.Seed, s.Recorder = job.Seed, job.Recorder
		return Alg1Settings{}, s
	}
	s := Alg1Defaults()
	if steps > 0 {
		s.Steps = steps
	}
	if e.Restarts > 0 {
		s.Restarts = e.Restarts
	}
	s.Seed, s.Recorder = job.Seed, job.Recorder
	return s, Alg2Settings{}
}

// Estimate deblurs y with the generators (job.Frames is ignored: the
// kernel generator fixes the frame).
func (e Estimator) Estimate(ctx context.Context, y *plane.Plane, job blind.Job) (*blind.Estimate, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	s1, s2 := e.Settings(job)
	var (
		r        *Result
		err      error
		settings any = s1
	)
	if e.Slack {
		settings = s2
		r, err = DeblurSlack(ctx, imageio.NewGray(y), e.Image, e.Kernel, s2)
	} else {
		r, err = Deblur(ctx, imageio.NewGray(y), e.Image, e.Kernel, s1)
	}
	if r == nil {
		return nil, err
	}
	est := &blind.Estimate{Kernel: r.Kernel, Image: r.Image.Channels[0], Losses: r.Losses, Iterations: r.Iterations, Settings: settings, Circular: true}
	for i, res := range r.Residuals {
		est.Fits = append(est.Fits, blind.Fit{Seed: job.Seed, Frame: r.Kernel.W, Loss: res, Sharpness: math.NaN()})
		if i == r.Best {
			est.Kept = i
		}
	}
	est.Rule = "residual"
	return est, err
}
