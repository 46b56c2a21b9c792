package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/deblur/deblur/bench"
	"github.com/deblur/deblur/imageio"
)

// runSynthPhoto is "deblur synth photo": a large synthetic blurry photo.
func runSynthPhoto(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("synth photo", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	p := bench.DefaultPhoto()
	out := fs.String("o", "", "blurry photo `FILE` (PNG, required); FILE-sharp.png and FILE-kernel.png are written beside it")
	data := fs.String("data", filepath.Join("..", "shared", "data"), "benchmark data `DIR` holding lai/")
	fs.StringVar(&p.Image, "image", p.Image, "sharp `NAME` of lai/sharp (e.g. natural_01)")
	fs.IntVar(&p.Kernel, "kernel", p.Kernel, "kernel `N` of lai/kernels: 1 (31 px), 2 (51), 3 (55) or 4 (75)")
	size := fs.String("size", fmt.Sprintf("%dx%d", p.Width, p.Height), "photo size `WxH` in pixels")
	fs.Float64Var(&p.Noise, "noise", p.Noise, "Gaussian noise `SIGMA` on [0, 1]")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur synth photo -o FILE.png [flags]")
		fmt.Fprintln(w, "\nWrites a blurry photograph made from the Lai et al. data: a sharp image tiled by")
		fmt.Fprintln(w, "mirroring to -size, blurred by one of their kernels (valid model), plus noise; the")
		fmt.Fprintln(w, "defaults make the 12-megapixel case of the documentation (4000x3000, 75 px kernel).")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	if _, help, err := parseCommand(fs, args, 0, "no arguments"); help || err != nil {
		return err
	}
	if *out == "" {
		return usagef("synth photo: -o is required")
	}
	if _, err := fmt.Sscanf(*size, "%dx%d", &p.Width, &p.Height); err != nil || p.Width < 1 || p.Height < 1 || p.Width*p.Height > imageio.DefaultMaxPixels {
		return usagef("synth photo: -size %q: want WxH, positive, at most %d pixels", *size, imageio.DefaultMaxPixels)
	}
	base := strings.TrimSuffix(*out, filepath.Ext(*out))
	paths := []string{*out, base + "-sharp.png", base + "-kernel.png"}
	if err := checkWritable(paths...); err != nil {
		return usageError{err}
	}
	blurry, sharp, k, err := p.Make(filepath.Join(*data, "lai"))
	if err != nil {
		return usageError{err}
	}
	if err := imageio.WritePNG(paths[0], blurry, imageio.Depth8); err != nil {
		return err
	}
	if err := imageio.WritePNG(paths[1], sharp, imageio.Depth8); err != nil {
		return err
	}
	if err := imageio.WriteKernelPNG(paths[2], k, 1); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "wrote %s (%dx%d, kernel %d px, noise %g) and %s, %s\n", paths[0], p.Width, p.Height, k.W, p.Noise, paths[1], paths[2])
	return nil
}
