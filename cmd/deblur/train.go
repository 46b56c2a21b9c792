package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/progress"
)

// trainFlags are the options of "deblur train".
type trainFlags struct {
	job             generator.TrainJob
	out, checkpoint string
	widths, classes string
	seed            uint64
	resume, quiet   bool
}

func newTrainFlagSet(env *cliEnv, f *trainFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	j, o := &f.job, &f.job.Options
	fs.StringVar(&f.out, "out", "", "weights `FILE` to write (default MODEL.dbw)")
	fs.Uint64Var(&f.seed, "seed", 1, "random `SEED`: initial weights, data order, noise (kernel-vae: also its kernels)")
	fs.IntVar(&j.Steps, "steps", 0, "total optimisation `STEPS` (overrides -epochs)")
	fs.IntVar(&j.Epochs, "epochs", 0, "training `EPOCHS` (default: kernel-vae 10, digit-vae 30, dcgan 25)")
	fs.IntVar(&o.Batch, "batch", 0, "batch `SIZE` (default 64)")
	fs.Float64Var(&o.LR, "lr", 0, "Adam learning `RATE` (default: VAEs 1e-3, dcgan 2e-4)")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "checkpoint `FILE`: written every -every steps, on Ctrl-C and at the end")
	fs.IntVar(&o.CheckpointEvery, "every", 500, "steps between checkpoints (0: only on Ctrl-C and at the end)")
	fs.BoolVar(&f.resume, "resume", false, "continue the run saved in -checkpoint (same seed, batch and lr)")
	fs.StringVar(&j.Data, "data", "", "training data `DIR`: the MNIST directory (digit-vae), a folder of images or an MNIST-format folder such as Fashion-MNIST's (dcgan)")
	fs.IntVar(&j.Kernels, "n", 60000, "kernel-vae: training kernels to synthesise (n/3 more are held out)")
	fs.IntVar(&j.Latent, "latent", 0, "latent size (default: kernel-vae 50, digit-vae 20, dcgan 100)")
	fs.StringVar(&f.widths, "widths", "", "comma-separated `WIDTHS`: kernel-vae 1 (default 20), digit-vae 2 (32,64), dcgan 4 (512,256,128,64)")
	fs.IntVar(&j.Channels, "channels", 3, "dcgan: image channels, 1 (gray) or 3 (RGB)")
	fs.IntVar(&j.Size, "size", 64, "dcgan: image side `PX`, 64 or 32 (the folder's images are resized to it)")
	fs.StringVar(&f.classes, "classes", "", "dcgan on an MNIST-format folder: comma-separated `LABELS` to keep (e.g. 5,7,9: Fashion-MNIST's shoes); empty: all")
	fs.BoolVar(&f.quiet, "q", false, "quiet: no progress output")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur train [flags] kernel-vae|digit-vae|dcgan")
		fmt.Fprintln(w, "\nTrains a generator of the deep generative priors method and writes its weights")
		fmt.Fprintln(w, "(the file format is described in package generator):")
		fmt.Fprintln(w, "  kernel-vae  VAE of 28x28 motion-blur kernels, on -n kernels synthesised from")
		fmt.Fprintln(w, "              random camera-shake trajectories (n/3 more held out)")
		fmt.Fprintln(w, "  digit-vae   VAE of 28x28 MNIST digits from -data (the last 1,000 held out:")
		fmt.Fprintln(w, "              of the shipped 10,000, the first 9,000 train)")
		fmt.Fprintln(w, "  dcgan       DCGAN generator of 64x64 (or -size 32) images from the folder -data:")
		fmt.Fprintln(w, "              its images, or its MNIST-format files (-classes to keep some labels)")
		fmt.Fprintln(w, "Prints a JSON summary (steps, time, losses) when done. Ctrl-C stops after the")
		fmt.Fprintln(w, "current step and, with -checkpoint, saves the run for -resume.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// trainOutput is the JSON object "deblur train" prints when it finishes.
type trainOutput struct {
	*generator.TrainSummary
	Out     string  `json:"out"`
	Seconds float64 `json:"seconds"` // wall time of this invocation
}

func runTrain(env *cliEnv, args []string) error {
	var f trainFlags
	fs := newTrainFlagSet(env, &f)
	pos, help, err := parseCommand(fs, args, 1, "one model (kernel-vae, digit-vae or dcgan)")
	if help || err != nil {
		return err
	}
	if err := f.complete(fs, pos[0]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if !f.quiet {
		f.job.Options.Recorder = &trainPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	began := time.Now()
	m, sum, err := generator.Train(ctx, f.job)
	switch {
	case errors.Is(err, generator.ErrJob):
		return usageError{err}
	case errors.Is(err, context.Canceled) && f.checkpoint != "":
		return fmt.Errorf("train: interrupted at step %d; %s holds the run, continue it with -resume", sum.Steps, f.checkpoint)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("train: interrupted at step %d (no -checkpoint, nothing saved)", sum.Steps)
	case err != nil:
		return fmt.Errorf("train: %w", err)
	}
	if err := atomicfile.Write(f.out, func(w io.Writer) error { return generator.Save(w, m) }); err != nil {
		return err
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(trainOutput{TrainSummary: sum, Out: f.out, Seconds: time.Since(began).Seconds()})
}

// complete fills in the job from the flags that need more than a
// variable: the model, the output path, the widths, the checkpoint to
// resume, and the seed (a resumed run keeps the checkpoint's unless -seed
// is given).
func (f *trainFlags) complete(fs *flag.FlagSet, model string) error {
	f.job.Model = model
	if f.out == "" {
		f.out = model + ".dbw"
	}
	if f.widths != "" {
		for _, s := range strings.Split(f.widths, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 1 {
				return usagef("train: -widths %q: want positive integers separated by commas", f.widths)
			}
			f.job.Widths = append(f.job.Widths, v)
		}
	}
	if f.classes != "" {
		for _, s := range strings.Split(f.classes, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 0 || v > 255 {
				return usagef("train: -classes %q: want labels 0..255 separated by commas", f.classes)
			}
			f.job.Classes = append(f.job.Classes, v)
		}
	}
	f.job.Options.Checkpoint = f.checkpoint
	f.job.Options.Seed = f.seed
	if !f.resume {
		return nil
	}
	if f.checkpoint == "" {
		return usagef("train: -resume needs -checkpoint")
	}
	if !flagSet(fs, "seed") {
		f.job.Options.Seed = 0 // the checkpoint's
	}
	r, err := os.Open(f.checkpoint)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	defer r.Close()
	ck, err := generator.ReadCheckpoint(r)
	if err != nil {
		return usagef("train: %s: %v", f.checkpoint, err)
	}
	o := &f.job.Options
	for _, c := range []struct {
		name    string
		differs bool
	}{{"seed", o.Seed != 0 && o.Seed != ck.Seed}, {"batch", o.Batch != 0 && o.Batch != ck.Batch}, {"lr", o.LR != 0 && o.LR != ck.LR}} {
		if c.differs {
			return usagef("train: -%s differs from the checkpoint's; a resumed run keeps its settings", c.name)
		}
	}
	o.Resume = ck
	return nil
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
