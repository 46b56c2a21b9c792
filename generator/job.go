package generator

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/deblur/deblur/mnist"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// ErrJob is wrapped by the errors of Train about the job itself (an
// unknown model, settings out of range, data of the wrong kind), as
// opposed to failures while training.
var ErrJob = errors.New("invalid training job")

// Models lists the models Train trains.
func Models() []string { return []string{"kernel-vae", "digit-vae", "dcgan"} }

// jobDefaults are the per-model defaults of a TrainJob.
var jobDefaults = map[string]struct {
	epochs, batch int
	lr            float64
}{
	"kernel-vae": {epochs: 10, batch: 64, lr: 1e-3},
	"digit-vae":  {epochs: 30, batch: 64, lr: 1e-3},
	"dcgan":      {epochs: 25, batch: 64, lr: 2e-4},
}

// TrainJob is a whole training run, what "deblur train" does: the data
// prepared, the model built (or resumed from a checkpoint), trained and
// summarised. Zero values mean the defaults given in the comments.
type TrainJob struct {
	// Model is "kernel-vae" (28x28 motion-blur kernels synthesised from
	// random camera-shake trajectories), "digit-vae" (the MNIST digits in
	// Data, the last 1,000 held out) or "dcgan" (the images of the folder
	// Data resized to Size, or its MNIST-format files: LoadIDXFolder).
	Model string
	Data  string
	// Kernels is the number of kernels kernel-vae trains on (default
	// 60,000; a third as many more are held out).
	Kernels int
	// Latent and Widths change the architecture (default: the model's;
	// Widths takes 1 value for kernel-vae, 2 for digit-vae, 4 for dcgan).
	Latent int
	Widths []int
	// Channels is dcgan's image channel count, 1 or 3 (default 3).
	Channels int
	// Size is dcgan's image side, 32 or 64 (0: 64); the folder's images
	// are resized to it.
	Size int
	// Classes, for dcgan on an MNIST-format folder (IDX images and
	// labels, e.g. Fashion-MNIST), keeps the images of these labels only;
	// empty: all.
	Classes []int
	// Steps, when positive, is the total step count; otherwise Epochs
	// passes over the data (default: kernel-vae 10, digit-vae 30, dcgan
	// 25).
	Steps, Epochs int
	// Options are the trainer's: Seed (also the initial weights' and
	// kernel-vae's kernels'), Batch (default 64), LR (default 1e-3 for the
	// VAEs, 2e-4 for dcgan), checkpoints, Resume, Recorder. Options.Steps
	// is set from Steps and Epochs.
	Options TrainOptions
}

// TrainSummary describes a finished run.
type TrainSummary struct {
	Model   string          `json:"model"`
	Steps   int             `json:"steps"`
	Samples int             `json:"train_samples"`
	HeldOut int             `json:"held_out_samples"`
	Train   *VAELosses      `json:"train,omitempty"`
	Held    *VAELosses      `json:"held_out,omitempty"`
	GAN     *GANResult      `json:"gan,omitempty"`
	Config  json.RawMessage `json:"config"`
	Seed    uint64          `json:"seed"`
	Batch   int             `json:"batch"`
	LR      float64         `json:"lr"`
}

// Train runs job and returns the trained model (the generator, for dcgan)
// with its summary. With job.Options.Resume it continues the checkpoint's
// run, whose model kind, seed, batch and learning rate must agree with the
// job's (zero values take the checkpoint's). When ctx is cancelled it
// returns the summary so far with ctx.Err(), after writing the checkpoint
// if one is configured.
func Train(ctx context.Context, job TrainJob) (Model, *TrainSummary, error) {
	def, ok := jobDefaults[job.Model]
	if !ok {
		return nil, nil, jobErr("unknown model %q (want %v)", job.Model, Models())
	}
	if err := job.check(); err != nil {
		return nil, nil, err
	}
	opt := job.Options
	opt.Batch = cmp.Or(opt.Batch, def.batch)
	if opt.LR == 0 {
		opt.LR = def.lr
	}
	if err := resumeSettings(&opt, job.Model, job.Options); err != nil {
		return nil, nil, err
	}
	sum := &TrainSummary{Model: job.Model, Seed: opt.Seed, Batch: opt.Batch, LR: opt.LR}
	steps := func(n int) int {
		if job.Steps > 0 {
			return job.Steps
		}
		return cmp.Or(job.Epochs, def.epochs) * max(n/max(opt.Batch, 1), 1)
	}
	var m Model
	var err error
	if job.Model == "dcgan" {
		m, err = job.trainGAN(ctx, opt, steps, sum)
	} else {
		m, err = job.trainVAE(ctx, opt, steps, sum)
	}
	if m != nil {
		sum.Config, _ = json.Marshal(m.config())
	}
	return m, sum, err
}

