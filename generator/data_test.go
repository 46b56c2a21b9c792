package generator

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

func TestLoadImageFolder(t *testing.T) {
	dir := t.TempDir()
	// A 90x60 gray image: left half 0.2, right half 0.8; its central 60x60
	// square is split the same way. A 10x10 RGB image of one colour.
	g := plane.New(90, 60)
	for y := range 60 {
		for x := range 90 {
			g.Set(x, y, 0.2+0.6*float64(x/45))
		}
	}
	if err := imageio.WritePNG(filepath.Join(dir, "a.png"), imageio.NewGray(g), imageio.Depth16); err != nil {
		t.Fatal(err)
	}
	r, gg, b := plane.New(10, 10), plane.New(10, 10), plane.New(10, 10)
	for i := range r.Pix {
		r.Pix[i], gg.Pix[i], b.Pix[i] = 1, 0.5, 0
	}
	rgb, _ := imageio.NewRGB(r, gg, b)
	if err := imageio.WritePNG(filepath.Join(dir, "b.png"), rgb, imageio.Depth16); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644)

	x, err := LoadImageFolder(dir, 64, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !equalShape(x.Shape(), []int{2, 3, 64, 64}) {
		t.Fatalf("shape %v", x.Shape())
	}
	at := func(n, c, y, xx int) float64 { return float64(x.Data[((n*3+c)*64+y)*64+xx]) }
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-3 }
	if !near(at(0, 0, 5, 5), 0.2) || !near(at(0, 2, 60, 60), 0.8) || !near(at(0, 1, 10, 31), 0.2) || !near(at(0, 1, 10, 32), 0.8) {
		t.Errorf("gray image: %v %v %v %v", at(0, 0, 5, 5), at(0, 2, 60, 60), at(0, 1, 10, 31), at(0, 1, 10, 32))
	}
	if !near(at(1, 0, 3, 40), 1) || !near(at(1, 1, 3, 40), 0.5) || !near(at(1, 2, 3, 40), 0) {
		t.Errorf("RGB image: %v %v %v", at(1, 0, 3, 40), at(1, 1, 3, 40), at(1, 2, 3, 40))
	}
	y, err := LoadImageFolder(dir, 32, 1)
	if err != nil || !equalShape(y.Shape(), []int{2, 1, 32, 32}) {
		t.Fatalf("gray: %v %v", err, y.Shape())
	}
	if v := float64(y.Data[32*32+5]); !near(v, 0.299+0.587*0.5) {
		t.Errorf("luma %v", v)
	}
	if _, err := LoadImageFolder(t.TempDir(), 64, 3); err == nil {
		t.Error("empty folder accepted")
	}
	os.WriteFile(filepath.Join(dir, "c.png"), []byte("broken"), 0o644)
	if _, err := LoadImageFolder(dir, 64, 3); err == nil {
		t.Error("broken PNG accepted")
	}
}
