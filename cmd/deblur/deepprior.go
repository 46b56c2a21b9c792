package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/imageio"
)

// The blind methods of the default command.
const (
	methodSelfDeblur      = "selfdeblur"
	methodDeepDeblur      = "deep-deblur"
	methodDeepDeblurSlack = "deep-deblur-slack"
)

// selfDeblurFlags are the flags that only SelfDeblur uses.
var selfDeblurFlags = []string{"kernel-size", "estimate-size", "preset", "width", "skip", "solver", "loss", "ssim-from", "tv", "lr-image", "lr-kernel", "kernel-net", "polish"}

// onlyFor returns a usage error naming the first of flags that was set on
// the command line, which what (e.g. "-method deep-deblur") does not take.
func onlyFor(fs *flag.FlagSet, what string, flags ...string) error {
	var bad string
	fs.Visit(func(fl *flag.Flag) {
		if bad == "" && slices.Contains(flags, fl.Name) {
			bad = fl.Name
		}
	})
	if bad != "" {
		return usagef("-%s does not apply to %s", bad, what)
	}
	return nil
}

// alg1Settings returns Algorithm 1's settings with steps iterations (0:
// the specification's 6000) and restarts (0: 10). The step schedule stays
// the specification's, 0.01 exp(-t/1000), cut off after steps: on ten
// MNIST digits at 1000 steps this gave 22.33 dB against 21.09 dB for the
// schedule compressed to exp(-t/(steps/6)) (README, "Deep generative
// priors").
func alg1Settings(steps, restarts int, seed uint64) genprior.Alg1Settings {
	s := genprior.Alg1Defaults()
	if steps > 0 {
		s.Steps = steps
	}
	if restarts > 0 {
		s.Restarts = restarts
	}
	s.Seed = seed
	return s
}

// alg2Settings returns Algorithm 2's settings with steps iterations (0:
// the specification's 10000) and restarts (0: 10).
func alg2Settings(steps, restarts int, seed uint64) genprior.Alg2Settings {
	s := genprior.Alg2Defaults()
	if steps > 0 {
		s.Steps = steps
	}
	if restarts > 0 {
		s.Restarts = restarts
	}
	s.Seed = seed
	return s
}

// runDeepPrior is the default command for -method deep-deblur and
// deep-deblur-slack: a 28x28 gray digit deblurred with the shipped
// generators.
func runDeepPrior(env *cliEnv, fs *flag.FlagSet, f *runFlags, in string) error {
	if err := onlyFor(fs, "-method "+f.method, selfDeblurFlags...); err != nil {
		return err
	}
	if f.iters < 0 || f.restarts < 0 {
		return usagef("-iters %d and -restarts %d must not be negative", f.iters, f.restarts)
	}
	if f.finish == "auto" || f.finish == "none" {
		f.finish = "" // the generator's image is the output
	}
	if f.finish != "" {
		if _, err := deconv.Lookup(f.finish); err != nil {
			return usageError{err}
		}
	}
	outs := outputPaths(in, f.out, f.kernelOut, f.reportOut)
	if err := checkWritable(outs.image, outs.kernel, outs.report); err != nil {
		return usageError{err}
	}
	im, err := imageio.Read(in)
	if err != nil {
		return usageError{err}
	}
	if !im.IsGray() || im.W() != generator.DigitSize || im.H() != generator.DigitSize {
		kind := "colour"
		if im.IsGray() {
			kind = "gray"
		}
		return usagef("-method %s needs a %dx%d gray image (the shipped digit generator's size); %s is %dx%d %s",
			f.method, generator.DigitSize, generator.DigitSize, in, im.W(), im.H(), kind)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var rec *progressPrinter
	if !f.quiet {
		rec = &progressPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	var (
		res      *deblur.Result
		runErr   error
		settings any
		total    int
	)
	if f.method == methodDeepDeblur {
		s := alg1Settings(f.iters, f.restarts, f.seed)
		if rec != nil {
			s.Recorder = rec
		}
		settings, total = s, s.Steps
		res, runErr = deblur.DeepDeblur(ctx, im, s)
	} else {
		s := alg2Settings(f.iters, f.restarts, f.seed)
		if rec != nil {
			s.Recorder = rec
		}
		settings, total = s, s.Steps
		res, runErr = deblur.DeepDeblurSlack(ctx, im, s)
	}
	if res == nil {
		return runErr
	}
	if f.finish != "" && runErr == nil {
		fin, err := deblur.Deconvolve(ctx, im, res.Kernel, f.finish)
		if err != nil {
			return fmt.Errorf("non-blind finish: %w", err)
		}
		res.Image = fin
	}
	rep := newRunReport(in, outs, f.method, settings, res, runErr)
	rep.Finish = f.finish
	rep.Kernel.Orientation += "; circular model: blurry = kernel circularly convolved with sharp, kernel centre (14, 14) at the origin"
	return finishRun(env, f.quiet, outs, res, rep, runErr, "steps", total)
}
