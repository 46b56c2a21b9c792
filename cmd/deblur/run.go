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
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/atomicfile"
)

// runFlags are the options of the default command.
type runFlags struct {
	methodFlags
	writeFlags
	maxPixels                 maxPixelsFlag
	out, kernelOut, reportOut string
	quiet                     bool
}

func newRunFlagSet(env *cliEnv, f *runFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.StringVar(&f.out, "o", "", "output image `PATH`: .png (16-bit when the input is), .jpg or .tif (default: IN with -deblurred.png)")
	fs.StringVar(&f.kernelOut, "kernel-out", "", "kernel image `PATH`, a PNG (default: OUT with -kernel.png)")
	fs.StringVar(&f.reportOut, "report", "", "JSON report `PATH` (default: OUT with .json)")
	fs.BoolVar(&f.quiet, "q", false, "quiet: no progress output")
	defineWriteFlags(fs, &f.writeFlags)
	defineMaxPixels(fs, &f.maxPixels)
	defineMethodFlags(fs, &f.methodFlags)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur [flags] IN.(png|jpg|tif|webp|bmp|gif)")
		fmt.Fprintln(w, "\nEstimates the blur kernel and the sharp image. Writes the image (by -o's extension: PNG, 16-bit")
		fmt.Fprintln(w, "when the input is; JPEG; TIFF), the kernel as a viewable PNG and a JSON report, never over the")
		fmt.Fprintln(w, "input, nor over existing files without -overwrite. Ctrl-C stops early and still writes them.")
		fmt.Fprintln(w, "Flags of one method only (e.g. -kernel-size: selfdeblur) are refused for another.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

func runDeblur(env *cliEnv, args []string) error {
	var f runFlags
	fs := newRunFlagSet(env, &f)
	pos, help, err := parseCommand(fs, args, 1, "exactly one input image")
	if help || err != nil {
		return err
	}
	opts, err := f.options(fs)
	if err != nil {
		return err
	}
	in := pos[0]
	outs := outputPaths(in, f.out, f.kernelOut, f.reportOut)
	if err := distinctOutputs([]string{in}, outs.image, outs.kernel, outs.report); err != nil {
		return usageError{err}
	}
	if err := f.check(outs.image, outs.kernel, outs.report); err != nil {
		return err
	}
	if format, _ := imageio.FormatOf(outs.kernel); format != imageio.FormatPNG {
		return usagef("-kernel-out %s: the kernel is written as a PNG: give a name ending .png", outs.kernel)
	}
	if err := checkWritable(outs.image, outs.kernel, outs.report); err != nil {
		return usageError{err}
	}
	img, meta, err := readInput(in, f.maxPixels.limits())
	if err != nil {
		return err
	}
	f.forImage(opts, img)
	if !f.quiet {
		opts.Recorder = &progressPrinter{w: env.stderr, tty: env.stderrIsTTY}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, runErr := deblur.Deblur(ctx, img, opts)
	if res == nil {
		return usageOf(runErr)
	}
	return finishRun(env, f.quiet, in, outs, f.writeOptions(meta), res, runErr)
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
// failure that left a result), says so unless quiet, and turns runErr into
// the command's error.
func finishRun(env *cliEnv, quiet bool, in string, outs outputSet, wo imageio.WriteOptions, res *deblur.Result, runErr error) error {
	rep := res.Report
	rep.Version, rep.Input = version, in
	rep.Outputs = map[string]string{"image": outs.image, "kernel": outs.kernel, "report": outs.report}
	if err := imageio.WriteImage(outs.image, res.Image, wo); err != nil {
		return err
	}
	if err := imageio.WriteKernelPNG(outs.kernel, res.Kernel, imageio.KernelViewScale(max(res.Kernel.W, res.Kernel.H))); err != nil {
		return err
	}
	if err := atomicfile.WriteJSON(outs.report, rep); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(env.stderr, "wrote %s, %s and %s (%d iterations, %s)\n", outs.image, outs.kernel, outs.report, rep.Iterations, fmtDuration(res.Elapsed))
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("interrupted after %d iterations; the outputs hold the result so far", rep.Iterations)
	}
	return runErr
}
