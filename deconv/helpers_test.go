package deconv

import (
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"testing"

	"github.com/deblur/deblur/plane"
)

const levinDir = "../../shared/data/levin"

// loadGray reads an 8-bit gray PNG as a plane with values in [0, 1],
// skipping the test when the shared data is missing.
func loadGray(tb testing.TB, path string) *plane.Plane {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Skipf("shared data missing: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		tb.Fatalf("decode %s: %v", path, err)
	}
	b := img.Bounds()
	p := plane.New(b.Dx(), b.Dy())
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			g := color.Gray16Model.Convert(img.At(x+b.Min.X, y+b.Min.Y)).(color.Gray16)
			p.Set(x, y, float64(g.Y)/65535)
		}
	}
	return p
}

// levinKernel returns Levin's kernel j as a convolution kernel summing to 1
// (the stored PNGs of kernels 1, 2, 3, 5, 6 and 7 are rotated by 180 degrees;
// see the shared data README).
func levinKernel(tb testing.TB, j int) *plane.Plane {
	k := loadGray(tb, fmt.Sprintf("%s/gt/kernel%d.png", levinDir, j))
	if j != 4 && j != 8 {
		k = k.Rot180()
	}
	if err := k.Normalize(); err != nil {
		tb.Fatal(err)
	}
	return k
}

// alignedPSNR is a private development version of the evaluation protocol:
// crop 15 pixels off the reference, find the shift of the estimate in
// [-10, 10] (integer search, then 0.25-pixel refinement around the best
// integer shift) with bilinear interpolation minimising the SSD, and return
// the PSNR (peak 1 on [0, 1] planes, i.e. 255 on the 8-bit scale) there.
func alignedPSNR(est, ref *plane.Plane) float64 {
	const border, maxShift = 15, 10
	ssd := func(sx, sy float64) float64 {
		s := 0.0
		for y := border; y < ref.H-border; y++ {
			fy := float64(y) + sy
			y0 := int(math.Floor(fy))
			wy := fy - float64(y0)
			for x := border; x < ref.W-border; x++ {
				fx := float64(x) + sx
				x0 := int(math.Floor(fx))
				wx := fx - float64(x0)
				v := (1-wy)*((1-wx)*at(est, x0, y0)+wx*at(est, x0+1, y0)) +
					wy*((1-wx)*at(est, x0, y0+1)+wx*at(est, x0+1, y0+1))
				d := v - ref.At(x, y)
				s += d * d
			}
		}
		return s
	}
	best, bx, by := math.Inf(1), 0.0, 0.0
	for sy := -maxShift; sy <= maxShift; sy++ {
		for sx := -maxShift; sx <= maxShift; sx++ {
			if s := ssd(float64(sx), float64(sy)); s < best {
				best, bx, by = s, float64(sx), float64(sy)
			}
		}
	}
	cx, cy := bx, by
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			sx, sy := cx+float64(dx)/4, cy+float64(dy)/4
			if math.Abs(sx) > maxShift || math.Abs(sy) > maxShift {
				continue
			}
			if s := ssd(sx, sy); s < best {
				best = s
			}
		}
	}
	n := float64((ref.W - 2*border) * (ref.H - 2*border))
	return 10 * math.Log10(1/(best/n))
}

// at returns the sample at (x, y), clamping coordinates to the plane.
func at(p *plane.Plane, x, y int) float64 {
	x = min(max(x, 0), p.W-1)
	y = min(max(y, 0), p.H-1)
	return p.Pix[y*p.W+x]
}

// psnr returns the PSNR (peak 1) between two planes of the same size over the
// region that excludes a border of b pixels.
func psnr(a, ref *plane.Plane, b int) float64 {
	s, n := 0.0, 0
	for y := b; y < ref.H-b; y++ {
		for x := b; x < ref.W-b; x++ {
			d := a.At(x, y) - ref.At(x, y)
			s += d * d
			n++
		}
	}
	return 10 * math.Log10(float64(n)/s)
}