// check validates the job's own fields.
func (job TrainJob) check() error {
	o := job.Options
	switch {
	case job.Steps < 0 || job.Epochs < 0 || o.Batch < 0 || o.CheckpointEvery < 0:
		return jobErr("steps %d, epochs %d, batch %d and checkpoint interval %d must not be negative", job.Steps, job.Epochs, o.Batch, o.CheckpointEvery)
	case o.LR < 0:
		return jobErr("learning rate %v is negative", o.LR)
	case job.Model != "kernel-vae" && job.Data == "":
		return jobErr("%s needs training data (a directory)", job.Model)
	case job.Model == "kernel-vae" && job.Kernels != 0 && (job.Kernels < 3 || job.Kernels > 1_000_000):
		return jobErr("%d kernels: want 3..1000000", job.Kernels)
	case job.Channels != 0 && job.Channels != 1 && job.Channels != 3:
		return jobErr("%d channels: want 1 or 3", job.Channels)
	case job.Size != 0 && job.Size != 32 && job.Size != 64:
		return jobErr("size %d: want 32 or 64", job.Size)
	}
	return nil
}

// resumeSettings takes the checkpoint's seed, batch and learning rate for
// a resumed run, refusing a model or setting (given in set) that differs.
func resumeSettings(opt *TrainOptions, model string, set TrainOptions) error {
	ck := opt.Resume
	if ck == nil {
		return nil
	}
	if len(ck.Models) == 0 || ck.Models[0].Kind() != model {
		return jobErr("the checkpoint does not hold a %s run", model)
	}
	for name, differs := range map[string]bool{
		"seed":          set.Seed != 0 && set.Seed != ck.Seed,
		"batch":         set.Batch != 0 && set.Batch != ck.Batch,
		"learning rate": set.LR != 0 && set.LR != ck.LR,
	} {
		if differs {
			return jobErr("the %s differs from the checkpoint's; a resumed run keeps its settings", name)
		}
	}
	opt.Seed, opt.Batch, opt.LR = ck.Seed, ck.Batch, ck.LR
	return nil
}

// trainVAE prepares the data of a VAE, builds (or resumes) it and trains.
func (job TrainJob) trainVAE(ctx context.Context, opt TrainOptions, steps func(int) int, sum *TrainSummary) (Model, error) {
	var m VAE
	var train, held *tensor.Tensor
	var err error
	if job.Model == "kernel-vae" {
		cfg := DefaultKernelVAE()
		if err := job.sizes(&cfg.Latent, &cfg.Filters); err != nil {
			return nil, err
		}
		if m, err = resumedVAE(opt.Resume, func() (VAE, error) { return NewKernelVAE(cfg, nn.NewRand(opt.Seed)) }); err != nil {
			return nil, err
		}
		train, held, err = kernelData(opt.Seed, cmp.Or(job.Kernels, 60000))
	} else {
		cfg := DefaultDigitVAE()
		if err := job.sizes(&cfg.Latent, &cfg.Width1, &cfg.Width2); err != nil {
			return nil, err
		}
		if m, err = resumedVAE(opt.Resume, func() (VAE, error) { return NewDigitVAE(cfg, nn.NewRand(opt.Seed)) }); err != nil {
			return nil, err
		}
		train, held, err = digitData(job.Data)
	}
	if err != nil {
		return nil, err
	}
	opt.Steps = steps(train.Dim(0))
	r, err := TrainVAE(ctx, m, train, held, opt)
	sum.Steps, sum.Samples, sum.HeldOut = r.Steps, train.Dim(0), held.Dim(0)
	if err == nil {
		sum.Train, sum.Held = &r.Train, &r.HeldOut
	}
	return m, err
}

