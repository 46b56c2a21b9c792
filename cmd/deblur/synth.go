package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/trajectory"
)

// runSynth is "deblur synth WHAT": synthetic training data.
func runSynth(env *cliEnv, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: deblur synth kernels -n N -out DIR [flags]")
		fmt.Fprintln(w, "       deblur synth photo -o FILE.png [flags]")
		fmt.Fprintln(w, "       deblur synth samples -o FILE.png [flags]")
		fmt.Fprintln(w, "\nSynthesises data: camera-shake kernels for training, a large blurry photograph")
		fmt.Fprintln(w, "with its sharp version for measurements, or a grid of a generator's samples. Run")
		fmt.Fprintln(w, "\"deblur synth kernels -h\" (photo, samples) for their flags.")
	}
	if len(args) == 0 {
		usage(env.stderr)
		return usagef("synth: say what to synthesise (kernels, photo or samples)")
	}
	switch args[0] {
	case "kernels":
		return runSynthKernels(env, args[1:])
	case "photo":
		return runSynthPhoto(env, args[1:])
	case "samples":
		return runSynthSamples(env, args[1:])
	case "-h", "-help", "--help", "help":
		usage(env.stderr)
		return nil
	}
	usage(env.stderr)
	return usagef("synth: unknown target %q (kernels, photo or samples)", args[0])
}

// kernelSet is DIR/kernels.json, the record of a synthesised kernel set.
type kernelSet struct {
	Version     string            `json:"version"`
	Model       string            `json:"model"`
	Seed        uint64            `json:"seed"`
	Params      kernelParams      `json:"params"`
	Orientation string            `json:"orientation"`
	Images      string            `json:"images"`
	Count       int               `json:"count"`
	Kernels     []synthKernelInfo `json:"kernels"`
}

type kernelParams struct {
	Size      int     `json:"size"`
	Samples   int     `json:"samples"`
	Anxiety   float64 `json:"anxiety"`
	MinLength float64 `json:"min_length"`
	MaxLength float64 `json:"max_length"`
}

type synthKernelInfo struct {
	File   string      `json:"file"`
	Length float64     `json:"length"`
	Values [][]float64 `json:"values,omitempty"` // rows, with -values
}

// synthKernelsOptions are the parsed flags of "deblur synth kernels".
type synthKernelsOptions struct {
	n      int
	out    string
	seed   uint64
	p      trajectory.Params
	values bool
	quiet  bool
}

// maxSynthKernels bounds -n so that a typo cannot exhaust memory.
const maxSynthKernels = 10_000_000

func runSynthKernels(env *cliEnv, args []string) error {
	o, help, err := parseSynthKernels(env, args)
	if help || err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return writeKernelSet(ctx, env, o)
}

