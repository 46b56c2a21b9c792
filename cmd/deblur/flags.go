package main

import (
	"errors"
	"flag"
	"image"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/selfdeblur"
	"github.com/deblur/deblur/tensor"
)

// The blind methods of -method.
const (
	methodSelfDeblur      = "selfdeblur"
	methodL0              = "l0"
	methodDeepDeblur      = "deep-deblur"
	methodDeepDeblurSlack = "deep-deblur-slack"
)

var (
	allMethods  = []string{methodSelfDeblur, methodL0, methodDeepDeblur, methodDeepDeblurSlack}
	selfOnly    = []string{methodSelfDeblur}
	photoOnly   = []string{methodSelfDeblur, methodL0} // the methods for photographs
	deepPriors  = []string{methodDeepDeblur, methodDeepDeblurSlack}
	joinMethods = strings.Join(allMethods, ", ")
)

// methodFlags are the flags that choose and configure the method: what
// becomes deblur.Options.
type methodFlags struct {
	method                      string
	kernelSize, iters, restarts int
	preset, pick, solver, loss  string
	kernelNet, finish, region   string
	prior                       string
	asPublished, float32        bool
	width, skip, polish, ssim   int
	scale                       int
	tv, lrImage, lrKernel       float64
	seed                        uint64
}

// flagSpec is one row of the flag table: a flag, the methods it applies to
// (nil: every method) and how it is defined.
type flagSpec struct {
	name    string
	methods []string
	define  func(fs *flag.FlagSet, f *methodFlags, name string)
}

// methodFlagTable is the one place that says which flag applies to which
// method; a flag given for a method it does not apply to is a usage error.
var methodFlagTable = []flagSpec{
	{"method", nil, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.method, n, methodSelfDeblur, "blind `METHOD`: selfdeblur (the default), l0 (the classical L0 intensity and gradient prior of Pan et al.: seconds instead of a minute), or deep-deblur / deep-deblur-slack (Algorithms 1 / 2 of the deep generative priors: small gray images of the class of -prior only)")
	}},
	{"kernel-size", photoOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.kernelSize, n, 0, "size `K` in pixels of the largest blur expected (K x K, >= 3; a little too large is safe; 0: chosen from the image)")
	}},
	{"region", photoOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.region, n, "", "estimate the kernel on `X,Y,W,H` (pixels from the top-left corner) or on the whole image (whole); empty: chosen (the most informative 320 px square of larger images)")
	}},
	{"scale", photoOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.scale, n, 0, "estimate the kernel on the image shrunk by the integer factor `F` (1: full size; 0: chosen, so that kernels over 31 px are estimated at 31 px or less)")
	}},
	{"preset", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.preset, n, "default", "settings `PRESET`: default (two fits of 400 iterations; about 40 s at 255x255 on 2 cores), fast (one fit of 600) or paper (the published configuration, hours on a CPU)")
	}},
	{"iters", nil, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.iters, n, 0, "iterations `N` per fit, the schedule scaled (0: the preset's; l0: per pyramid level, 5; deep-deblur 6000 and deep-deblur-slack 10000 steps, cut short when fewer)")
	}},
	{"restarts", []string{methodSelfDeblur, methodDeepDeblur, methodDeepDeblurSlack}, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.restarts, n, 0, "fits `N` with the seeds SEED, SEED+1, ... (0: the method's: selfdeblur default 2 run at once, kept by -pick; deep-deblur* 10 run as one batch)")
	}},
	{"pick", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.pick, n, "auto", "which fit is kept: sharpest (its image's normalised gradient sparsity), objective (lowest final objective) or auto (sharpest when the fits share a frame, objective across frames)")
	}},
	{"polish", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.polish, n, 0, "`N` steps refining the kernel alone against the frozen image after the fit (0: none)")
	}},
	{"width", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.width, n, 0, "channels `W` of the image network (0: the preset's; paper 128)")
	}},
	{"skip", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.skip, n, 0, "skip channels `S` of the image network (0: the preset's; paper 16)")
	}},
	{"solver", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.solver, n, string(selfdeblur.Joint), "optimisation: joint or alternating")
	}},
	{"loss", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.loss, n, string(selfdeblur.LossMSEThenSSIM), "objective: mse-then-ssim (the authors' code) or mse+tv (the paper's MSE + lambda TV)")
	}},
	{"ssim-from", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.IntVar(&f.ssim, n, 0, "mse-then-ssim: first iteration `N` of the 1-SSIM loss (0: the preset's)")
	}},
	{"tv", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.Float64Var(&f.tv, n, 0, "mse+tv: TV weight `LAMBDA` (0: 0.1 x the noise level estimated from the image)")
	}},
	{"lr-image", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.Float64Var(&f.lrImage, n, 0, "learning rate `LR` of the image network (0: the preset's, 0.01)")
	}},
	{"lr-kernel", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.Float64Var(&f.lrKernel, n, 0, "learning rate `LR` of the kernel network (0: the preset's: paper 1e-4, default and fast 1e-3)")
	}},
	{"kernel-net", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.kernelNet, n, string(selfdeblur.KernelFCN), "kernel network: "+joinKernelNets()+" (prior: the shipped kernel VAE, kernels up to 27 px)")
	}},
	{"float32", selfOnly, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.BoolVar(&f.float32, n, false, "run the networks' convolutions in float32 (default: bfloat16 products where the CPU has AVX-512 BF16 or AMX and deblur was built with -tags dnnl, about a third faster at the same quality on Levin; -preset paper is float32)")
	}},
	{"as-published", []string{methodDeepDeblurSlack}, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.BoolVar(&f.asPublished, n, false, "run Algorithm 2 as its authors did: from random latents, with their weights whatever the noise (default: from 1000 steps of Algorithm 1, weights following the noise; better on the shoe benchmark)")
	}},
	{"prior", deepPriors, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.prior, n, "digits", "image generator `PRIOR` of deep-deblur*: digits (the shipped MNIST digit VAE, 28x28), shoes (the shipped Fashion-MNIST shoe DCGAN, 32x32) or FILE.dbw, a gray generator trained with deblur train (digit-vae, or dcgan -channels 1: 64x64, or 32x32 with -size 32); the input must be gray and of its size")
	}},
	{"seed", nil, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.Uint64Var(&f.seed, n, 1, "random `SEED`: the same seed and input give the same output (0 means 1)")
	}},
	{"finish", nil, func(fs *flag.FlagSet, f *methodFlags, n string) {
		fs.StringVar(&f.finish, n, "auto", "non-blind `METHOD` that makes the output from the input and the kernel: auto (irls up to 0.3 megapixels, else a hyper-Laplacian variant by size; deep-deblur*: none), "+strings.Join(deconv.Methods(), ", ")+", or none for the method's own image (colour: its luma with the blurry chroma)")
	}},
}

