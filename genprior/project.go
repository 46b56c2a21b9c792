package genprior

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/tensor"
)

// ProjectSettings configures Project.
type ProjectSettings struct {
	Steps    int     // Adam iterations
	Restarts int     // R random initialisations z ~ N(0, I), run as one batch
	LR       float64 // Adam learning rate
	Seed     uint64  // fixes every random draw

	Recorder    progress.Recorder `json:"-"` // receives progress; may be nil
	ReportEvery int               `json:"-"` // iterations between reports (default 10)
}

// ProjectDefaults returns 1000 Adam steps at learning rate 0.05 from 10
// restarts.
func ProjectDefaults() ProjectSettings {
	return ProjectSettings{Steps: 1000, Restarts: 10, LR: 0.05, Seed: 1}
}

// Validate reports settings that cannot run.
func (s ProjectSettings) Validate() error {
	switch {
	case s.Steps < 1:
		return fmt.Errorf("genprior: projection: %d steps", s.Steps)
	case s.Restarts < 1:
		return fmt.Errorf("genprior: projection: %d restarts", s.Restarts)
	case !(s.LR > 0):
		return fmt.Errorf("genprior: projection: learning rate %v must be positive", s.LR)
	}
	return nil
}

// Projection is the outcome of Project.
type Projection struct {
	// Image is G(z) of the chosen restart, clipped to [0, 1].
	Image *imageio.Image
	// Latent is the chosen restart's z.
	Latent []float32
	// Errors holds, per restart, the final ||G(z) - x||^2 (sum over pixels
	// and channels).
	Errors     []float64
	Best       int // index of the chosen restart, the smallest error
	Iterations int // iterations done
	Elapsed    time.Duration
}

// Project finds the point of the image generator's range nearest to x (the
// channels and size of gi's outputs): it minimises ||G(z) - x||^2 over z
// with Adam from Restarts random starts and keeps the restart with the
// least final error. The benchmark's "image in the generator's range" row
// of the paper starts from such a projection of a test image.
//
// Cancellation and divergence behave as for Deblur.
func Project(ctx context.Context, x *imageio.Image, gi Generator, s ProjectSettings) (*Projection, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if gi == nil || gi.LatentDim() < 1 {
		return nil, fmt.Errorf("genprior: projection needs an image generator with a positive latent dimension")
	}
	sh := gi.Forward(nil, tensor.New(1, gi.LatentDim())).Shape()
	if len(sh) != 4 || sh[0] != 1 {
		return nil, fmt.Errorf("genprior: image generator gives shape %v for one latent, want 1 x C x H x W", sh)
	}
	c, h, w, r := sh[1], sh[2], sh[3], s.Restarts
	if x == nil || len(x.Channels) != c {
		return nil, fmt.Errorf("genprior: projection of an image without the generator's %d channels", c)
	}
	target := tensor.New(r, c, h, w)
	for ch, p := range x.Channels {
		if p == nil || p.W != w || p.H != h || len(p.Pix) != w*h {
			return nil, fmt.Errorf("genprior: image channel %d is not %dx%d, the image generator's size", ch, w, h)
		}
		for i, v := range p.Pix {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("genprior: image channel %d has a non-finite sample", ch)
			}
			for n := 0; n < r; n++ {
				target.Data[(n*c+ch)*w*h+i] = float32(v)
			}
		}
	}
	z := tensor.NewParam(r, gi.LatentDim())
	nn.Normal(nn.NewRand(s.Seed), z, 0, 1)
	opt := nn.NewAdam(nn.Group{Params: []*tensor.Tensor{z}, LR: s.LR})
	tp := tensor.NewTape()
	snap := newSnapshot(z)
	every := reportEvery(s.ReportEvery)
	res := &Projection{}
	start := time.Now()
	var runErr error
	for it := 0; it < s.Steps; it++ {
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		snap.save()
		tp.Reset()
		opt.ZeroGrad()
		l := sumSq(tp, gi.Forward(tp, z), target)
		if err := tp.Backward(l); err != nil {
			return nil, fmt.Errorf("genprior: projection: %w", err)
		}
		loss := float64(l.Item())
		opt.Step(1)
		if !finite(loss, z) {
			snap.restore()
			runErr = fmt.Errorf("genprior: %w (objective not finite) at iteration %d", blind.ErrDiverged, it+1)
			break
		}
		res.Iterations = it + 1
		if (it+1)%every == 0 && it+1 < s.Steps {
			progress.Send(s.Recorder, progress.Event{Stage: "project", Iter: it + 1, Total: s.Steps, Loss: loss, Elapsed: time.Since(start)})
		}
	}
	tp.Reset()
	g := gi.Forward(nil, z)
	m := c * h * w
	res.Errors = make([]float64, r)
	for n := range res.Errors {
		e := 0.0
		for i, v := range g.Data[n*m : (n+1)*m] {
			d := float64(v) - float64(target.Data[n*m+i])
			e += d * d
		}
		res.Errors[n] = e
	}
	res.Best = argmin(res.Errors)
	res.Latent = append([]float32(nil), z.Data[res.Best*gi.LatentDim():(res.Best+1)*gi.LatentDim()]...)
	res.Image = &imageio.Image{}
	for ch := 0; ch < c; ch++ {
		p := plane.New(w, h)
		for i, v := range g.Data[(res.Best*c+ch)*w*h : (res.Best*c+ch+1)*w*h] {
			p.Pix[i] = float64(v)
		}
		res.Image.Channels = append(res.Image.Channels, p.Clamp(0, 1))
	}
	res.Elapsed = time.Since(start)
	progress.Send(s.Recorder, progress.Event{Stage: "project", Iter: res.Iterations, Total: s.Steps, Loss: res.Errors[res.Best], Elapsed: res.Elapsed, Finished: true})
	return res, runErr
}
