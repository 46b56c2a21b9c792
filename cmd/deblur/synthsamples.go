package main

import (
	"flag"
	"fmt"
	"math"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// runSynthSamples is "deblur synth samples": a grid of a generator's
// images, to see what it has learnt.
func runSynthSamples(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("synth samples", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	out := fs.String("o", "", "grid `FILE` (PNG, required)")
	prior := fs.String("prior", "digits", "image generator `PRIOR`: digits, shoes or FILE.dbw (deblur train)")
	n := fs.Int("n", 64, "`N` samples, 1..1024, drawn with latents from N(0, I)")
	seed := fs.Uint64("seed", 1, "random `SEED` of the latents")
	overwrite := fs.Bool("overwrite", false, "replace -o if it exists")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur synth samples -o FILE.png [flags]")
		fmt.Fprintln(w, "\nWrites a square grid of images the generator makes from random latents, one pixel")
		fmt.Fprintln(w, "apart, to see what a prior has learnt before deblurring with it.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	if _, help, err := parseCommand(fs, args, 0, "no arguments"); help || err != nil {
		return err
	}
	if *out == "" {
		return usagef("synth samples: -o is required")
	}
	if *n < 1 || *n > 1024 {
		return usagef("synth samples: -n %d: want 1..1024", *n)
	}
	if err := checkWritable(*out); err != nil {
		return usageError{err}
	}
	if err := refuseExisting(*overwrite, *out); err != nil {
		return err
	}
	g, err := loadPrior(*prior)
	if err != nil {
		return err
	}
	z := tensor.New(*n, g.LatentDim())
	nn.Normal(nn.NewRand(*seed), z, 0, 1)
	x := g.Forward(nil, z)
	c, h, w := x.Dim(1), x.Dim(2), x.Dim(3)
	cols := int(math.Ceil(math.Sqrt(float64(*n))))
	rows := (*n + cols - 1) / cols
	grid := &imageio.Image{}
	for range c {
		grid.Channels = append(grid.Channels, plane.New(cols*(w+1)-1, rows*(h+1)-1))
	}
	for i := range *n {
		x0, y0 := (i%cols)*(w+1), (i/cols)*(h+1)
		for ch, p := range grid.Channels {
			src := x.Data[(i*c+ch)*h*w : (i*c+ch+1)*h*w]
			for y := range h {
				for xx := range w {
					p.Pix[(y0+y)*p.W+x0+xx] = float64(src[y*w+xx])
				}
			}
		}
	}
	if err := imageio.WritePNG(*out, grid, imageio.Depth8); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "wrote %s (%d samples of %dx%d)\n", *out, *n, w, h)
	return nil
}