// defineMethodFlags defines on fs the rows of the table named (all rows
// when names is empty), under their own names.
func defineMethodFlags(fs *flag.FlagSet, f *methodFlags, names ...string) {
	for _, s := range methodFlagTable {
		if len(names) == 0 || slices.Contains(names, s.name) {
			s.define(fs, f, s.name)
		}
	}
}

// checkApplies returns a usage error for the first flag set on fs that the
// table says does not apply to method.
func checkApplies(fs *flag.FlagSet, method string) error {
	var bad string
	fs.Visit(func(fl *flag.Flag) {
		for _, s := range methodFlagTable {
			if bad == "" && s.name == fl.Name && s.methods != nil && !slices.Contains(s.methods, method) {
				bad = fl.Name
			}
		}
	})
	if bad != "" {
		return usagef("-%s does not apply to -method %s", bad, method)
	}
	return nil
}

func joinKernelNets() string {
	var s []string
	for _, k := range selfdeblur.KernelNets() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// options turns the flags set on fs into deblur.Options; every error is a
// usage error naming the flag.
func (f *methodFlags) options(fs *flag.FlagSet) (*deblur.Options, error) {
	if !slices.Contains(allMethods, f.method) {
		return nil, usagef("-method %q: want %s", f.method, joinMethods)
	}
	if err := checkApplies(fs, f.method); err != nil {
		return nil, err
	}
	o := &deblur.Options{KernelSize: f.kernelSize, Scale: f.scale, Seed: f.seed}
	if err := f.checkRanges(); err != nil {
		return nil, err
	}
	var err error
	if o.Region, err = parseRegion(f.region); err != nil {
		return nil, err
	}
	switch f.finish {
	case "auto", "":
	case "none":
		o.NoFinish = true
	default:
		if o.Finish, err = deconv.Lookup(f.finish); err != nil {
			return nil, usagef("-finish %q: want auto, none or one of %s", f.finish, strings.Join(deconv.Methods(), ", "))
		}
	}
	if o.Method, err = f.estimator(); err != nil {
		return nil, err
	}
	if v, ok := o.Method.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, usageError{err}
		}
	}
	return o, nil
}

// checkRanges checks the numeric flags, naming the flag and its range.
func (f *methodFlags) checkRanges() error {
	if f.kernelSize != 0 && f.kernelSize < 3 {
		return usagef("-kernel-size %d: must be 0 (chosen) or at least 3", f.kernelSize)
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"iters", f.iters}, {"restarts", f.restarts}, {"scale", f.scale}, {"width", f.width}, {"skip", f.skip}, {"polish", f.polish}, {"ssim-from", f.ssim}} {
		if c.v < 0 {
			return usagef("-%s %d: must be 0 (the default) or positive", c.name, c.v)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"tv", f.tv}, {"lr-image", f.lrImage}, {"lr-kernel", f.lrKernel}} {
		if !(c.v >= 0) || math.IsInf(c.v, 0) {
			return usagef("-%s %v: must be 0 (the default) or a positive number", c.name, c.v)
		}
	}
	return nil
}

