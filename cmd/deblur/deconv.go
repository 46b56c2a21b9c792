package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/imageio"
)

// runDeconv is "deblur deconv": non-blind deconvolution with a given kernel.
func runDeconv(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("deconv", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	kernel := fs.String("kernel", "", "convolution kernel `FILE`: a PNG (any size; normalised to sum 1; the run command's enlarged kernel PNG is shrunk back) or a run report (.json, the exact values); required")
	method := fs.String("method", "irls", "non-blind `METHOD`: "+strings.Join(deconv.Methods(), ", "))
	out := fs.String("o", "", "output image `PATH`: .png, .jpg or .tif (default: IN with -deconv.png)")
	var wf writeFlags
	defineWriteFlags(fs, &wf)
	var maxPixels maxPixelsFlag
	defineMaxPixels(fs, &maxPixels)
	rot := fs.Bool("rot180", false, "rotate the kernel by 180 degrees first (for correlation kernels)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: deblur deconv -kernel K.png [-method M] [-o OUT.png] IN.png")
		fmt.Fprintln(env.stderr, "\nRemoves a known blur from every channel of IN (non-blind deconvolution).")
		fs.PrintDefaults()
	}
	pos, help, err := parseCommand(fs, args, 1, "exactly one input image")
	if help || err != nil {
		return err
	}
	if *kernel == "" {
		fs.Usage()
		return usagef("deconv: -kernel is required")
	}
	d, err := deconv.Lookup(*method)
	if err != nil {
		return usageError{err}
	}
	in := pos[0]
	if *out == "" {
		*out = strings.TrimSuffix(in, filepath.Ext(in)) + "-deconv.png"
	}
	if err := distinctOutputs([]string{in, *kernel}, *out); err != nil {
		return usageError{err}
	}
	if err := wf.check(*out); err != nil {
		return err
	}
	if err := checkWritable(*out); err != nil {
		return usageError{err}
	}
	k, err := readKernelFile(*kernel)
	if err != nil {
		return usageError{err}
	}
	if *rot {
		k = k.Rot180()
	}
	img, meta, err := readInput(in, maxPixels.limits())
	if err != nil {
		return err
	}
	if b := img.Bounds(); k.W > b.Dx() || k.H > b.Dy() {
		return usagef("kernel %dx%d is larger than the %dx%d image", k.W, k.H, b.Dx(), b.Dy())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	res, err := deblur.Deconvolve(ctx, img, k, d)
	if err != nil {
		return err
	}
	if err := imageio.WriteImage(*out, res, wf.writeOptions(meta)); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "wrote %s (%s, %.2f s)\n", *out, *method, time.Since(start).Seconds())
	return nil
}
