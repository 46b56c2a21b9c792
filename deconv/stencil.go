package deconv

import "math"

// tap is one term c * x(p + (dx, dy)) of a finite-difference stencil.
type tap struct {
	dx, dy int
	c      float64
}

// stencil is a finite-difference operator applied periodically on the grid:
// (S x)(p) = sum over taps of c * x(p + (dx, dy)).
type stencil []tap

var (
	dxStencil  = stencil{{0, 0, -1}, {1, 0, 1}}
	dyStencil  = stencil{{0, 0, -1}, {0, 1, 1}}
	dxxStencil = stencil{{-1, 0, 1}, {0, 0, -2}, {1, 0, 1}}
	dyyStencil = stencil{{0, -1, 1}, {0, 0, -2}, {0, 1, 1}}
	dxyStencil = stencil{{0, 0, 1}, {1, 0, -1}, {0, 1, -1}, {1, 1, 1}}
)

// apply writes S x into dst (gw x gh grid, periodic).
func (s stencil) apply(dst, x []float64, gw, gh int) {
	forChunks(len(dst), func(lo, hi int) { clear(dst[lo:hi]) })
	for _, t := range s {
		shiftAdd(dst, x, t.dx, t.dy, t.c, gw, gh)
	}
}

// applyT writes S^T r into dst.
func (s stencil) applyT(dst, r []float64, gw, gh int) {
	clear(dst)
	s.addT(dst, r, 1, gw, gh)
}

// addT adds a * S^T r to dst.
func (s stencil) addT(dst, r []float64, a float64, gw, gh int) {
	for _, t := range s {
		shiftAdd(dst, r, -t.dx, -t.dy, a*t.c, gw, gh)
	}
}

// power writes |S(f)|^2, the squared magnitude of the stencil's transfer
// function, at every frequency of the half spectrum of a gw x gh grid
// (row-major, gw/2+1 columns), scaled by a and added to dst.
func (s stencil) power(dst []float64, a float64, gw, gh int) {
	hw := gw/2 + 1
	// x(p + d) has the transfer function exp(+2 pi i (u dx/gw + v dy/gh)),
	// a product of a factor per column and a factor per row.
	ex := make([][]complex128, len(s))
	ey := make([][]complex128, len(s))
	for t, tp := range s {
		ex[t] = make([]complex128, hw)
		for u := range ex[t] {
			ph := 2 * math.Pi * float64(u*tp.dx) / float64(gw)
			ex[t][u] = complex(tp.c*math.Cos(ph), tp.c*math.Sin(ph))
		}
		ey[t] = make([]complex128, gh)
		for v := range ey[t] {
			ph := 2 * math.Pi * float64(v*tp.dy) / float64(gh)
			ey[t][v] = complex(math.Cos(ph), math.Sin(ph))
		}
	}
	forRows(gh, hw, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			row := dst[v*hw : (v+1)*hw]
			for u := range row {
				var f complex128
				for t := range s {
					f += ex[t][u] * ey[t][v]
				}
				row[u] += a * (real(f)*real(f) + imag(f)*imag(f))
			}
		}
	})
}

// shiftAdd adds c * src(p + (dx, dy)) to dst(p) for every grid point p,
// wrapping periodically.
func shiftAdd(dst, src []float64, dx, dy int, c float64, gw, gh int) {
	dx = ((dx % gw) + gw) % gw
	dy = ((dy % gh) + gh) % gh
	forRows(gh, gw, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			sj := j + dy
			if sj >= gh {
				sj -= gh
			}
			d := dst[j*gw : (j+1)*gw]
			s := src[sj*gw : (sj+1)*gw]
			// d[i] += c*s[i+dx] for i < gw-dx, then the wrapped part.
			head := d[:gw-dx]
			for i, v := range s[dx:] {
				head[i] += c * v
			}
			tail := d[gw-dx:]
			for i, v := range s[:dx] {
				tail[i] += c * v
			}
		}
	})
}
