package chart

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestWritePNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sweep.png")
	l := Lines{
		Title: "PSNR against noise", XLabel: "noise (%)", YLabel: "PSNR (dB)", Width: 640, Height: 400,
		Series: []Series{
			{Name: "Alg. 1", X: []float64{1, 2, 3}, Y: []float64{20, 19, 17.5}},
			{Name: "blurry", X: []float64{1, 2, 3}, Y: []float64{12, math.NaN(), 11}},
		},
	}
	if err := l.WritePNG(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 400 {
		t.Errorf("size %dx%d, want 640x400", b.Dx(), b.Dy())
	}
	// Something was drawn: not every pixel is the white background.
	dark := 0
	for y := 0; y < 400; y++ {
		for x := 0; x < 640; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("only %d dark pixels: nothing drawn", dark)
	}
}

func TestWritePNGErrors(t *testing.T) {
	dir := t.TempDir()
	for name, l := range map[string]Lines{
		"no points": {Width: 300, Height: 200, Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{math.NaN()}}}},
		"mismatch":  {Width: 300, Height: 200, Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}},
		"tiny":      {Width: 50, Height: 200, Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{1}}}},
	} {
		path := filepath.Join(dir, name+".png")
		if err := l.WritePNG(path); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a file was written", name)
		}
	}
}
