package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/mnist"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/tensor"
)

// trainDefaults are the per-model defaults of "deblur train".
var trainDefaults = map[string]struct {
	epochs, batch int
	lr            float64
}{
	"kernel-vae": {epochs: 10, batch: 64, lr: 1e-3},
	"digit-vae":  {epochs: 30, batch: 64, lr: 1e-3},
	"dcgan":      {epochs: 25, batch: 64, lr: 2e-4},
}

// trainOutput is the JSON object "deblur train" prints when it finishes.
type trainOutput struct {
	Model   string                `json:"model"`
	Out     string                `json:"out"`
	Steps   int                   `json:"steps"`
	Seconds float64               `json:"seconds"` // wall time of this invocation
	Samples int                   `json:"train_samples"`
	HeldOut int                   `json:"held_out_samples"`
	Train   *generator.VAELosses  `json:"train,omitempty"`
	Held    *generator.VAELosses  `json:"held_out,omitempty"`
	GAN     *generator.GANResult  `json:"gan,omitempty"`
	Config  json.RawMessage       `json:"config"`
	Options trainOptionsForOutput `json:"options"`
}

type trainOptionsForOutput struct {
	Seed  uint64  `json:"seed"`
	Batch int     `json:"batch"`
	LR    float64 `json:"lr"`
}

