package tensor

import (
	"fmt"

	"github.com/deblur/deblur/internal/vec"
)

// ZeroPad2D pads the last two dimensions of x (N x C x H x W) with zeros:
// left/right columns and top/bottom rows.
func ZeroPad2D(tp *Tape, x *Tensor, left, right, top, bottom int) *Tensor {
	return pad2D(tp, x, left, right, top, bottom, false)
}

// ReflectPad2D pads the last two dimensions of x by p on every side with the
// mirror image excluding the edge sample, like PyTorch's ReflectionPad2d.
// p must be smaller than both H and W.
func ReflectPad2D(tp *Tape, x *Tensor, p int) *Tensor {
	return pad2D(tp, x, p, p, p, p, true)
}

// reflectIndex maps i in [-p, n+p) to its mirror in [0, n).
func reflectIndex(i, n int) int {
	if i < 0 {
		return -i
	}
	if i >= n {
		return 2*(n-1) - i
	}
	return i
}

func pad2D(tp *Tape, x *Tensor, left, right, top, bottom int, reflect bool) *Tensor {
	n, c, h, w := dims4("pad", x)
	if left < 0 || right < 0 || top < 0 || bottom < 0 {
		panic("tensor: negative padding")
	}
	if reflect && (left >= w || right >= w || top >= h || bottom >= h) {
		panic(fmt.Sprintf("tensor: reflection padding %d too large for %dx%d", max(left, right, top, bottom), h, w))
	}
	ho, wo := h+top+bottom, w+left+right
	out := tp.result([]int{n, c, ho, wo}, x)
	planes := n * c
	// srcRow/srcCol give the source index of each output row/column (-1 = zero).
	srcRow, srcCol := make([]int, ho), make([]int, wo)
	for y := range srcRow {
		srcRow[y] = padSource(y-top, h, reflect)
	}
	for xx := range srcCol {
		srcCol[xx] = padSource(xx-left, w, reflect)
	}
	parallelFor(planes, ho*wo, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src, dst := x.Data[p*h*w:(p+1)*h*w], out.Data[p*ho*wo:(p+1)*ho*wo]
			for y, sy := range srcRow {
				row := dst[y*wo : (y+1)*wo]
				if sy < 0 {
					clear(row)
					continue
				}
				srow := src[sy*w : (sy+1)*w]
				for xx, sx := range srcCol[:left] {
					row[xx] = pick(srow, sx)
				}
				copy(row[left:left+w], srow)
				for xx, sx := range srcCol[left+w:] {
					row[left+w+xx] = pick(srow, sx)
				}
			}
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		parallelFor(planes, ho*wo, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				g, dst := out.Grad[p*ho*wo:(p+1)*ho*wo], gx[p*h*w:(p+1)*h*w]
				for y, sy := range srcRow {
					if sy < 0 {
						continue
					}
					grow, drow := g[y*wo:(y+1)*wo], dst[sy*w:(sy+1)*w]
					vec.Accumulate(drow, grow[left:left+w]) // the unpadded columns
					for xx, sx := range srcCol[:left] {
						if sx >= 0 {
							drow[sx] += grow[xx]
						}
					}
					for xx, sx := range srcCol[left+w:] {
						if sx >= 0 {
							drow[sx] += grow[left+w+xx]
						}
					}
				}
			}
		})
	})
	return out
}

func padSource(i, n int, reflect bool) int {
	if i >= 0 && i < n {
		return i
	}
	if reflect {
		return reflectIndex(i, n)
	}
	return -1
}

func pick(row []float32, i int) float32 {
	if i < 0 {
		return 0
	}
	return row[i]
}