// estimator builds the method of -method from its flags.
func (f *methodFlags) estimator() (blind.Estimator, error) {
	if f.method == methodL0 {
		return l0.Estimator{Iterations: f.iters}, nil
	}
	if slices.Contains(deepPriors, f.method) {
		gi, err := f.imagePrior()
		if err != nil {
			return nil, err
		}
		gk, err := pretrained.KernelVAE()
		if err != nil {
			return nil, err
		}
		return genprior.Estimator{Image: gi, Kernel: gk, Slack: f.method == methodDeepDeblurSlack, Steps: f.iters, Restarts: f.restarts, AsPublished: f.asPublished}, nil
	}
	e := selfdeblur.Estimator{Iterations: f.iters, Width: f.width, Skip: f.skip, Restarts: f.restarts, Polish: f.polish,
		SSIMFrom: f.ssim, TVWeight: f.tv, LRImage: f.lrImage, LRKernel: f.lrKernel, Float32: f.float32}
	var err error
	if e.Preset, err = selfdeblur.ParsePreset(f.preset); err != nil {
		return nil, usagef("-preset %q: want default, fast or paper", f.preset)
	}
	if e.Pick, err = selfdeblur.ParsePick(f.pick); err != nil {
		return nil, usagef("-pick %q: want auto, sharpest or objective", f.pick)
	}
	e.Solver, e.Loss, e.KernelNet = selfdeblur.Solver(f.solver), selfdeblur.Loss(f.loss), selfdeblur.KernelNet(f.kernelNet)
	if e.KernelNet == selfdeblur.KernelPrior {
		if e.KernelDecoder, err = pretrained.KernelVAE(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// imagePrior returns the image generator -prior names, which must make
// gray images.
func (f *methodFlags) imagePrior() (genprior.Generator, error) {
	g, err := loadPrior(f.prior)
	if err != nil {
		return nil, err
	}
	if c := g.Forward(nil, tensor.New(1, g.LatentDim())).Shape()[1]; c != 1 {
		return nil, usagef("-prior %s: a generator of %d-channel images; deep-deblur takes gray images (train it with -channels 1)", f.prior, c)
	}
	return g, nil
}

// loadPrior returns the image generator called name: a shipped one
// (digits, shoes) or one read from a weight file.
func loadPrior(name string) (genprior.Generator, error) {
	switch name {
	case "digits", "":
		return pretrained.DigitVAE()
	case "shoes":
		return pretrained.ShoeDCGAN()
	}
	r, err := os.Open(name)
	if err != nil {
		return nil, usagef("-prior %s: %v", name, err)
	}
	defer r.Close()
	m, err := generator.Load(r)
	if err != nil {
		return nil, usagef("-prior %s: %v", name, err)
	}
	g, ok := m.(genprior.Generator)
	if !ok || m.Kind() == "kernel-vae" {
		return nil, usagef("-prior %s: holds a %s, not an image generator (want a digit-vae or a dcgan)", name, m.Kind())
	}
	return g, nil
}

// maxRegionCoord bounds -region's numbers: far beyond any image, and far
// from overflowing X+W.
const maxRegionCoord = 1 << 20

// parseRegion parses -region: empty (chosen), "whole" or "X,Y,W,H".
func parseRegion(s string) (image.Rectangle, error) {
	switch s {
	case "":
		return image.Rectangle{}, nil
	case "whole":
		return image.Rectangle{}, nil // the image's bounds, set once it is read (forImage)
	}
	parts := strings.Split(s, ",")
	var v [4]int
	if len(parts) != 4 {
		return image.Rectangle{}, usagef("-region %q: want X,Y,W,H or whole", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || (i >= 2 && n == 0) || n > maxRegionCoord {
			return image.Rectangle{}, usagef("-region %q: want X,Y,W,H with non-negative X, Y and positive W, H (each at most %d)", s, maxRegionCoord)
		}
		v[i] = n
	}
	return image.Rect(v[0], v[1], v[0]+v[2], v[1]+v[3]), nil
}

// forImage completes o for the image img: -region whole becomes its
// bounds.
func (f *methodFlags) forImage(o *deblur.Options, img image.Image) {
	if f.region == "whole" {
		o.Region = img.Bounds()
	}
}

// optionFlags names the flag that sets each field of deblur.Options.
var optionFlags = map[string]string{
	"Method": "-method", "KernelSize": "-kernel-size", "Region": "-region", "Scale": "-scale",
	"Finish": "-finish", "NoFinish": "-finish none", "Seed": "-seed",
}

// usageOf turns the library's errors about options and image sizes into
// usage errors (exit status 2), an option named by its flag.
func usageOf(err error) error {
	var oe *deblur.OptionError
	if errors.As(err, &oe) {
		name := optionFlags[oe.Option]
		if name == "" {
			name = oe.Option
		}
		return usagef("%s %v: %s", name, oe.Value, oe.Reason)
	}
	if errors.Is(err, deblur.ErrOptions) || errors.Is(err, deblur.ErrImageSize) {
		return usageError{err}
	}
	return err
}