// trainGAN loads the image folder, builds (or resumes) the DCGAN and its
// discriminator and trains them.
func (job TrainJob) trainGAN(ctx context.Context, opt TrainOptions, steps func(int) int, sum *TrainSummary) (Model, error) {
	cfg := DefaultDCGAN()
	cfg.Channels = cmp.Or(job.Channels, 3)
	if len(job.Widths) > 0 && len(job.Widths) != 4 {
		return nil, jobErr("dcgan takes 4 widths, got %d", len(job.Widths))
	}
	copy(cfg.Widths[:], job.Widths)
	cfg.Latent = cmp.Or(job.Latent, cfg.Latent)
	cfg.Size = job.Size
	g, d, err := ganModels(opt.Resume, cfg, opt.Seed)
	if err != nil {
		return nil, err
	}
	var imgs *tensor.Tensor
	if hasIDX(job.Data) {
		imgs, err = LoadIDXFolder(job.Data, job.Classes, g.Config().ImageSize(), g.Config().Channels)
	} else if len(job.Classes) > 0 {
		return nil, jobErr("classes %v need an MNIST-format folder (images and labels IDX files); %s has none", job.Classes, job.Data)
	} else {
		imgs, err = LoadImageFolder(job.Data, g.Config().ImageSize(), g.Config().Channels)
	}
	if err != nil {
		return nil, fmt.Errorf("generator: %w: %w", ErrJob, err)
	}
	if opt.Batch > imgs.Dim(0) {
		return nil, jobErr("batch %d is larger than the %d images in %s", opt.Batch, imgs.Dim(0), job.Data)
	}
	opt.Steps = steps(imgs.Dim(0))
	r, err := TrainGAN(ctx, g, d, imgs, opt)
	sum.Steps, sum.Samples = r.Steps, imgs.Dim(0)
	if err == nil {
		sum.GAN = &r
	}
	return g, err
}

// sizes applies the job's Latent and Widths to a VAE configuration.
func (job TrainJob) sizes(latent *int, widths ...*int) error {
	*latent = cmp.Or(job.Latent, *latent)
	if len(job.Widths) == 0 {
		return nil
	}
	if len(job.Widths) != len(widths) {
		return jobErr("%s takes %d widths, got %d", job.Model, len(widths), len(job.Widths))
	}
	if slices.Min(job.Widths) < 1 {
		return jobErr("widths %v must be positive", job.Widths)
	}
	for i, w := range widths {
		*w = job.Widths[i]
	}
	return nil
}

// resumedVAE returns the checkpoint's VAE when resuming, else a new one.
func resumedVAE(ck *Checkpoint, build func() (VAE, error)) (VAE, error) {
	if ck == nil {
		m, err := build()
		if err != nil {
			return nil, fmt.Errorf("generator: %w: %w", ErrJob, err)
		}
		return m, nil
	}
	v, ok := ck.Models[0].(VAE)
	if !ok {
		return nil, jobErr("the checkpoint's %s is not a VAE", ck.Models[0].Kind())
	}
	return v, nil
}

// ganModels returns the checkpoint's DCGAN and discriminator when
// resuming, else new ones drawn from seed.
func ganModels(ck *Checkpoint, cfg DCGANConfig, seed uint64) (*DCGAN, *Discriminator, error) {
	if ck != nil {
		g, okG := ck.Models[0].(*DCGAN)
		var d *Discriminator
		okD := len(ck.Models) == 2
		if okD {
			d, okD = ck.Models[1].(*Discriminator)
		}
		if !okG || !okD {
			return nil, nil, jobErr("the checkpoint does not hold a DCGAN and its discriminator")
		}
		return g, d, nil
	}
	rng := nn.NewRand(seed)
	g, err := NewDCGAN(cfg, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("generator: %w: %w", ErrJob, err)
	}
	d, err := NewDiscriminator(cfg, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("generator: %w: %w", ErrJob, err)
	}
	return g, d, nil
}

// kernelData synthesises n training kernels and n/3 held-out ones (drawn
// after them) from a random stream of seed apart from the weights'.
func kernelData(seed uint64, n int) (train, held *tensor.Tensor, err error) {
	rng := rand.New(rand.NewPCG(seed, 0x6b65726e656c73)) // "kernels"
	if train, err = SynthKernels(rng, n); err != nil {
		return nil, nil, err
	}
	held, err = SynthKernels(rng, n/3)
	return train, held, err
}

// digitData reads the MNIST directory and holds out its last 1,000 images
// (a tenth of a smaller set; see mnist.Set.HoldOut).
func digitData(dir string) (train, held *tensor.Tensor, err error) {
	s, err := mnist.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("generator: %w: %w", ErrJob, err)
	}
	if s.H != DigitSize || s.W != DigitSize || s.N < 10 {
		return nil, nil, jobErr("%s holds %d images of %dx%d; want at least 10 of 28x28", dir, s.N, s.W, s.H)
	}
	a, b := s.HoldOut()
	return MNISTTensor(a), MNISTTensor(b), nil
}

func jobErr(format string, a ...any) error {
	return fmt.Errorf("generator: %w: "+format, append([]any{ErrJob}, a...)...)
}
