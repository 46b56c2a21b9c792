package bench

import (
	"context"
	"fmt"

	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
)

// DeepDeblur returns a BlindFunc running Algorithm 1 of the deep generative
// priors method (genprior.Deblur) with the frozen image generator gi, the
// kernel generator gk and the settings s (its Recorder is replaced by the
// runner's). The blurry image must have gi's size; the kernel size argument
// is ignored, since gk fixes it.
func DeepDeblur(gi, gk genprior.Generator, s genprior.Alg1Settings) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, _ int, rec progress.Recorder) (BlindResult, error) {
		s.Recorder = rec
		r, err := genprior.Deblur(ctx, imageio.NewGray(y), gi, gk, s)
		if err != nil {
			return BlindResult{}, err
		}
		return BlindResult{Image: r.Image.Channels[0], Kernel: r.Kernel}, nil
	}
}

// DeepDeblurSlack is DeepDeblur for Algorithm 2 (genprior.DeblurSlack); the
// image is the free image i.
func DeepDeblurSlack(gi, gk genprior.Generator, s genprior.Alg2Settings) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, _ int, rec progress.Recorder) (BlindResult, error) {
		s.Recorder = rec
		r, err := genprior.DeblurSlack(ctx, imageio.NewGray(y), gi, gk, s)
		if err != nil {
			return BlindResult{}, err
		}
		return BlindResult{Image: r.Image.Channels[0], Kernel: r.Kernel}, nil
	}
}

// RangeReference returns the paper's reference row "deblurring an image
// already in the generator's range": the case's sharp image is projected
// onto gi's range (genprior.Project with p), the projection is blurred
// with the case's kernel and noise (Sample.Degrade), and Algorithm 1 with
// s deblurs it. The output is scored against the projection, its own
// ground truth. The case must come from a synthesised dataset (MNIST).
func RangeReference(gi, gk genprior.Generator, p genprior.ProjectSettings, s genprior.Alg1Settings) ReferenceFunc {
	return func(ctx context.Context, smp *Sample, rec progress.Recorder) (*imageio.Image, *plane.Plane, *imageio.Image, error) {
		if smp.Degrade == nil {
			return nil, nil, nil, fmt.Errorf("the range row needs a synthesised dataset (its cases re-blur the projected image)")
		}
		p.Recorder = rec
		proj, err := genprior.Project(ctx, smp.Sharp, gi, p)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("projection onto the generator's range: %w", err)
		}
		y, err := smp.Degrade(proj.Image)
		if err != nil {
			return nil, nil, nil, err
		}
		s.Recorder = rec
		r, err := genprior.Deblur(ctx, y, gi, gk, s)
		if err != nil {
			return nil, nil, nil, err
		}
		return r.Image, r.Kernel, proj.Image, nil
	}
}
