package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/bench"
	"github.com/deblur/deblur/chart"
	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/selfdeblur"
)

// Defaults of "deblur bench mnist", chosen for the 2-core development
// machine (docs/results.md, "MNIST digits"): the specification's 6000 and
// 10,000 steps cost minutes per digit there.
const (
	mnistSteps        = 1000 // Algorithm 1 steps (the spec: 6000, same step schedule cut short)
	mnistSlackSteps   = 1000 // Algorithm 2 steps (the spec: 10,000)
	mnistProjectSteps = 1000 // Adam steps of the range row's projection
	mnistRestarts     = 10   // the spec's
	mnistSweepDigits  = 10
	// mnistNonBlind is the non-blind method of the true-kernel row: the
	// most accurate one with the true kernel on the MNIST benchmark (the
	// circular model is the exact one there).
	mnistNonBlind = "irls-circular"
	// selfDeblurMNIST names the SelfDeblur preset for 28x28 digits.
	selfDeblurMNIST = "selfdeblur-mnist"
)

// shoesDir is where Debian's dataset-fashion-mnist installs Fashion-MNIST.
const shoesDir = "/usr/share/datasets/fashion-mnist"

// mnistFlags are the options of "deblur bench mnist" and "deblur bench
// shoes", the synthesised benchmarks of the generative priors.
type mnistFlags struct {
	shoes                              string
	digits, sweepDigits                int
	noise                              float64
	seed                               uint64
	steps, slackSteps, projectSteps    int
	slackWarm                          int
	slackPublished                     bool
	restarts, sdKernel, sdIters, sdWid int
	sweep                              string
}

// mnistFlagNames are the flags only the mnist and shoes datasets take.
var mnistFlagNames = []string{"shoes", "digits", "seed", "steps", "slack-steps", "slack-warm", "slack-as-published", "project-steps", "restarts", "sd-kernel-size", "sd-iters", "sd-width", "sweep", "sweep-digits"}

func addMNISTFlags(fs *flag.FlagSet, f *mnistFlags) {
	def := bench.DefaultMNIST()
	fs.StringVar(&f.shoes, "shoes", shoesDir, "shoes: Fashion-MNIST `DIR` (its t10k-* test split; apt-get install dataset-fashion-mnist)")
	fs.IntVar(&f.digits, "digits", def.N, "mnist, shoes: `N` held-out digits or shoes")
	fs.Float64Var(&f.noise, "noise", def.Noise, "noise standard deviation `SIGMA` on [0, 1]: mnist's own; levin and lai: added to their inputs (default there: none)")
	fs.Uint64Var(&f.seed, "seed", def.Seed, "mnist, shoes: `SEED` of the kernels and the noise")
	fs.IntVar(&f.steps, "steps", mnistSteps, "mnist, shoes: Algorithm 1 `STEPS` (deep-deblur, range; the spec: 6000; fewer cut its step schedule short)")
	fs.IntVar(&f.slackSteps, "slack-steps", mnistSlackSteps, "mnist, shoes: Algorithm 2 `STEPS` (deep-deblur-slack; the spec: 10000)")
	fs.IntVar(&f.slackWarm, "slack-warm", genprior.WarmSteps, "mnist, shoes: Algorithm 1 `STEPS` run before Algorithm 2, which starts from them (deep-deblur-slack, as the command; 0: a random start, the authors')")
	fs.BoolVar(&f.slackPublished, "slack-as-published", false, "mnist, shoes: Algorithm 2 as its authors ran it: a random start and their weights whatever the noise (the command's -as-published; overrides -slack-warm)")
	fs.IntVar(&f.projectSteps, "project-steps", mnistProjectSteps, "mnist, shoes: Adam `STEPS` projecting each image onto the generator's range (range)")
	fs.IntVar(&f.restarts, "restarts", mnistRestarts, "mnist, shoes: random restarts `R` of Algorithms 1 and 2 and the projection")
	fs.IntVar(&f.sdKernel, "sd-kernel-size", def.KernelSize, "mnist, shoes: kernel size `K` given to SelfDeblur")
	fs.IntVar(&f.sdIters, "sd-iters", 600, "mnist, shoes: SelfDeblur iterations `N` (selfdeblur-mnist)")
	fs.IntVar(&f.sdWid, "sd-width", 16, "mnist, shoes: channels `W` of SelfDeblur's image network (selfdeblur-mnist; skips W/4)")
	fs.StringVar(&f.sweep, "sweep", "", "mnist, shoes: robustness sweep `KIND`: noise (1..10 %) or length (blur lengths 5..28 px); writes DIR/DATASET/sweep-KIND.{csv,png}")
	fs.IntVar(&f.sweepDigits, "sweep-digits", mnistSweepDigits, "mnist, shoes: images `N` per sweep level")
}

