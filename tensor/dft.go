package tensor

import (
	"math"

	"github.com/deblur/deblur/internal/blas"
)

// dft2 computes two-dimensional discrete Fourier transforms of batches of
// real H x W grids as two GEMMs each: one against a table of the row
// transform (W samples -> W/2+1 complex frequencies), one against a table
// of the column transform. At the small sizes of the generative-prior
// solvers (28 to 64 samples a side, tens of grids) this runs several times
// faster than one FFT per grid, since the GEMMs are efficient and the
// batch shares every table.
//
// A batch of B grids is a (B*H) x W row-major matrix (grid b, row y,
// column x). Its half spectrum F[b][v][u] (v < H, u < HW = W/2+1) is stored
// in the layout the inverse's first GEMM consumes:
//
//	spec[((p*HW + u)*B + b)*H + v], p = 0 for the real part, 1 for the imaginary part,
//
// i.e. a (2*HW*B) x H matrix. The forward transform is unnormalised, the
// inverse divides by H*W.
type dft2 struct {
	h, w, hw int
	rowF     []float32 // 2HW x W: row (p, u) holds cos(2 pi u x / W) (p = 0) or -sin (p = 1)
	colF     []float32 // H x 2H: row y holds cos(2 pi v y / H) for v < H, then sin
}

func newDFT2(tp *Tape, h, w int) *dft2 {
	d := &dft2{h: h, w: w, hw: w/2 + 1}
	cw, sw := trigTable(w)
	d.rowF = tp.alloc(2 * d.hw * w)
	for u := 0; u < d.hw; u++ {
		re, im := d.rowF[u*w:(u+1)*w], d.rowF[(d.hw+u)*w:(d.hw+u+1)*w]
		for x := range re {
			re[x], im[x] = cw[u*x%w], -sw[u*x%w]
		}
	}
	ch, sh := trigTable(h)
	d.colF = tp.alloc(2 * h * h)
	for y := 0; y < h; y++ {
		row := d.colF[y*2*h : (y+1)*2*h]
		for v := 0; v < h; v++ {
			row[v], row[h+v] = ch[v*y%h], sh[v*y%h]
		}
	}
	return d
}

// release gives the tables back to the tape.
func (d *dft2) release(tp *Tape) {
	tp.release(d.rowF)
	tp.release(d.colF)
}

// trigTable returns cos and sin of 2 pi k / n for k < n, exact at the
// multiples of a quarter turn (so that, e.g., the Nyquist column of the
// real inverse ignores imaginary parts exactly).
func trigTable(n int) (c, s []float32) {
	c, s = make([]float32, n), make([]float32, n)
	for k := range n {
		switch {
		case k == 0:
			c[k], s[k] = 1, 0
		case 2*k == n:
			c[k], s[k] = -1, 0
		case 4*k == n:
			c[k], s[k] = 0, 1
		case 4*k == 3*n:
			c[k], s[k] = 0, -1
		default:
			sv, cv := math.Sincos(2 * math.Pi * float64(k) / float64(n))
			c[k], s[k] = float32(cv), float32(sv)
		}
	}
	return c, s
}

// specLen returns the length of the spectrum of b grids.
func (d *dft2) specLen(b int) int { return 2 * d.hw * b * d.h }

// forward returns the half spectrum of the b grids in src (a tape buffer).
func (d *dft2) forward(tp *Tape, src []float32, b int) []float32 {
	h, w, hw := d.h, d.w, d.hw
	// Row transform: rt[(p,u)][(b,y)] = sum_x rowF[(p,u)][x] src[(b,y)][x].
	rt := tp.alloc(2 * hw * b * h)
	blas.Gemm(tp.threads(), false, true, 2*hw, b*h, w, 1, d.rowF, w, src, w, 0, rt, b*h)
	// Column transform: rt read as rows (p,u,b) by columns y.
	z := tp.alloc(2 * hw * b * 2 * h)
	blas.Gemm(tp.threads(), false, false, 2*hw*b, 2*h, h, 1, rt, h, d.colF, 2*h, 0, z, 2*h)
	tp.release(rt)
	// F = sum_y (cos - i sin)(Rre + i Rim) = (C Rre + S Rim) + i (C Rim - S Rre).
	spec := tp.alloc(d.specLen(b))
	half := hw * b // rows of one part
	parallelFor(half, 4*h, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			zr, zi := z[r*2*h:(r+1)*2*h], z[(half+r)*2*h:(half+r+1)*2*h]
			fr, fi := spec[r*h:(r+1)*h], spec[(half+r)*h:(half+r+1)*h]
			for v := range fr {
				fr[v] = zr[v] + zi[h+v]
				fi[v] = zi[v] - zr[h+v]
			}
		}
	})
	tp.release(z)
	return spec
}

// inverse writes the b grids whose half spectrum is spec into dst, scaled
// by 1/(H*W): dst = beta*dst + inverse DFT (beta 0 to overwrite, 1 to
// accumulate a gradient).
func (d *dft2) inverse(tp *Tape, dst, spec []float32, b int, beta float32) {
	h, w, hw := d.h, d.w, d.hw
	// Column inverse: z rows (p,u,b), columns (q,y), the 1/H applied here
	// (the column table is symmetric in v and y).
	z := tp.alloc(2 * hw * b * 2 * h)
	blas.Gemm(tp.threads(), false, false, 2*hw*b, 2*h, h, 1/float32(h), spec, h, d.colF, 2*h, 0, z, 2*h)
	// G = sum_v (Fr + i Fi)(cos + i sin): Gre = Fr C - Fi S, Gim = Fi C + Fr S,
	// stored as g[(p,u)][(b,y)] and weighted for the real inverse: columns
	// other than 0 and W/2 stand for themselves and their mirror images.
	g := tp.alloc(2 * hw * b * h)
	half := hw * b
	parallelFor(half, 4*h, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			u := r / b
			c := float32(2)
			if u == 0 || 2*u == w {
				c = 1
			}
			zr, zi := z[r*2*h:(r+1)*2*h], z[(half+r)*2*h:(half+r+1)*2*h]
			gr, gi := g[r*h:(r+1)*h], g[(half+r)*h:(half+r+1)*h]
			for y := range gr {
				gr[y] = c * (zr[y] - zi[h+y])
				gi[y] = c * (zi[y] + zr[h+y])
			}
		}
	})
	tp.release(z)
	// Row inverse: dst[(b,y)][x] = 1/W sum_(p,u) g[(p,u)][(b,y)] rowF[(p,u)][x].
	blas.Gemm(tp.threads(), true, false, b*h, w, 2*hw, 1/float32(w), g, b*h, d.rowF, w, beta, dst, w)
	tp.release(g)
}
