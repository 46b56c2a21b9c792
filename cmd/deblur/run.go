package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/blas"
	"github.com/deblur/deblur/internal/vec"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/selfdeblur"
)

// runFlags are the options of the default command.
type runFlags struct {
	out, kernelOut, reportOut string
	kernelSize                int
	preset                    string
	iters, width, skip        int
	seed                      uint64
	solver, loss, kernelNet   string
	ssimFrom                  int
	tv, lrImage, lrKernel     float64
	quiet                     bool
	finish                    string
	estimateSize, centreSize  int
	maxEstimateKernel         int
	method                    string
	restarts                  int
	pick                      string
	polish                    int
}

func newRunFlagSet(env *cliEnv, f *runFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.StringVar(&f.out, "o", "", "output image `PATH` (PNG; default: IN with -deblurred.png)")
	fs.StringVar(&f.kernelOut, "kernel-out", "", "kernel image `PATH` (default: OUT with -kernel.png)")
	fs.StringVar(&f.reportOut, "report", "", "JSON report `PATH` (default: OUT with .json)")
	fs.IntVar(&f.kernelSize, "kernel-size", 0, "blur kernel size `K` in pixels (K x K, >= 3; a little too large is safe; given, restarts alternate K with a generous frame of about 12 % of the estimation region's shorter side when that is larger and within -max-estimate-kernel; 0: chosen: restarts alternate a frame of about 12 % of the estimation region's shorter side with one of 60 % of that, the fit with the lower final objective is kept (-pick auto) and its kernel centred and trimmed to its support)")
	fs.StringVar(&f.preset, "preset", "default", "settings preset: default (400 iterations, 2 restarts in parallel; images up to -estimate-size: the centred -centre-size window at 600; about a minute at 255x255 on 2 cores), fast (600 iterations, one fit) or paper (the published configuration, slow)")
	fs.StringVar(&f.method, "method", methodSelfDeblur, "blind `METHOD`: selfdeblur, or deep-deblur / deep-deblur-slack (Algorithms 1 / 2 of the deep generative priors method, with the shipped digit and kernel generators: 28x28 gray digits only)")
	fs.IntVar(&f.iters, "iters", 0, "iterations, or steps (0: the preset's; deep-deblur 6000, deep-deblur-slack 10000; fewer cut deep-deblur's step schedule short)")
	fs.IntVar(&f.restarts, "restarts", 0, "random restarts (0: the method's): selfdeblur fits with seeds SEED, SEED+1, ... run concurrently, one kept by -pick (default preset 2, others 1); deep-deblur* restarts run as one batch (10)")
	fs.StringVar(&f.pick, "pick", "auto", "which selfdeblur restart is kept: sharpest (lowest normalised gradient sparsity of its image), objective (lowest final objective) or auto (sharpest when the restarts share a kernel frame, objective when -kernel-size is chosen and the frames differ)")
	fs.IntVar(&f.polish, "polish", 0, "selfdeblur: `N` steps refining the kernel alone against the frozen image after the joint fit, at the schedule's last kernel learning rate (0: none; 300 adds about 2.5 s at 255x255 and gained 0.05 dB on Levin)")
	fs.IntVar(&f.width, "width", 0, "channels of the image network (0: the preset's; paper 128)")
	fs.IntVar(&f.skip, "skip", 0, "skip channels of the image network (0: the preset's; paper 16)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed and input give the same output")
	fs.StringVar(&f.solver, "solver", "joint", "optimisation: joint or alternating")
	fs.StringVar(&f.loss, "loss", "code", "objective: code (MSE, then 1-SSIM) or paper (MSE + lambda TV)")
	fs.IntVar(&f.ssimFrom, "ssim-from", -1, "loss code: first iteration of the 1-SSIM loss (-1: the preset's)")
	fs.Float64Var(&f.tv, "tv", -1, "loss paper: TV weight lambda (-1: 0.1 x estimated noise sigma)")
	fs.Float64Var(&f.lrImage, "lr-image", 0, "learning rate of the image network (0: the preset's, 0.01)")
	fs.Float64Var(&f.lrKernel, "lr-kernel", 0, "learning rate of the kernel network (0: the preset's: paper 1e-4, fast 1e-3)")
	fs.StringVar(&f.kernelNet, "kernel-net", string(selfdeblur.KernelFCN), "kernel network: "+joinKernelNets())
	fs.BoolVar(&f.quiet, "q", false, "quiet: no progress output")
	fs.StringVar(&f.finish, "finish", "auto", "non-blind `METHOD` that makes the output: every channel of the input deconvolved with the estimated kernel (auto: irls up to 0.3 megapixels, else hyperlaplacian or, for very large images, its faster variants; "+strings.Join(deconv.Methods(), ", ")+"), or none for SelfDeblur's own image (colour: its luma with the blurry chroma)")
	fs.IntVar(&f.maxEstimateKernel, "max-estimate-kernel", deblur.DefaultMaxEstimateKernel, "estimate kernels larger than `N` px on the image shrunk by the smallest integer factor that brings them to N or less, then resample the kernel (0: always at full size; needs a -finish method)")
	fs.IntVar(&f.estimateSize, "estimate-size", deblur.DefaultEstimateSize, "estimate the kernel on the most informative `N` x N window of larger images (0: always the whole image; needs a -finish method)")
	fs.IntVar(&f.centreSize, "centre-size", deblur.DefaultCentreSize, fmt.Sprintf("with -kernel-size, estimate the kernel of images up to -estimate-size on their centred `N` x N window, with %d iterations unless -iters is given (0: the whole image; frames are sized for the whole image)", deblur.DefaultCentreIterations))
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: deblur [flags] IN.(png|jpg)")
		fmt.Fprintln(env.stderr, "       deblur -method deep-deblur|deep-deblur-slack [flags] DIGIT.png   (28x28 gray)")
		fmt.Fprintln(env.stderr, "\nEstimates the blur kernel and the sharp image with SelfDeblur (or a deep generative prior). Writes the image (PNG),")
		fmt.Fprintln(env.stderr, "the kernel as a viewable PNG and a JSON report. Ctrl-C stops early and still writes them.")
		fmt.Fprintln(env.stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

func joinKernelNets() string {
	var s []string
	for _, k := range selfdeblur.KernelNets() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// settings turns the flags into SelfDeblur settings.
func (f *runFlags) settings() (selfdeblur.Settings, error) {
	var s selfdeblur.Settings
	switch f.preset {
	case "default":
		s = selfdeblur.Default(f.kernelSize)
	case "fast":
		s = selfdeblur.Fast(f.kernelSize)
	case "paper":
		s = selfdeblur.Paper(f.kernelSize)
	default:
		return s, usagef("unknown -preset %q (default, fast or paper)", f.preset)
	}
	if f.iters > 0 {
		s = s.WithIterations(f.iters)
	}
	if f.width > 0 || f.skip > 0 {
		w, sk := s.Gx.Down[0], s.Gx.Skip[0]
		if f.width > 0 {
			w = f.width
		}
		if f.skip > 0 {
			sk = f.skip
		}
		s.Gx = selfdeblur.UniformSkip(w, sk)
	}
	if f.restarts < 0 {
		return s, usagef("-restarts %d: must not be negative", f.restarts)
	}
	if f.restarts > 0 {
		s.Restarts = f.restarts
	}
	if f.polish < 0 {
		return s, usagef("-polish %d: must not be negative", f.polish)
	}
	s.PolishIterations = f.polish
	pick, err := selfdeblur.ParsePick(f.pick)
	if err != nil {
		return s, usagef("-pick %q: want auto, sharpest or objective", f.pick)
	}
	s.Pick = pick
	if f.ssimFrom >= 0 {
		s.SSIMFrom = f.ssimFrom
	}
	if f.lrImage > 0 {
		s.LRImage = f.lrImage
	}
	if f.lrKernel > 0 {
		s.LRKernel = f.lrKernel
	}
	s.Seed, s.TVWeight = f.seed, f.tv
	s.Solver, s.Loss, s.KernelNet = selfdeblur.Solver(f.solver), selfdeblur.Loss(f.loss), selfdeblur.KernelNet(f.kernelNet)
	if s.KernelNet == selfdeblur.KernelPrior {
		if f.kernelSize > generator.KernelSize {
			return s, usagef("-kernel-net %s: -kernel-size %d is larger than the kernel generator's %dx%d kernels", selfdeblur.KernelPrior, f.kernelSize, generator.KernelSize, generator.KernelSize)
		}
		dec, err := pretrained.KernelVAE()
		if err != nil {
			return s, err
		}
		s.KernelDecoder = dec
	}
	if err := s.Validate(); err != nil {
		return s, usageError{err}
	}
	return s, nil
}

func runDeblur(env *cliEnv, args []string) error {
	var f runFlags
	fs := newRunFlagSet(env, &f)
	pos, help, err := parseCommand(fs, args, 1, "exactly one input image")
	if help || err != nil {
		return err
	}
	in := pos[0]
	switch f.method {
	case methodSelfDeblur:
	case methodDeepDeblur, methodDeepDeblurSlack:
		return runDeepPrior(env, fs, &f, in)
	default:
		return usagef("unknown -method %q (%s, %s or %s)", f.method, methodSelfDeblur, methodDeepDeblur, methodDeepDeblurSlack)
	}
	if f.kernelSize != 0 && f.kernelSize < 3 {
		return usagef("-kernel-size %d: must be at least 3 (or 0 to choose it)", f.kernelSize)
	}
	if f.maxEstimateKernel < 0 {
		return usagef("-max-estimate-kernel %d: must be 0 or positive", f.maxEstimateKernel)
	}
	if f.estimateSize < 0 {
		return usagef("-estimate-size %d: must be 0 or positive", f.estimateSize)
	}
	if f.centreSize < 0 {
		return usagef("-centre-size %d: must be 0 or positive", f.centreSize)
	}
	switch f.finish {
	case "auto", "none":
	default:
		if _, err := deconv.Lookup(f.finish); err != nil {
			return usageError{err}
		}
	}
	probe := f
	probe.kernelSize = max(f.kernelSize, 3)
	if _, err := probe.settings(); err != nil { // flag errors before reading the image
		return err
	}
	outs := outputPaths(in, f.out, f.kernelOut, f.reportOut)
	if err := checkWritable(outs.image, outs.kernel, outs.report); err != nil {
		return usageError{err}
	}
	im, err := imageio.Read(in)
	if err != nil {
		return usageError{err}
	}
	// The kernel is estimated on the whole image or on a window of it.
	ew, eh := im.W(), im.H()
	if f.finish != "none" {
		ew, eh = deblur.EstimationRegion(ew, eh, f.estimateSize)
	}
	autoSize := f.kernelSize == 0
	if autoSize {
		f.kernelSize = kernel.AutoSize(ew, eh)
		if selfdeblur.KernelNet(f.kernelNet) == selfdeblur.KernelPrior {
			f.kernelSize = min(f.kernelSize, generator.KernelSize-1)
		}
	}
	if f.kernelSize > ew || f.kernelSize > eh {
		return usagef("-kernel-size %d is larger than the %dx%d image (or estimation window)", f.kernelSize, ew, eh)
	}
	s, err := f.settings()
	if err != nil {
		return err
	}
	trim := autoSize
	if autoSize {
		s.RestartKernelSizes = kernel.AutoFrames(f.kernelSize, s.Restarts)
	} else {
		// A generous frame beside the given one (Levin: 33.59 dB, error
		// ratio 1.64, against 33.34 and 1.73 with both fits in the given
		// frame), unless it would exceed -max-estimate-kernel and so move
		// the estimation onto a shrunk copy.
		maxFrame := 0
		if f.finish != "none" {
			maxFrame = f.maxEstimateKernel
		}
		s, trim = selfdeblur.WithGivenFrames(s, ew, eh, maxFrame)
	}
	opt := deblur.Options{SelfDeblur: s, Trim: trim}
	switch f.finish {
	case "none":
	case "auto":
		opt.Finish = deblur.AutoFinish(im.W(), im.H())
	default:
		opt.Finish = f.finish
	}
	if opt.Finish != "" {
		opt.Region = commandRegion(f.estimateSize, f.maxEstimateKernel, f.centreSize, f.iters)
		if autoSize {
			opt.Region = opt.Region.ForAutoKernelSize()
		}
	}
	if !f.quiet {
		opt.SelfDeblur.Recorder = &progressPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, runErr := deblur.BlindPlanes(ctx, im, opt)
	if res == nil {
		if runErr != nil && strings.Contains(runErr.Error(), "too small") {
			return usageError{runErr}
		}
		return runErr
	}
	rep := newRunReport(in, outs, methodSelfDeblur, res.Settings, res, runErr)
	rep.KernelSizeAuto = autoSize
	w := res.Window
	rep.Window = &[4]int{w.Min.X, w.Min.Y, w.Dx(), w.Dy()}
	rep.EstimateScale = res.Scale
	if opt.Finish != "" && runErr == nil {
		rep.Finish = opt.Finish
		if !res.Image.IsGray() {
			rep.Colour = "kernel estimated on BT.601 luma; every RGB channel deconvolved with it (" + opt.Finish + ")"
		}
	}
	return finishRun(env, f.quiet, outs, res, rep, runErr, "iterations", res.Settings.Iterations)
}

type outputSet struct{ image, kernel, report string }

func outputPaths(in, out, kernelOut, reportOut string) outputSet {
	if out == "" {
		out = strings.TrimSuffix(in, filepath.Ext(in)) + "-deblurred.png"
	}
	base := strings.TrimSuffix(out, filepath.Ext(out))
	o := outputSet{out, kernelOut, reportOut}
	if o.kernel == "" {
		o.kernel = base + "-kernel.png"
	}
	if o.report == "" {
		o.report = base + ".json"
	}
	return o
}

// checkWritable fails early, before any work, when an output's directory
// does not exist or is not writable.
func checkWritable(paths ...string) error {
	for _, p := range paths {
		dir := filepath.Dir(p)
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("output %s: %w", p, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("output %s: %s is not a directory", p, dir)
		}
		tmp, err := os.CreateTemp(dir, ".deblur-probe-*")
		if err != nil {
			return fmt.Errorf("output %s: directory not writable: %w", p, err)
		}
		tmp.Close()
		os.Remove(tmp.Name())
	}
	return nil
}

// finishRun writes a run's outputs (also after an interruption or a
// failure that left a result), says so unless quiet, and turns runErr
// into the command's error; unit names the steps ("iterations", "steps")
// of which total were planned.
func finishRun(env *cliEnv, quiet bool, outs outputSet, res *deblur.Result, rep *runReport, runErr error, unit string, total int) error {
	if err := writeOutputs(outs, res, rep); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(env.stderr, "wrote %s, %s and %s (%d %s, %s)\n", outs.image, outs.kernel, outs.report, res.Iterations, unit, fmtDuration(res.Elapsed))
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return fmt.Errorf("interrupted after %d of %d %s; the outputs hold the result so far", res.Iterations, total, unit)
		}
		return runErr
	}
	return nil
}

func writeOutputs(o outputSet, res *deblur.Result, rep *runReport) error {
	if err := imageio.WritePNG(o.image, res.Image, imageio.Depth8); err != nil {
		return err
	}
	if err := imageio.WriteKernelPNG(o.kernel, res.Kernel, kernelScale(max(res.Kernel.W, res.Kernel.H))); err != nil {
		return err
	}
	return writeJSON(o.report, rep)
}

// kernelScale enlarges small kernels so the PNG is viewable (about 256 px).
func kernelScale(k int) int { return max(1, 256/max(k, 1)) }

// backendName names the GEMM backend and the element-wise loops' build.
func backendName() string { return blas.Backend() + "; element-wise loops: " + vec.Backend() }

// commandRegion is the estimation region of the command's flags: the
// centred window runs deblur.DefaultCentreIterations unless -iters (iters
// above 0) asked for a number.
func commandRegion(estimateSize, maxEstimateKernel, centreSize, iters int) deblur.Region {
	r := deblur.Region{EstimateSize: estimateSize, MaxEstimateKernel: maxEstimateKernel, CentreSize: centreSize}
	if iters == 0 {
		r.CentreIterations = deblur.DefaultCentreIterations
	}
	return r
}
