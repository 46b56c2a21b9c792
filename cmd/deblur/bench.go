package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/bench"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// benchMethods is what "deblur bench" can run: every non-blind method of
// package deconv (known-kernel rows and finishing steps) and the SelfDeblur
// presets.
func benchMethods() bench.Methods {
	nb, ratio := nonBlindMethods()
	return bench.Methods{NonBlind: nb, Blind: bench.DefaultBlind(nil, deblur.DefaultRegion()), Ratio: ratio}
}

// presetAdjust holds the bench flags that change every SelfDeblur preset.
type presetAdjust struct {
	iters, polish int              // 0: the preset's
	pick          *selfdeblur.Pick // nil: the preset's
	seed          uint64           // 0: the preset's
}

// apply returns s with the flags that were set applied.
func (a presetAdjust) apply(s selfdeblur.Settings) selfdeblur.Settings {
	if a.iters > 0 {
		s = s.WithIterations(a.iters)
	}
	if a.polish > 0 {
		s.PolishIterations = a.polish
	}
	if a.pick != nil {
		s.Pick = *a.pick
	}
	if a.seed > 0 {
		s.Seed = a.seed
	}
	return s
}

func runBench(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	methods := benchMethods()
	method := fs.String("method", bench.Blurry, "`METHODS` to run, comma-separated (see below)")
	limit := fs.Int("limit", 0, "run at most `N` cases (0: all)")
	out := fs.String("out", filepath.Join("out", "bench"), "output `DIR` (results go to DIR/DATASET/METHOD/)")
	pattern := fs.String("cases", "", "only cases whose name matches `PATTERN` (shell glob, e.g. 'im1_*')")
	data := fs.String("data", filepath.Join("..", "shared", "data"), "benchmark data `DIR` holding levin/, lai/ and mnist/")
	ratio := fs.String("ratio", methods.Ratio, "non-blind `METHOD` defining the error ratio of blind rows without a +NONBLIND step (mnist: "+mnistNonBlind+")")
	quiet := fs.Bool("q", false, "quiet: no progress output")
	polish := fs.Int("polish", 0, "SelfDeblur presets: `N` kernel polish steps after the joint fit (0: none, the presets'); results go under the same method names, so give such a run its own -out")
	iters := fs.Int("iters", 0, "SelfDeblur presets (selfdeblur-default*, -fast*, -c2f, -paper): `N` iterations, schedule scaled (0: the preset's); results go under the same method names, so give such a run its own -out")
	estimateSize := fs.Int("estimate-size", deblur.DefaultEstimateSize, "selfdeblur-default-window: estimate the kernel on the most informative `N` x N window of larger images, as the command's -estimate-size; give a run with another N its own -out")
	centreSize := fs.Int("centre-size", deblur.DefaultCentreSize, "selfdeblur-default-window: estimate images up to -estimate-size on their centred `N` x N window, as the command's -centre-size with -kernel-size (0: the whole image; -window-auto never does); give a run with another N its own -out")
	pick := fs.String("pick", "", "SelfDeblur presets: which restart is kept, auto, sharpest or objective (empty: the preset's); give such a run its own -out")
	fitSeed := fs.Uint64("fit-seed", 0, "SelfDeblur presets: `SEED` of the first fit, restarts taking SEED+1, ... (0: the preset's, 1); another seed measures how much a figure owes to the draw; give such a run its own -out")
	var mf mnistFlags
	addMNISTFlags(fs, &mf)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur bench [flags] levin|lai|mnist")
		fmt.Fprintln(w, "\nRuns methods over a benchmark, scores every case with the aligned protocol of")
		fmt.Fprintln(w, "docs/evaluation.md and writes per case the image, the kernel PNG and a JSON result;")
		fmt.Fprintln(w, "per method and per dataset results.csv and results.json; and DIR/DATASET/summary.md,")
		fmt.Fprintln(w, "the means next to the published tables. A rerun skips the cases already done.")
		fmt.Fprintln(w, "mnist: held-out 28x28 digits blurred circularly with held-out synthetic kernels plus noise,")
		fmt.Fprintln(w, "scored after the best circular shift within +-2 px (see the summary's notes).")
		fmt.Fprintln(w, "\nMethods:")
		fmt.Fprintln(w, "  blurry                  the blurry input as it is")
		fmt.Fprintln(w, "  known-kernel+NONBLIND   non-blind deconvolution with the true kernel")
		fmt.Fprintln(w, "  BLIND[+NONBLIND]        a blind method, optionally finished by non-blind")
		fmt.Fprintln(w, "                          deconvolution of the blurry image with its kernel")
		fmt.Fprintf(w, "  NONBLIND: %s\n", methods.NonBlindNames())
		fmt.Fprintf(w, "  BLIND: %s (paper: the published settings, hours per image on a CPU)\n", strings.Join(slices.Sorted(maps.Keys(methods.Blind)), ", "))
		fmt.Fprintf(w, "  mnist only: %s, %s, %s (28x28 digits, the shipped generators),\n", selfDeblurMNIST, bench.DeepDeblurName, bench.DeepDeblurSlackName)
		fmt.Fprintf(w, "    %s (the digit projected onto the generator's range, re-blurred, Algorithm 1),\n", bench.RangeName)
		fmt.Fprintf(w, "    all = %s\n", joinNames(mnistAll()))
		fmt.Fprintf(w, "  mnist -sweep: -method defaults to %s\n", joinNames(mnistSweepMethods()))
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, help, err := parseCommand(fs, args, 1, "one dataset (levin, lai or mnist)")
	if help || err != nil {
		return err
	}
	name := pos[0]
	if *iters < 0 {
		return usagef("bench: -iters %d: must be 0 or more", *iters)
	}
	if *polish < 0 {
		return usagef("bench: -polish %d: must not be negative", *polish)
	}
	if *estimateSize < 1 {
		return usagef("bench: -estimate-size %d: must be positive", *estimateSize)
	}
	if *centreSize < 0 {
		return usagef("bench: -centre-size %d: must be 0 or positive", *centreSize)
	}
	var p selfdeblur.Pick
	if *pick != "" {
		if p, err = selfdeblur.ParsePick(*pick); err != nil {
			return usagef("bench: -pick %q: want auto, sharpest or objective", *pick)
		}
	}
	adjust := presetAdjust{iters: *iters, polish: *polish, seed: *fitSeed}
	if *pick != "" {
		adjust.pick = &p
	}
	methods.Blind = bench.DefaultBlind(adjust.apply, commandRegion(*estimateSize, deblur.DefaultMaxEstimateKernel, *centreSize, *iters))
	switch name {
	case "levin", "lai":
		if err := onlyFor(fs, "bench "+name+" (mnist only)", mnistFlagNames...); err != nil {
			return err
		}
	case "mnist":
		if err := mf.validate(); err != nil {
			return err
		}
		if err := mf.addMethods(&methods); err != nil {
			return err
		}
		if !flagSet(fs, "method") {
			*method = bench.Blurry
			if mf.sweep != "" {
				*method = joinNames(mnistSweepMethods())
			}
		}
		if *method == "all" {
			*method = joinNames(mnistAll())
		}
		if !flagSet(fs, "ratio") {
			*ratio = mnistNonBlind
		}
	default:
		return usagef("bench: unknown dataset %q (levin, lai or mnist)", name)
	}
	if *limit < 0 {
		return usagef("bench: -limit %d: must be 0 or more", *limit)
	}
	if *ratio != "" {
		if _, ok := methods.NonBlind[*ratio]; !ok {
			return usagef("bench: -ratio %q is not a non-blind method (have: %s)", *ratio, methods.NonBlindNames())
		}
	}
	methods.Ratio = *ratio
	var list []string
	for _, m := range strings.Split(*method, ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		}
		if _, err := methods.Parse(m); err != nil {
			return usageError{err}
		}
		list = append(list, m)
	}
	if len(list) == 0 {
		return usagef("bench: -method is empty")
	}
	opt := bench.Options{Pattern: *pattern, Limit: *limit}
	if _, err := filepath.Match(opt.Pattern, ""); err != nil {
		return usagef("bench: -cases %q: %v", opt.Pattern, err)
	}
	var d *bench.Dataset
	if name == "mnist" {
		d, err = bench.MNIST(filepath.Join(*data, "mnist"), mf.options())
		if err != nil {
			return usageError{err}
		}
	} else if d, err = bench.Open(name, *data, filepath.Join(*out, name, "_inputs")); err != nil {
		return err
	}
	if cases, _ := opt.Select(d); len(cases) == 0 {
		return usagef("bench: no %s case matches -cases %q", name, opt.Pattern)
	}
	r := &bench.Runner{Methods: methods, OutDir: *out}
	if !*quiet {
		r.Recorder = &benchPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if mf.sweep != "" {
		err := runMNISTSweep(ctx, env, r, &mf, *data, list, opt, *quiet)
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("bench: interrupted; finished cases are kept and a rerun resumes")
		}
		return err
	}
	for _, m := range list {
		if _, err := r.Run(ctx, d, m, opt); err != nil {
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("bench: interrupted; finished cases are kept and a rerun resumes")
			}
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(env.stderr, "wrote %s\n", filepath.Join(*out, name, "summary.md"))
	}
	return nil
}

// benchPrinter prints a line per finished case with the ETA of the run, and
// passes the progress of the method inside a case to a progressPrinter.
type benchPrinter struct {
	w     io.Writer
	tty   bool
	inner *progressPrinter
}

func (p *benchPrinter) Record(pr progress.Event) {
	if pr.Stage != bench.Stage {
		if p.inner == nil {
			p.inner = &progressPrinter{w: p.w, tty: p.tty}
		}
		p.inner.Record(pr)
		return
	}
	p.inner = nil // a new case starts after this line
	if pr.Iter == 0 {
		fmt.Fprintln(p.w, pr.Message)
		return
	}
	eta := "0:00"
	if pr.Iter < pr.Total {
		eta = fmtDuration(time.Duration(float64(pr.Elapsed) / float64(pr.Iter) * float64(pr.Total-pr.Iter)))
	}
	fmt.Fprintf(p.w, "%s  (%d/%d this run, elapsed %s, eta %s)\n", pr.Message, pr.Iter, pr.Total, fmtDuration(pr.Elapsed), eta)
}

// flagSet reports whether the flag called name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
