package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/bench"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// ratioMethod is the non-blind method that defines the error ratio of blind
// rows without a non-blind step of their own: the most accurate one with
// the true kernel on the Levin benchmark.
const ratioMethod = "irls"

// benchEstimatorFlags are the rows of the method flag table that "deblur
// bench" takes for its SelfDeblur rows (levin and lai); -fit-seed is its
// -seed, since mnist's -seed and -restarts mean the dataset's.
var benchEstimatorFlags = []string{"preset", "iters", "width", "skip", "pick", "polish", "solver", "loss", "ssim-from", "tv", "lr-image", "lr-kernel", "kernel-net", "float32"}

// benchFlags are the options of "deblur bench".
type benchFlags struct {
	est                         methodFlags
	methods, out, pattern, data string
	ratio                       string
	limit, jpeg                 int
	quiet                       bool
	degrade                     bench.Degradation
	mnist                       mnistFlags
}

func newBenchFlagSet(env *cliEnv, f *benchFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.StringVar(&f.methods, "method", bench.Blurry, "`METHODS` to run, comma-separated (see below)")
	fs.IntVar(&f.limit, "limit", 0, "run at most `N` cases (0: all)")
	fs.StringVar(&f.out, "out", filepath.Join("out", "bench"), "output `DIR` (results go to DIR/DATASET/METHOD/); give a run with other settings its own DIR")
	fs.StringVar(&f.pattern, "cases", "", "only cases whose name matches `PATTERN` (shell glob, e.g. 'im1_*')")
	fs.StringVar(&f.data, "data", filepath.Join("..", "shared", "data"), "benchmark data `DIR` holding levin/, lai/ and mnist/ (shoes: see -shoes)")
	fs.StringVar(&f.ratio, "ratio", ratioMethod, "non-blind `METHOD` defining the error ratio of blind rows without a +NONBLIND step (mnist: "+mnistNonBlind+")")
	fs.BoolVar(&f.quiet, "q", false, "quiet: no progress output")
	fs.IntVar(&f.jpeg, "jpeg", 0, "levin and lai: pass the inputs (after -noise) through JPEG at `QUALITY` 1..100 (0: no); results go to DATASET-noiseSIGMA-jpegQUALITY")
	defineMethodFlags(fs, &f.est, benchEstimatorFlags...)
	fs.Uint64Var(&f.est.seed, "fit-seed", 1, "`SEED` of the SelfDeblur rows' first fit, restarts taking SEED+1, ... (another seed measures how much a figure owes to the draw)")
	addMNISTFlags(fs, &f.mnist)
	fs.Usage = func() { benchUsage(fs) }
	return fs
}

func benchUsage(fs *flag.FlagSet) {
	w := fs.Output()
	methods := levinLaiMethods(deblur.Options{}, selfdeblur.Estimator{})
	fmt.Fprintln(w, "Usage: deblur bench [flags] levin|lai|mnist|shoes")
	fmt.Fprintln(w, "\nRuns methods over a benchmark, scores every case (PSNR and SSIM after the best shift within")
	fmt.Fprintln(w, "10 px, error ratios, kernel accuracy) and writes per case the image, the kernel PNG and a JSON")
	fmt.Fprintln(w, "result; per method and per dataset results.csv and results.json; and DIR/DATASET/summary.md,")
	fmt.Fprintln(w, "the means next to the published tables. A rerun skips the cases already done.")
	fmt.Fprintln(w, "mnist: held-out 28x28 digits blurred circularly with held-out synthetic kernels plus noise.")
	fmt.Fprintln(w, "shoes: the same with Fashion-MNIST's test-split shoes on 32x32 (apt-get install dataset-fashion-mnist).")
	fmt.Fprintln(w, "\nMethods:")
	fmt.Fprintln(w, "  blurry                  the blurry input as it is")
	fmt.Fprintln(w, "  known-kernel+NONBLIND   non-blind deconvolution with the true kernel")
	fmt.Fprintln(w, "  deblur                  the command's pipeline with the case's kernel size (on the luma)")
	fmt.Fprintln(w, "  deblur-auto             the same with the kernel size chosen, as the command without -kernel-size")
	fmt.Fprintln(w, "  selfdeblur              SelfDeblur alone on the whole image in the case's kernel frame (-preset paper:")
	fmt.Fprintln(w, "                          the published settings, hours per image on a CPU)")
	fmt.Fprintln(w, "  l0, l0-auto             the pipeline with the classical L0 method (-method l0 of the command)")
	fmt.Fprintln(w, "  BLIND+NONBLIND          a blind method's kernel, then non-blind deconvolution of the blurry image")
	fmt.Fprintf(w, "  NONBLIND: %s\n", methods.NonBlindNames())
	fmt.Fprintf(w, "  mnist and shoes only: %s, %s, %s, %s; all = %s\n", selfDeblurMNIST, bench.DeepDeblurName, bench.DeepDeblurSlackName, bench.RangeName, joinNames(mnistAll()))
	fmt.Fprintf(w, "  -sweep: -method defaults to %s (shoes: also %s)\n", joinNames(mnistSweepMethods("mnist")), bench.DeepDeblurSlackName)
	fmt.Fprintln(w, "\nFlags:")
	fs.PrintDefaults()
}

