package deblur

import (
	"math"

	"github.com/deblur/deblur/plane"
)

// informativeWindow returns the top-left corner of the size x size window
// of p (at most p's size) that carries the most kernel information: the
// largest sum over the window of min(|dx|, |dy|)-balanced gradient energy,
// i.e. min(Sx, Sy) where Sx and Sy are the window's sums of squared
// horizontal and vertical differences, so that edges in both directions
// constrain the kernel. Pixels at or above 0.98 (saturated highlights,
// which break the blur model) and their neighbours contribute nothing.
// Windows are scanned on a grid of step size/8.
func informativeWindow(p *plane.Plane, size int) (x0, y0 int) {
	w, h := p.W, p.H
	sw, sh := min(size, w), min(size, h)
	if sw == w && sh == h {
		return 0, 0
	}
	gx := make([]float64, (w+1)*(h+1)) // summed-area tables with a zero first row/column
	gy := make([]float64, (w+1)*(h+1))
	for y := range h {
		for x := range w {
			var ex, ey float64
			if x+1 < w && y+1 < h && !saturatedNear(p, x, y) {
				dx := p.At(x+1, y) - p.At(x, y)
				dy := p.At(x, y+1) - p.At(x, y)
				ex, ey = dx*dx, dy*dy
			}
			i := (y+1)*(w+1) + x + 1
			gx[i] = ex + gx[i-1] + gx[i-w-1] - gx[i-w-2]
			gy[i] = ey + gy[i-1] + gy[i-w-1] - gy[i-w-2]
		}
	}
	box := func(t []float64, x, y int) float64 {
		a, b := y*(w+1)+x, (y+sh)*(w+1)+x
		return t[b+sw] - t[b] - t[a+sw] + t[a]
	}
	step := max(1, min(sw, sh)/8)
	best := math.Inf(-1)
	for y := 0; ; y = min(y+step, h-sh) {
		for x := 0; ; x = min(x+step, w-sw) {
			if s := math.Min(box(gx, x, y), box(gy, x, y)); s > best {
				best, x0, y0 = s, x, y
			}
			if x == w-sw {
				break
			}
		}
		if y == h-sh {
			break
		}
	}
	return x0, y0
}

// saturatedNear reports whether a pixel of the 3x3 neighbourhood of (x, y)
// is saturated.
func saturatedNear(p *plane.Plane, x, y int) bool {
	for j := max(y-1, 0); j <= min(y+1, p.H-1); j++ {
		for i := max(x-1, 0); i <= min(x+1, p.W-1); i++ {
			if p.At(i, j) >= 0.98 {
				return true
			}
		}
	}
	return false
}
