package main

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
)

var updateSamples = flag.Bool("update-samples", false, "rewrite samples/ from the generator")

// sampleScene draws the shipped sample: a 200x200 scene of smooth shading,
// discs, bars, a checkerboard and thin strokes, so that both edges and
// texture show what deblurring does.
func sampleScene() *plane.Plane {
	const n = 200
	p := plane.New(n, n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			fx, fy := float64(x), float64(y)
			v := 0.35 + 0.25*fx/n + 0.1*math.Sin(fy/23)
			if (fx-60)*(fx-60)+(fy-60)*(fy-60) < 30*30 {
				v = 0.85
			}
			if (fx-150)*(fx-150)+(fy-55)*(fy-55) < 18*18 {
				v = 0.15
			}
			if x > 20 && x < 180 && y > 110 && y < 118 {
				v = 0.1
			}
			if x > 110 && x < 190 && y > 130 && y < 190 && (x/8+y/8)%2 == 0 {
				v = 0.9
			}
			for i := 0; i < 6; i++ {
				cx := 20 + 14*i
				if x >= cx && x < cx+3 && y > 130 && y < 185 {
					v = 0.05 + 0.15*float64(i%2)
				}
			}
			if math.Abs(fy-(140+0.4*(fx-20))) < 1.2 && x > 20 && x < 100 {
				v = 0.95
			}
			p.Set(x, y, v)
		}
	}
	return p
}

// sampleKernel is a 15x15 camera-shake kernel: a curved stroke.
func sampleKernel() *plane.Plane {
	k := plane.New(15, 15)
	for t := 0.0; t <= 1; t += 0.01 {
		x := 2 + 10*t
		y := 4 + 7*t*t
		k.Set(int(math.Round(x)), int(math.Round(y)), k.At(int(math.Round(x)), int(math.Round(y)))+1+t)
	}
	if err := k.Normalize(); err != nil {
		panic(err)
	}
	return k
}

// TestShippedSample regenerates samples/ (blurry = scene convolved with the
// kernel, 'same' size, plus 1% Gaussian noise with a fixed seed) and checks
// the committed files are exactly that. Run with -update-samples to rewrite.
func TestShippedSample(t *testing.T) {
	sharp, k := sampleScene(), sampleKernel()
	blurred, err := blur.Convolve(sharp, k, blur.Same)
	if err != nil {
		t.Fatal(err)
	}
	rng := nn.NewRand(2026)
	for i := range blurred.Pix {
		blurred.Pix[i] += 0.01 * rng.NormFloat64()
	}
	blurred.Clamp(0, 1)
	dir := t.TempDir()
	if *updateSamples {
		dir = filepath.Join("..", "..", "samples")
	}
	files := map[string]func(string) error{
		"blurry.png": func(p string) error { return imageio.WritePNG(p, imageio.NewGray(blurred), imageio.Depth8) },
		"sharp.png":  func(p string) error { return imageio.WritePNG(p, imageio.NewGray(sharp), imageio.Depth8) },
		"kernel.png": func(p string) error { return imageio.WriteKernelPNG(p, k, 1) },
	}
	for name, write := range files {
		if err := write(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		got, err1 := os.ReadFile(filepath.Join(dir, name))
		want, err2 := os.ReadFile(filepath.Join("..", "..", "samples", name))
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			t.Errorf("samples/%s differs from the generator (run go test ./cmd/deblur -run ShippedSample -update-samples)", name)
		}
	}
}
