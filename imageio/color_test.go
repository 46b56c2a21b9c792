package imageio

import (
	"math"
	"testing"

	"github.com/deblur/deblur/plane"
)

func rgbPixel(r, g, b float64) *Image {
	im, _ := NewRGB(
		&plane.Plane{W: 1, H: 1, Pix: []float64{r}},
		&plane.Plane{W: 1, H: 1, Pix: []float64{g}},
		&plane.Plane{W: 1, H: 1, Pix: []float64{b}})
	return im
}

func TestLumaBT601(t *testing.T) {
	for _, c := range []struct{ r, g, b, want float64 }{
		{0, 0, 0, 16},
		{1, 1, 1, 16 + 65.481 + 128.553 + 24.966}, // 235
		{1, 0, 0, 81.481},
		{0, 1, 0, 144.553},
		{0, 0, 1, 40.966},
		{0.2, 0.4, 0.6, 16 + 0.2*65.481 + 0.4*128.553 + 0.6*24.966}, // 95.9588
	} {
		y8, err := Luma8(rgbPixel(c.r, c.g, c.b))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(y8.Pix[0]-c.want) > 1e-12 {
			t.Errorf("Luma8(%v,%v,%v) = %v, want %v", c.r, c.g, c.b, y8.Pix[0], c.want)
		}
		y, _ := Luma(rgbPixel(c.r, c.g, c.b))
		if math.Abs(y.Pix[0]-c.want/255) > 1e-15 {
			t.Errorf("Luma(%v,%v,%v) = %v, want %v", c.r, c.g, c.b, y.Pix[0], c.want/255)
		}
	}
	if got := 16 + 65.481 + 128.553 + 24.966; math.Abs(got-235) > 1e-12 {
		t.Fatalf("white luma %v", got)
	}
	// Gray images are R = G = B.
	g, _ := Luma8(NewGray(&plane.Plane{W: 1, H: 1, Pix: []float64{0.5}}))
	if math.Abs(g.Pix[0]-(16+0.5*219)) > 1e-12 {
		t.Errorf("gray luma %v", g.Pix[0])
	}
}

func TestYCbCrRoundTrip(t *testing.T) {
	im := testImage(9, 7, 3, 255, 11)
	y, cb, cr, err := RGBToYCbCr(im)
	if err != nil {
		t.Fatal(err)
	}
	// Chroma of white and of pure blue, by the formulas.
	_, cbW, crW, _ := RGBToYCbCr(rgbPixel(1, 1, 1))
	if math.Abs(cbW.Pix[0]*255-128) > 1e-9 || math.Abs(crW.Pix[0]*255-128) > 1e-9 {
		t.Errorf("white chroma %v %v", cbW.Pix[0]*255, crW.Pix[0]*255)
	}
	_, cbB, crB, _ := RGBToYCbCr(rgbPixel(0, 0, 1))
	if math.Abs(cbB.Pix[0]*255-240) > 1e-9 || math.Abs(crB.Pix[0]*255-(128-18.214)) > 1e-9 {
		t.Errorf("blue chroma %v %v", cbB.Pix[0]*255, crB.Pix[0]*255)
	}
	back, err := YCbCrToRGB(y, cb, cr)
	if err != nil {
		t.Fatal(err)
	}
	equalImages(t, back, im, 1e-12)
	// Luma agrees with the Y of the full conversion.
	l, _ := Luma(im)
	for i := range l.Pix {
		if math.Abs(l.Pix[i]-y.Pix[i]) > 1e-15 {
			t.Fatalf("Luma and RGBToYCbCr disagree at %d", i)
		}
	}
	if _, err := YCbCrToRGB(y, cb, plane.New(1, 1)); err == nil {
		t.Fatal("mismatched planes accepted")
	}
}