func runTrain(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	out := fs.String("out", "", "weights `FILE` to write (default MODEL.dbw)")
	seed := fs.Uint64("seed", 1, "random `SEED`: initial weights, data order, noise (kernel-vae: also its kernels)")
	steps := fs.Int("steps", 0, "total optimisation `STEPS` (overrides -epochs)")
	epochs := fs.Int("epochs", 0, "training `EPOCHS` (default: kernel-vae 10, digit-vae 30, dcgan 25)")
	batch := fs.Int("batch", 0, "batch `SIZE` (default 64)")
	lr := fs.Float64("lr", 0, "Adam learning `RATE` (default: VAEs 1e-3, dcgan 2e-4)")
	ckPath := fs.String("checkpoint", "", "checkpoint `FILE`: written every -every steps, on Ctrl-C and at the end")
	every := fs.Int("every", 500, "steps between checkpoints (0: only on Ctrl-C and at the end)")
	resume := fs.Bool("resume", false, "continue the run saved in -checkpoint (same seed, batch and lr)")
	data := fs.String("data", "", "training data `DIR`: the MNIST directory (digit-vae) or a folder of images (dcgan)")
	n := fs.Int("n", 60000, "kernel-vae: training kernels to synthesise (n/3 more are held out)")
	latent := fs.Int("latent", 0, "latent size (default: kernel-vae 50, digit-vae 20, dcgan 100)")
	widths := fs.String("widths", "", "comma-separated `WIDTHS`: kernel-vae 1 (default 20), digit-vae 2 (32,64), dcgan 4 (512,256,128,64)")
	channels := fs.Int("channels", 3, "dcgan: image channels, 1 (gray) or 3 (RGB)")
	quiet := fs.Bool("q", false, "quiet: no progress output")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur train [flags] kernel-vae|digit-vae|dcgan")
		fmt.Fprintln(w, "\nTrains a generator of the deep generative priors method and writes its weights")
		fmt.Fprintln(w, "(docs/deep-generative-priors.md; the file format is in package generator):")
		fmt.Fprintln(w, "  kernel-vae  VAE of 28x28 motion-blur kernels, on -n kernels synthesised from")
		fmt.Fprintln(w, "              random camera-shake trajectories (n/3 more held out)")
		fmt.Fprintln(w, "  digit-vae   VAE of 28x28 MNIST digits from -data (the last 1,000 held out:")
		fmt.Fprintln(w, "              of the shipped 10,000, the first 9,000 train)")
		fmt.Fprintln(w, "  dcgan       DCGAN generator of 64x64 images from the image folder -data")
		fmt.Fprintln(w, "Prints a JSON summary (steps, time, losses) when done. Ctrl-C stops after the")
		fmt.Fprintln(w, "current step and, with -checkpoint, saves the run for -resume.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, help, err := parseCommand(fs, args, 1, "one model (kernel-vae, digit-vae or dcgan)")
	if help || err != nil {
		return err
	}
	model := pos[0]
	def, ok := trainDefaults[model]
	if !ok {
		return usagef("train: unknown model %q (kernel-vae, digit-vae or dcgan)", model)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *steps < 0 || *epochs < 0 || *batch < 0 || *every < 0:
		return usagef("train: -steps, -epochs, -batch and -every must not be negative")
	case *lr < 0:
		return usagef("train: -lr %v is negative", *lr)
	case *resume && *ckPath == "":
		return usagef("train: -resume needs -checkpoint")
	case model != "kernel-vae" && *data == "":
		return usagef("train: %s needs -data", model)
	case model == "kernel-vae" && (*n < 3 || *n > 1_000_000):
		return usagef("train: -n %d: must be in 3..1000000", *n)
	}
	if *out == "" {
		*out = model + ".dbw"
	}
	ws, err := parseWidths(*widths)
	if err != nil {
		return err
	}

	opt := generator.TrainOptions{Seed: *seed, Batch: def.batch, LR: def.lr, Checkpoint: *ckPath, CheckpointEvery: *every}
	if *batch > 0 {
		opt.Batch = *batch
	}
	if *lr > 0 {
		opt.LR = *lr
	}
	var ck *generator.Checkpoint
	if *resume {
		if ck, err = readCheckpointFile(*ckPath); err != nil {
			return err
		}
		if ck.Models[0].Kind() != model {
			return usagef("train: %s holds a %s run, not %s", *ckPath, ck.Models[0].Kind(), model)
		}
		for name, differs := range map[string]bool{"seed": ck.Seed != opt.Seed, "batch": ck.Batch != opt.Batch, "lr": ck.LR != opt.LR} {
			if set[name] && differs {
				return usagef("train: -%s differs from the checkpoint's; a resumed run keeps its settings", name)
			}
		}
		opt.Seed, opt.Batch, opt.LR, opt.Resume = ck.Seed, ck.Batch, ck.LR, ck
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if !*quiet {
		opt.Recorder = &trainPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	began := time.Now()
	res := trainOutput{Model: model, Out: *out, Options: trainOptionsForOutput{opt.Seed, opt.Batch, opt.LR}}
	var trained generator.Model
	switch model {
	case "kernel-vae", "digit-vae":
		var m generator.VAE
		var train, held *tensor.Tensor
		if model == "kernel-vae" {
			cfg := generator.DefaultKernelVAE()
			if err := setSizes(&cfg.Latent, *latent, ws, &cfg.Filters); err != nil {
				return err
			}
			if m, err = resumedOr(ck, func() (generator.Model, error) { return generator.NewKernelVAE(cfg, nn.NewRand(opt.Seed)) }); err != nil {
				return err
			}
			if train, held, err = kernelData(opt.Seed, *n); err != nil {
				return err
			}
		} else {
			cfg := generator.DefaultDigitVAE()
			if err := setSizes(&cfg.Latent, *latent, ws, &cfg.Width1, &cfg.Width2); err != nil {
				return err
			}
			if m, err = resumedOr(ck, func() (generator.Model, error) { return generator.NewDigitVAE(cfg, nn.NewRand(opt.Seed)) }); err != nil {
				return err
			}
			if train, held, err = digitData(*data); err != nil {
				return err
			}
		}
		opt.Steps = trainSteps(*steps, *epochs, def.epochs, train.Dim(0), opt.Batch)
		r, err := generator.TrainVAE(ctx, m, train, held, opt)
		if err != nil {
			return trainErr(err, r.Steps, *ckPath)
		}
		res.Steps, res.Train, res.Held = r.Steps, &r.Train, &r.HeldOut
		res.Samples, res.HeldOut = train.Dim(0), held.Dim(0)
		trained = m
	case "dcgan":
		cfg := generator.DefaultDCGAN()
		cfg.Channels = *channels
		if len(ws) > 0 && len(ws) != 4 {
			return usagef("train: dcgan takes 4 -widths, got %d", len(ws))
		}
		copy(cfg.Widths[:], ws)
		if *latent > 0 {
			cfg.Latent = *latent
		}
		g, d, err := ganModels(ck, cfg, opt.Seed)
		if err != nil {
			return err
		}
		imgs, err := generator.LoadImageFolder(*data, generator.DCGANSize, g.Config().Channels)
		if err != nil {
			return usageError{err}
		}
		opt.Steps = trainSteps(*steps, *epochs, def.epochs, imgs.Dim(0), opt.Batch)
		if opt.Batch > imgs.Dim(0) {
			return usagef("train: batch %d is larger than the %d images in %s", opt.Batch, imgs.Dim(0), *data)
		}
		r, err := generator.TrainGAN(ctx, g, d, imgs, opt)
		if err != nil {
			return trainErr(err, r.Steps, *ckPath)
		}
		res.Steps, res.GAN, res.Samples = r.Steps, &r, imgs.Dim(0)
		trained = g
	}
	if err := atomicfile.Write(*out, func(w io.Writer) error { return generator.Save(w, trained) }); err != nil {
		return err
	}
	res.Seconds = time.Since(began).Seconds()
	res.Config = configOf(trained)
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// configOf returns the model's architecture settings as JSON.
func configOf(m generator.Model) json.RawMessage {
	var c any
	switch m := m.(type) {
	case *generator.KernelVAE:
		c = m.Config()
	case *generator.DigitVAE:
		c = m.Config()
	case *generator.DCGAN:
		c = m.Config()
	}
	b, _ := json.Marshal(c)
	return b
}

func parseWidths(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var ws []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, usagef("train: -widths %q: want positive integers separated by commas", s)
		}
		ws = append(ws, v)
	}
	return ws, nil
}

// setSizes applies -latent and -widths to a VAE config.
func setSizes(lat *int, latent int, ws []int, widths ...*int) error {
	if latent > 0 {
		*lat = latent
	}
	if len(ws) == 0 {
		return nil
	}
	if len(ws) != len(widths) {
		return usagef("train: this model takes %d -widths, got %d", len(widths), len(ws))
	}
	for i, w := range widths {
		*w = ws[i]
	}
	return nil
}

// resumedOr returns the checkpoint's VAE when resuming, else a new one.
func resumedOr(ck *generator.Checkpoint, build func() (generator.Model, error)) (generator.VAE, error) {
	m := generator.Model(nil)
	var err error
	if ck != nil {
		m = ck.Models[0]
	} else if m, err = build(); err != nil {
		return nil, usageError{err}
	}
	v, ok := m.(generator.VAE)
	if !ok {
		return nil, fmt.Errorf("train: a %s is not a VAE", m.Kind())
	}
	return v, nil
}

func ganModels(ck *generator.Checkpoint, cfg generator.DCGANConfig, seed uint64) (*generator.DCGAN, *generator.Discriminator, error) {
	if ck != nil {
		g, okG := ck.Models[0].(*generator.DCGAN)
		var d *generator.Discriminator
		okD := len(ck.Models) == 2
		if okD {
			d, okD = ck.Models[1].(*generator.Discriminator)
		}
		if !okG || !okD {
			return nil, nil, fmt.Errorf("train: the checkpoint does not hold a DCGAN and its discriminator")
		}
		return g, d, nil
	}
	rng := nn.NewRand(seed)
	g, err := generator.NewDCGAN(cfg, rng)
	if err != nil {
		return nil, nil, usageError{err}
	}
	d, err := generator.NewDiscriminator(cfg, rng)
	if err != nil {
		return nil, nil, usageError{err}
	}
	return g, d, nil
}

// trainSteps converts -steps / -epochs into a step count: steps if given,
// else epochs (or the default) times the steps per epoch.
func trainSteps(steps, epochs, defEpochs, n, batch int) int {
	if steps > 0 {
		return steps
	}
	if epochs == 0 {
		epochs = defEpochs
	}
	return epochs * max(n/max(batch, 1), 1)
}

func trainErr(err error, reached int, ckPath string) error {
	if errors.Is(err, context.Canceled) {
		if ckPath != "" {
			return fmt.Errorf("train: interrupted at step %d; %s holds the run, continue it with -resume", reached, ckPath)
		}
		return fmt.Errorf("train: interrupted at step %d (no -checkpoint, nothing saved)", reached)
	}
	return fmt.Errorf("train: %w", err)
}

func readCheckpointFile(path string) (*generator.Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	ck, err := generator.ReadCheckpoint(f)
	if err != nil {
		return nil, usageError{fmt.Errorf("train: %s: %w", path, err)}
	}
	return ck, nil
}

// kernelData synthesises n training kernels and n/3 held-out ones (drawn
// after them) from a random stream of seed apart from the weights'.
func kernelData(seed uint64, n int) (train, held *tensor.Tensor, err error) {
	rng := rand.New(rand.NewPCG(seed, 0x6b65726e656c73)) // "kernels"
	if train, err = generator.SynthKernels(rng, n); err != nil {
		return nil, nil, err
	}
	held, err = generator.SynthKernels(rng, n/3)
	return train, held, err
}

// digitData reads the MNIST directory and holds out its last 1,000 images
// (a tenth of a smaller set; see mnist.Set.HoldOut).
func digitData(dir string) (train, held *tensor.Tensor, err error) {
	s, err := mnist.ReadDir(dir)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if s.H != generator.DigitSize || s.W != generator.DigitSize || s.N < 10 {
		return nil, nil, usagef("train: %s holds %d images of %dx%d; want at least 10 of 28x28", dir, s.N, s.W, s.H)
	}
	a, b := s.HoldOut()
	return generator.MNISTTensor(a), generator.MNISTTensor(b), nil
}

// trainPrinter shows training progress: a redrawn line on a terminal, a
// log line every tenth of the run otherwise. Its ETA comes from the rate
// since the first report, so it is right for resumed runs too.
type trainPrinter struct {
	w         io.Writer
	tty       bool
	first     int
	seen      bool
	lastTenth int
	lastDraw  time.Time
}

func (p *trainPrinter) Record(pr progress.Event) {
	if !p.seen {
		p.seen, p.first, p.lastTenth = true, pr.Iter-1, pr.Iter*10/max(pr.Total, 1)
	}
	eta := "--:--"
	if done := pr.Iter - p.first; done > 0 && pr.Elapsed > 0 {
		eta = fmtDuration(time.Duration(float64(pr.Elapsed) / float64(done) * float64(pr.Total-pr.Iter)))
	}
	line := fmt.Sprintf("%s %d/%d loss %.5g (%s)  elapsed %s  eta %s", pr.Stage, pr.Iter, pr.Total, pr.Loss, pr.Message, fmtDuration(pr.Elapsed), eta)
	last := pr.Iter == pr.Total
	if p.tty {
		if !last && time.Since(p.lastDraw) < 200*time.Millisecond {
			return
		}
		p.lastDraw = time.Now()
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		if last {
			fmt.Fprintln(p.w)
		}
		return
	}
	if tenth := pr.Iter * 10 / max(pr.Total, 1); tenth > p.lastTenth || last {
		p.lastTenth = tenth
		fmt.Fprintln(p.w, line)
	}
}