// parseSynthKernels parses and checks the flags and creates the output
// directory; every problem it finds is a usage error.
func parseSynthKernels(env *cliEnv, args []string) (o synthKernelsOptions, help bool, err error) {
	fs := flag.NewFlagSet("synth kernels", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	d := trajectory.Default()
	fs.IntVar(&o.n, "n", 0, "number of kernels `N` (required, at least 1)")
	fs.StringVar(&o.out, "out", "", "output `DIR`, created if missing (required)")
	fs.Uint64Var(&o.seed, "seed", 1, "random `SEED`; the same seed and flags give the same set")
	fs.IntVar(&o.p.Size, "size", d.Size, "kernel and frame size `S` in pixels (at least 3)")
	fs.Float64Var(&o.p.MinLength, "min-length", d.MinLength, "shortest total trajectory length `L` in pixels")
	fs.Float64Var(&o.p.MaxLength, "max-length", 0, "longest total trajectory length `L` in pixels, at most -size (0: -size)")
	fs.Float64Var(&o.p.Anxiety, "anxiety", d.Anxiety, "anxiety `A` in [0, 1]: random perturbations and jerks (0: straight lines)")
	fs.IntVar(&o.p.Samples, "samples", d.Samples, "trajectory samples `M` (at least 2)")
	fs.BoolVar(&o.values, "values", false, "also store every kernel's float values in kernels.json (large for big sets)")
	fs.BoolVar(&o.quiet, "q", false, "quiet: no progress output")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur synth kernels -n N -out DIR [flags]")
		fmt.Fprintln(w, "\nDraws N random camera-shake trajectories (Boracchi & Foi 2012: a random walk with")
		fmt.Fprintln(w, "inertia and rare jerks, total length uniform in [-min-length, -max-length]) and")
		fmt.Fprintln(w, "writes their S x S convolution kernels as DIR/kernel_00001.png ... (8-bit gray,")
		fmt.Fprintln(w, "each scaled so its maximum is 255) and DIR/kernels.json (seed, parameters, and")
		fmt.Fprintln(w, "each file's trajectory length). The defaults are the published ones.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	if _, help, err := parseCommand(fs, args, 0, "no arguments"); help || err != nil {
		return o, help, err
	}
	if o.p.MaxLength == 0 {
		o.p.MaxLength = float64(o.p.Size)
	}
	switch {
	case o.n < 1 || o.n > maxSynthKernels:
		return o, false, usagef("synth kernels: -n %d: want 1 to %d kernels", o.n, maxSynthKernels)
	case o.out == "":
		return o, false, usagef("synth kernels: -out is required")
	}
	if err := o.p.Validate(); err != nil {
		return o, false, usageError{fmt.Errorf("synth kernels: %w", err)}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return o, false, usagef("synth kernels: output directory: %w", err)
	}
	if err := checkWritable(filepath.Join(o.out, "kernels.json")); err != nil {
		return o, false, usageError{fmt.Errorf("synth kernels: %w", err)}
	}
	return o, false, nil
}

// writeKernelSet draws the kernels, writes their PNGs (several at a time:
// each write waits for the disk) and, when all are written, kernels.json.
func writeKernelSet(ctx context.Context, env *cliEnv, o synthKernelsOptions) error {
	p := o.p
	set := kernelSet{
		Version: version, Model: "camera-shake trajectories after Boracchi & Foi 2012 (package trajectory)",
		Seed: o.seed, Params: kernelParams{p.Size, p.Samples, p.Anxiety, p.MinLength, p.MaxLength},
		Orientation: "convolution (blurry = kernel * sharp)",
		Images:      "8-bit gray PNG, each scaled so its maximum is 255; normalise to sum 1 to use",
		Count:       o.n, Kernels: make([]synthKernelInfo, o.n),
	}
	width := max(5, len(fmt.Sprint(o.n)))
	rng, start, logged := nn.NewRand(o.seed), time.Now(), 0
	w := newParallelWriter(ctx, 8)
	for i := range o.n {
		if w.stopped() {
			break
		}
		tr, err := trajectory.Random(rng, p)
		if err != nil {
			w.fail(err)
			break
		}
		k, err := tr.Kernel(p.Size)
		if err != nil {
			w.fail(fmt.Errorf("kernel %d: %w", i+1, err))
			break
		}
		info := synthKernelInfo{File: fmt.Sprintf("kernel_%0*d.png", width, i+1), Length: tr.Length}
		if o.values {
			info.Values = rows(k)
		}
		set.Kernels[i] = info
		file := filepath.Join(o.out, info.File)
		w.do(func() error { return imageio.WriteKernelPNG(file, k, 1) })
		if tenth := (i + 1) * 10 / o.n; !o.quiet && tenth > logged {
			logged = tenth
			fmt.Fprintf(env.stderr, "synth kernels: drawn %d/%d  elapsed %s\n", i+1, o.n, fmtDuration(time.Since(start)))
		}
	}
	if err := w.wait(); err != nil {
		return fmt.Errorf("synth kernels: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("synth kernels: interrupted; kernels.json not written")
	}
	path := filepath.Join(o.out, "kernels.json")
	err := atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(set)
	})
	if err != nil {
		return fmt.Errorf("synth kernels: %w", err)
	}
	if !o.quiet {
		fmt.Fprintf(env.stderr, "wrote %d kernels and %s\n", o.n, path)
	}
	return nil
}

// rows returns k's samples row by row.
func rows(k *plane.Plane) [][]float64 {
	r := make([][]float64, k.H)
	for y := range r {
		r[y] = k.Pix[y*k.W : (y+1)*k.W]
	}
	return r
}