func (f *mnistFlags) validate() error {
	switch {
	case f.steps < 1 || f.slackSteps < 1 || f.projectSteps < 1 || f.restarts < 1 || f.sdIters < 1:
		return usagef("bench mnist: -steps, -slack-steps, -project-steps, -restarts and -sd-iters must be positive")
	case f.slackWarm < 0:
		return usagef("bench mnist: -slack-warm %d: must be 0 or more", f.slackWarm)
	case f.sdWid < 4:
		return usagef("bench mnist: -sd-width %d: must be at least 4", f.sdWid)
	case f.sweep != "" && f.sweep != "noise" && f.sweep != "length":
		return usagef("bench mnist: -sweep %q: want noise or length", f.sweep)
	case f.sweepDigits < 1:
		return usagef("bench mnist: -sweep-digits %d: must be positive", f.sweepDigits)
	}
	return nil
}

// options returns the dataset's options: -digits images, or -sweep-digits
// (each level's) when sweeping.
func (f *mnistFlags) options() bench.MNISTOptions {
	o := bench.DefaultMNIST()
	o.N, o.Noise, o.Seed, o.KernelSize = f.digits, f.noise, f.seed, f.sdKernel
	if f.sweep != "" {
		o.N = f.sweepDigits
	}
	return o
}

// open returns the synthesised dataset name ("mnist": the digits under
// dataRoot/mnist, "shoes": Fashion-MNIST's in -shoes) made with o.
func (f *mnistFlags) open(name, dataRoot string, o bench.MNISTOptions) (*bench.Dataset, error) {
	if name == "shoes" {
		return bench.Shoes(f.shoes, o)
	}
	return bench.MNIST(filepath.Join(dataRoot, "mnist"), o)
}

// methods validates the flags of dataset name (mnist or shoes) and returns
// its rows: every non-blind method, the Levin rows (l0 among them),
// SelfDeblur for small images, Algorithms 1 and 2 with the shipped
// generators and the generator's-range row, with their settings. Unless
// given, -method becomes the blurry row (or the sweep's rows) and -ratio
// the circular irls.
func (f *mnistFlags) methods(fs *flag.FlagSet, name string, method, ratio *string) (bench.Methods, error) {
	var m bench.Methods
	if err := f.validate(); err != nil {
		return m, err
	}
	prior := "digits" // the shipped generator of the dataset: -prior's names
	if name == "shoes" {
		prior = "shoes"
	}
	gi, err := loadPrior(prior)
	if err != nil {
		return m, err
	}
	gk, err := pretrained.KernelVAE()
	if err != nil {
		return m, err
	}
	m = levinLaiMethods(deblur.Options{}, selfdeblur.Estimator{})
	a1 := genprior.Alg1Defaults()
	a1.Steps, a1.Restarts = f.steps, f.restarts
	a2 := genprior.SlackDefaults()
	a2.Warm = f.slackWarm
	if f.slackPublished {
		a2 = genprior.Alg2Defaults()
	}
	a2.Steps, a2.Restarts = f.slackSteps, f.restarts
	p := genprior.ProjectDefaults()
	p.Steps, p.Restarts = f.projectSteps, f.restarts
	sd := selfdeblur.Estimator{Preset: selfdeblur.PresetFast, Iterations: f.sdIters, Width: f.sdWid, Skip: max(1, f.sdWid/4)}
	m.Blind = map[string]bench.BlindFunc{
		bench.L0Name:              m.Blind[bench.L0Name],
		selfDeblurMNIST:           bench.SelfDeblur(sd, 1),
		bench.DeepDeblurName:      bench.DeepDeblur(gi, gk, a1),
		bench.DeepDeblurSlackName: bench.DeepDeblurSlack(gi, gk, a2),
	}
	m.Reference = map[string]bench.ReferenceFunc{bench.RangeName: bench.RangeReference(gi, gk, p, a1)}
	alg1 := fmt.Sprintf("%d steps, %d restarts, step %g exp(-t/%g), gamma %g, lambda %g", a1.Steps, a1.Restarts, a1.StepSize, a1.StepDecay, a1.Gamma, a1.Lambda)
	m.Config = map[string]string{
		bench.L0Name:              "the command's -method l0 with the case's kernel size: its defaults and finish",
		selfDeblurMNIST:           fmt.Sprintf("Fast schedule over %d iterations, width %d", f.sdIters, f.sdWid),
		bench.DeepDeblurName:      alg1,
		bench.DeepDeblurSlackName: slackConfig(a2),
		bench.RangeName:           fmt.Sprintf("projection: %d Adam steps (lr %g), %d restarts; then %s", p.Steps, p.LR, p.Restarts, alg1),
	}
	if !flagSet(fs, "method") {
		*method = bench.Blurry
		if f.sweep != "" {
			*method = joinNames(mnistSweepMethods(name))
		}
	}
	if *method == "all" {
		*method = joinNames(mnistAll())
	}
	if !flagSet(fs, "ratio") {
		*ratio = mnistNonBlind
	}
	return m, nil
}

