package deconv

import "github.com/deblur/deblur/plane"

// smoothExtend returns y laid on a periodic gw x gh grid with its origin at
// (ox, oy) and the rest of the grid filled by linear ramps: first along each
// row of y, from its last sample across the gap to its first, then along
// every grid column the same way. The result is continuous across the
// periodic wrap-around, which is what FFT-based solvers need at the borders.
func smoothExtend(y *plane.Plane, gw, gh, ox, oy int) []float64 {
	g := make([]float64, gw*gh)
	wrap := func(u, n int) int {
		u %= n
		if u < 0 {
			u += n
		}
		return u
	}
	gapX, gapY := gw-y.W, gh-y.H
	for j := 0; j < y.H; j++ {
		row := g[wrap(oy+j, gh)*gw:]
		src := y.Pix[j*y.W : (j+1)*y.W]
		for i, v := range src {
			row[wrap(ox+i, gw)] = v
		}
		a, b := src[y.W-1], src[0]
		for t := 1; t <= gapX; t++ {
			row[wrap(ox+y.W-1+t, gw)] = a + (b-a)*float64(t)/float64(gapX+1)
		}
	}
	last, first := wrap(oy+y.H-1, gh)*gw, wrap(oy, gh)*gw
	for t := 1; t <= gapY; t++ {
		row := g[wrap(oy+y.H-1+t, gh)*gw:]
		f := float64(t) / float64(gapY+1)
		for i := 0; i < gw; i++ {
			a, b := g[last+i], g[first+i]
			row[i] = a + (b-a)*f
		}
	}
	return g
}
