package metrics

import "github.com/deblur/deblur/plane"

// grid holds what the closed-form SSD of every sub-pixel shift needs.
//
// For a shift (ix+fx, iy+fy) with integer part (ix, iy) and bilinear weights
// w(a,c) = wx[a]*wy[c] (wx = {1-fx, fx}, wy = {1-fy, fy}), the shifted
// estimate is S(q) = sum over a,c of w(a,c) E(q+(ix+a, iy+c)), and over the
// region R
//
//	SSD = sum S^2 - 2 sum S*G + sum G^2
//	sum S*G = sum over a,c of w(a,c) C(ix+a, iy+c), C the cross-correlation
//	sum S^2 = sum over pairs of corners of w*w' times sums, over shifted
//	          copies of R, of products of E at two neighbouring pixels,
//
// and those window sums come from summed-area tables.
type grid struct {
	p      Protocol
	w, h   int // image size
	rw, rh int // region size
	c      []float64
	cn     int // c is cn x cn, index (j+M)*cn + (i+M) for shift (i, j)
	// Summed-area tables ((w+1) x (h+1)) of E^2 and of E(q)E(q+d) for
	// d = (1,0), (0,1), (1,1), and of E(q+(1,0))E(q+(0,1)).
	sq, dx, dy, dd, da []float64
	sumG2, sumE2       float64
}

func newGrid(est, gt *plane.Plane, p Protocol) *grid {
	g := &grid{p: p, w: gt.W, h: gt.H, rw: gt.W - 2*p.Border, rh: gt.H - 2*p.Border}
	m, b := p.MaxShift, p.Border
	g.cn = 2*m + 2
	g.c = make([]float64, g.cn*g.cn)
	E, G, W := est.Pix, gt.Pix, gt.W
	for y := b; y < b+g.rh; y++ {
		grow := G[y*W+b : y*W+b+g.rw]
		for _, v := range grow {
			g.sumG2 += v * v
		}
		for j := -m; j <= m+1; j++ {
			erow := E[(y+j)*W+b-m:]
			for i := -m; i <= m+1; i++ {
				e := erow[i+m : i+m+g.rw]
				s := 0.0
				for x, v := range grow {
					s += e[x] * v
				}
				g.c[(j+m)*g.cn+i+m] += s
			}
		}
	}
	at := func(x, y int) float64 {
		if x >= g.w || y >= g.h {
			return 0
		}
		return E[y*W+x]
	}
	prod := func(f func(x, y int) float64) []float64 { return summedArea(g.w, g.h, f) }
	g.sq = prod(func(x, y int) float64 { v := at(x, y); return v * v })
	g.dx = prod(func(x, y int) float64 { return at(x, y) * at(x+1, y) })
	g.dy = prod(func(x, y int) float64 { return at(x, y) * at(x, y+1) })
	g.dd = prod(func(x, y int) float64 { return at(x, y) * at(x+1, y+1) })
	g.da = prod(func(x, y int) float64 { return at(x+1, y) * at(x, y+1) })
	for _, v := range E {
		g.sumE2 += v * v
	}
	return g
}

// summedArea returns the (w+1) x (h+1) table whose (x, y) entry is the sum
// of f over [0, x) x [0, y).
func summedArea(w, h int, f func(x, y int) float64) []float64 {
	t := make([]float64, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		row := 0.0
		for x := 0; x < w; x++ {
			row += f(x, y)
			t[(y+1)*(w+1)+x+1] = t[y*(w+1)+x+1] + row
		}
	}
	return t
}

// win returns the sum, from table t, over the region shifted by (u, v).
func (g *grid) win(t []float64, u, v int) float64 {
	x0, y0 := g.p.Border+u, g.p.Border+v
	x1, y1 := x0+g.rw, y0+g.rh
	s := g.w + 1
	return t[y1*s+x1] - t[y0*s+x1] - t[y1*s+x0] + t[y0*s+x0]
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// ssd returns the closed-form SSD for the shift (kx, ky)/Steps.
func (g *grid) ssd(kx, ky int) float64 {
	n := g.p.Steps
	ix, iy := floorDiv(kx, n), floorDiv(ky, n)
	fx, fy := float64(kx-ix*n)/float64(n), float64(ky-iy*n)/float64(n)
	wx := [2]float64{1 - fx, fx}
	wy := [2]float64{1 - fy, fy}
	w00, w10, w01, w11 := wx[0]*wy[0], wx[1]*wy[0], wx[0]*wy[1], wx[1]*wy[1]

	m := g.p.MaxShift
	ci := func(i, j int) float64 { return g.c[(j+m)*g.cn+i+m] }
	cross := w00*ci(ix, iy) + w10*ci(ix+1, iy) + w01*ci(ix, iy+1) + w11*ci(ix+1, iy+1)

	q := w00*w00*g.win(g.sq, ix, iy) + w10*w10*g.win(g.sq, ix+1, iy) +
		w01*w01*g.win(g.sq, ix, iy+1) + w11*w11*g.win(g.sq, ix+1, iy+1)
	q += 2 * (w00*w10*g.win(g.dx, ix, iy) + w01*w11*g.win(g.dx, ix, iy+1) +
		w00*w01*g.win(g.dy, ix, iy) + w10*w11*g.win(g.dy, ix+1, iy) +
		w00*w11*g.win(g.dd, ix, iy) + w10*w01*g.win(g.da, ix, iy))
	return q - 2*cross + g.sumG2
}
