package generator

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/deblur/deblur/tensor"
)

// GANResult is the outcome of TrainGAN.
type GANResult struct {
	Steps   int           `json:"steps"`
	Elapsed time.Duration `json:"-"`
	// DLoss and GLoss are the discriminator's and the generator's losses
	// averaged over the last (up to) 50 steps.
	DLoss float64 `json:"d_loss"`
	GLoss float64 `json:"g_loss"`
}

// TrainGAN trains the DCGAN generator g against the discriminator d on
// images data (N x Channels x Size x Size, values in [0, 1]; mapped to [-1, 1]
// for the tanh output) with the standard DCGAN recipe: Adam with betas 0.5
// and 0.999 for both networks, and per step one discriminator update on a
// real and a generated batch (binary cross-entropy, real = 1, fake = 0)
// followed by one generator update with the non-saturating loss
// -log D(G(z)). z ~ N(0, I). The Recorder's Loss is D + G loss.
//
// Cancellation and checkpoints work as in TrainVAE; the checkpoint holds
// both networks and both optimisers.
func TrainGAN(ctx context.Context, g *DCGAN, d *Discriminator, data *tensor.Tensor, opt TrainOptions) (GANResult, error) {
	if g.cfg != d.cfg {
		return GANResult{}, fmt.Errorf("generator: DCGAN %+v trained against a discriminator for %+v", g.cfg, d.cfg)
	}
	c, size := g.cfg.Channels, g.cfg.ImageSize()
	if s := data.Shape(); len(s) != 4 || s[1] != c || s[2] != size || s[3] != size {
		return GANResult{}, fmt.Errorf("generator: DCGAN of %d channels trained on data of shape %v, want N x %d x %d x %d", c, s, c, size, size)
	}
	l, err := newLoop("train dcgan", []Model{g, d}, 0.5, data.Dim(0), opt)
	if err != nil {
		return GANResult{}, err
	}
	per := c * size * size
	real := tensor.New(opt.Batch, c, size, size)
	ones, zeros := tensor.New(opt.Batch, 1), tensor.New(opt.Batch, 1)
	for i := range ones.Data {
		ones.Data[i] = 1
	}
	tpG, tpD := tensor.NewTape(), tensor.NewTape()
	tpG.Threads, tpD.Threads = runtime.GOMAXPROCS(0), runtime.GOMAXPROCS(0)
	optG, optD := l.adams[0], l.adams[1]
	var res GANResult
	var recentD, recentG []float64
	for s := l.start; s < opt.Steps; s++ {
		if err := ctx.Err(); err != nil {
			res.Steps, res.Elapsed = s, time.Since(l.began)
			return res, l.stop(s, err)
		}
		for i, k := range l.batch(s) {
			src, dst := data.Data[k*per:(k+1)*per], real.Data[i*per:(i+1)*per]
			for j, v := range src {
				dst[j] = 2*v - 1
			}
		}
		z := l.normal(opt.Batch, g.cfg.Latent)
		tpG.Reset()
		fake := g.forward(tpG, z, true)

		// Discriminator: real -> 1, generated (detached) -> 0.
		tpD.Reset()
		optD.ZeroGrad()
		lossD := tensor.Add(tpD,
			tensor.BCEWithLogits(tpD, d.Forward(tpD, real), ones),
			tensor.BCEWithLogits(tpD, d.Forward(tpD, fake.Clone()), zeros))
		if err := tpD.Backward(lossD); err != nil {
			return res, err
		}
		optD.Step(1)

		// Generator: make the updated discriminator call the fakes real.
		optG.ZeroGrad()
		lossG := tensor.BCEWithLogits(tpG, d.Forward(tpG, fake), ones)
		if err := tpG.Backward(lossG); err != nil {
			return res, err
		}
		optG.Step(1)

		ld, lg := float64(lossD.Item()), float64(lossG.Item())
		if math.IsNaN(ld) || math.IsNaN(lg) {
			res.Steps, res.Elapsed = s, time.Since(l.began)
			return res, fmt.Errorf("generator: DCGAN training diverged at step %d", s+1)
		}
		recentD, recentG = appendRecent(recentD, ld), appendRecent(recentG, lg)
		if err := l.done(s, ld+lg, fmt.Sprintf("last batch: D %.4g G %.4g", ld, lg)); err != nil {
			return res, err
		}
	}
	res.Steps, res.Elapsed = opt.Steps, time.Since(l.began)
	res.DLoss, res.GLoss = mean(recentD), mean(recentG)
	if err := l.stop(opt.Steps, nil); err != nil {
		return res, err
	}
	SetTrainable(g, false)
	SetTrainable(d, false)
	return res, nil
}

func appendRecent(r []float64, v float64) []float64 {
	if len(r) == 50 {
		r = r[1:]
	}
	return append(r, v)
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(max(len(v), 1))
}