// slackConfig describes Algorithm 2's settings for the summary.
func slackConfig(a2 genprior.Alg2Settings) string {
	c := fmt.Sprintf("%d steps, %d restarts, Adam %g", a2.Steps, a2.Restarts, a2.LR)
	if a2.Warm > 0 {
		c += fmt.Sprintf(", started from %d steps of Alg. 1", a2.Warm)
	}
	if a2.FollowNoise {
		c += ", weights following the noise"
	}
	return c
}

// mnistAll lists the rows of "-method all": the blurry input, the true
// kernel, the blind baselines (SelfDeblur, L0), Algorithms 1 and 2, and
// the generator's-range row.
func mnistAll() []string {
	return []string{bench.Blurry, bench.KnownKernel + "+" + mnistNonBlind, selfDeblurMNIST, bench.L0Name, bench.DeepDeblurName, bench.DeepDeblurSlackName, bench.RangeName}
}

// mnistSweepMethods are the rows of a sweep of dataset name unless -method
// says otherwise: Algorithm 1 (for shoes also Algorithm 2, the better one
// there) against the blurry input, the blind baseline (SelfDeblur) and,
// as the bound, the true kernel.
func mnistSweepMethods(name string) []string {
	m := []string{bench.Blurry, bench.KnownKernel + "+" + mnistNonBlind, selfDeblurMNIST, bench.DeepDeblurName}
	if name == "shoes" {
		m = append(m, bench.DeepDeblurSlackName)
	}
	return m
}

// runMNISTSweep runs methods over the levels of the sweep f.sweep on
// dataset name (mnist or shoes) and writes DIR/DATASET/sweep-KIND.csv and
// .png.
func runMNISTSweep(ctx context.Context, env *cliEnv, r *bench.Runner, f *mnistFlags, name, dataRoot string, methods []string, opt bench.Options, quiet bool) error {
	o := f.options()
	sw := bench.Sweep{Name: f.sweep}
	var xlabel string
	var xscale float64
	switch f.sweep {
	case "noise":
		sw.Levels = []float64{0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10}
		sw.Dataset = func(level float64) (*bench.Dataset, error) {
			oo := o
			oo.Noise = level
			return f.open(name, dataRoot, oo)
		}
		xlabel, xscale = "noise standard deviation (%)", 100
	case "length":
		sw.Levels = []float64{5, 9.6, 14.2, 18.8, 23.4, 28}
		sw.Dataset = func(level float64) (*bench.Dataset, error) {
			oo := o
			oo.Length = level
			return f.open(name, dataRoot, oo)
		}
		xlabel, xscale = "blur trajectory length (px)", 1
	}
	base := r.OutDir
	r.OutDir = filepath.Join(base, name)
	pts, err := r.RunSweep(ctx, sw, methods, opt)
	if err != nil {
		return err
	}
	csvPath := filepath.Join(r.OutDir, "sweep-"+f.sweep+".csv")
	if err := bench.WriteSweepCSV(csvPath, f.sweep, pts); err != nil {
		return err
	}
	var series []chart.Series
	for _, m := range methods {
		s := chart.Series{Name: m}
		for _, p := range pts {
			if p.Method == m {
				s.X, s.Y = append(s.X, p.Level*xscale), append(s.Y, p.PSNR)
			}
		}
		series = append(series, s)
	}
	title := fmt.Sprintf("MNIST, %d held-out digits per point", o.N)
	if name == "shoes" {
		title = fmt.Sprintf("Fashion-MNIST shoes, %d held-out shoes per point", o.N)
	}
	if f.sweep == "noise" {
		title += ", blur lengths 5..28 px"
	} else {
		title += fmt.Sprintf(", noise %g %%", 100*o.Noise)
	}
	pngPath := filepath.Join(r.OutDir, "sweep-"+f.sweep+".png")
	if err := (chart.Lines{Title: title, XLabel: xlabel, YLabel: "PSNR (dB)", Series: series, Width: 800, Height: 500}).WritePNG(pngPath); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(env.stderr, "wrote %s and %s\n", csvPath, pngPath)
	}
	return nil
}

// joinNames is strings.Join for usage texts.
func joinNames(v []string) string { return strings.Join(v, ",") }