func runBench(env *cliEnv, args []string) error {
	var f benchFlags
	fs := newBenchFlagSet(env, &f)
	pos, help, err := parseCommand(fs, args, 1, "one dataset (levin, lai, mnist or shoes)")
	if help || err != nil {
		return err
	}
	name := pos[0]
	methods, list, err := f.plan(fs, name)
	if err != nil {
		return err
	}
	opt := bench.Options{Pattern: f.pattern, Limit: f.limit}
	d, err := f.dataset(name, opt)
	if err != nil {
		return err
	}
	r := &bench.Runner{Methods: methods, OutDir: f.out}
	if !f.quiet {
		r.Recorder = &benchPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.mnist.sweep != "" {
		err = runMNISTSweep(ctx, env, r, &f.mnist, name, f.data, list, opt, f.quiet)
	} else {
		for _, m := range list {
			if _, err = r.Run(ctx, d, m, opt); err != nil {
				break
			}
		}
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("bench: interrupted; finished cases are kept and a rerun resumes")
	}
	if err == nil && !f.quiet && f.mnist.sweep == "" {
		fmt.Fprintf(env.stderr, "wrote %s\n", filepath.Join(f.out, d.Name, "summary.md"))
	}
	return err
}

// levinLaiMethods is what "deblur bench levin|lai" can run: every
// non-blind method of package deconv and the blind rows of
// bench.DefaultBlind with o, sd and l0's defaults.
func levinLaiMethods(o deblur.Options, sd selfdeblur.Estimator) bench.Methods {
	nb := map[string]deconv.Deconvolver{}
	for _, name := range deconv.Methods() {
		nb[name], _ = deconv.Lookup(name)
	}
	var l l0.Estimator
	blind := bench.DefaultBlind(o, sd, l)
	config, lconfig := fmt.Sprintf("%+v", sd), fmt.Sprintf("%+v", l)
	return bench.Methods{NonBlind: nb, Blind: blind, Ratio: ratioMethod, Config: map[string]string{
		bench.PipelineName: config, bench.PipelineChosenSizeName: config, bench.SelfDeblurName: config,
		bench.L0Name: lconfig, bench.L0ChosenSizeName: lconfig,
	}}
}

// plan checks the flags for dataset name and returns the methods and the
// list of rows to run.
func (f *benchFlags) plan(fs *flag.FlagSet, name string) (bench.Methods, []string, error) {
	var methods bench.Methods
	switch name {
	case "levin", "lai":
		if err := onlyFor(fs, "bench "+name+" (mnist and shoes only)", mnistFlagNames...); err != nil {
			return methods, nil, err
		}
		f.degrade.JPEG = f.jpeg
		if flagSet(fs, "noise") {
			f.degrade.Noise = f.mnist.noise
		}
		if err := f.degrade.Validate(); err != nil {
			return methods, nil, usageError{err}
		}
		f.est.method = methodSelfDeblur
		o, err := f.est.options(fs)
		if err != nil {
			return methods, nil, err
		}
		methods = levinLaiMethods(*o, o.Method.(selfdeblur.Estimator))
	case "mnist", "shoes":
		if err := onlyFor(fs, "bench "+name+" (levin and lai only)", append(benchEstimatorFlags, "fit-seed", "jpeg")...); err != nil {
			return methods, nil, err
		}
		if name == "mnist" && flagSet(fs, "shoes") {
			return methods, nil, usagef("-shoes does not apply to bench mnist")
		}
		var err error
		if methods, err = f.mnist.methods(fs, name, &f.methods, &f.ratio); err != nil {
			return methods, nil, err
		}
	default:
		return methods, nil, usagef("bench: unknown dataset %q (levin, lai, mnist or shoes)", name)
	}
	if f.limit < 0 {
		return methods, nil, usagef("bench: -limit %d: must be 0 or more", f.limit)
	}
	if _, ok := methods.NonBlind[f.ratio]; !ok && f.ratio != "" {
		return methods, nil, usagef("bench: -ratio %q is not a non-blind method (have: %s)", f.ratio, methods.NonBlindNames())
	}
	methods.Ratio = f.ratio
	var list []string
	for _, m := range strings.Split(f.methods, ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		}
		// A non-blind step with settings ("irls:lambda=1e-3") is looked up
		// in package deconv.
		if _, nb, ok := strings.Cut(m, "+"); ok && strings.Contains(nb, ":") && methods.NonBlind != nil {
			d, err := deconv.Lookup(nb)
			if err != nil {
				return methods, nil, usagef("bench: method %q: %v", m, err)
			}
			methods.NonBlind[nb] = d
		}
		if _, err := methods.Parse(m); err != nil {
			return methods, nil, usageError{err}
		}
		list = append(list, m)
	}
	if len(list) == 0 {
		return methods, nil, usagef("bench: -method is empty")
	}
	return methods, list, nil
}

// dataset opens the dataset called name and checks that opt selects a case.
func (f *benchFlags) dataset(name string, opt bench.Options) (*bench.Dataset, error) {
	if _, err := filepath.Match(opt.Pattern, ""); err != nil {
		return nil, usagef("bench: -cases %q: %v", opt.Pattern, err)
	}
	var d *bench.Dataset
	var err error
	if name == "mnist" || name == "shoes" {
		if d, err = f.mnist.open(name, f.data, f.mnist.options()); err != nil {
			return nil, usageError{err}
		}
	} else if d, err = bench.Open(name, f.data, filepath.Join(f.out, name, "_inputs")); err != nil {
		return nil, err
	} else if d, err = bench.Degrade(d, f.degrade); err != nil {
		return nil, usageError{err}
	}
	if cases, _ := opt.Select(d); len(cases) == 0 {
		return nil, usagef("bench: no %s case matches -cases %q", name, opt.Pattern)
	}
	return d, nil
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

// onlyFor returns a usage error naming the first of flags that was set on
// the command line, which what (e.g. "bench levin") does not take.
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
