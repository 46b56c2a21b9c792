package tensor

import "fmt"

// MaxPool2D is PyTorch's max_pool2d(x, kernel_size=2, stride=2) with the
// default floor mode: x is N x C x H x W and the result is
// N x C x (H/2) x (W/2), integer division, so an odd last row or column is
// dropped. Each output is the largest of its 2 x 2 window; the gradient goes
// to that one input. Ties go to the first maximum in row-major window order,
// and a NaN counts as larger than anything (the last NaN of a window wins),
// both as in PyTorch's CPU kernel. H and W must be at least 2.
func MaxPool2D(tp *Tape, x *Tensor) *Tensor {
	n, c, h, w := dims4("MaxPool2D", x)
	if h < 2 || w < 2 {
		panic(fmt.Sprintf("tensor: MaxPool2D of a %dx%d input (needs at least 2x2)", h, w))
	}
	ho, wo := h/2, w/2
	planes := n * c
	out := tp.result([]int{n, c, ho, wo}, x)
	parallelFor(planes*ho, 4*wo, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			p, y := r/ho, r%ho
			top := x.Data[(p*h+2*y)*w:][:w]
			bot := x.Data[(p*h+2*y+1)*w:][:w]
			dst := out.Data[r*wo : (r+1)*wo]
			for xx := range dst {
				_, v := poolArgmax(top[2*xx], top[2*xx+1], bot[2*xx], bot[2*xx+1])
				dst[xx] = v
			}
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		// The argmax is recomputed from the (unchanged) input rather than
		// stored: it costs a few comparisons and no buffer.
		parallelFor(planes*ho, 4*wo, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				p, y := r/ho, r%ho
				off0, off1 := (p*h+2*y)*w, (p*h+2*y+1)*w
				top, bot := x.Data[off0:][:w], x.Data[off1:][:w]
				gtop, gbot := gx[off0:][:w], gx[off1:][:w]
				for xx, g := range out.Grad[r*wo : (r+1)*wo] {
					k, _ := poolArgmax(top[2*xx], top[2*xx+1], bot[2*xx], bot[2*xx+1])
					switch k {
					case 0:
						gtop[2*xx] += g
					case 1:
						gtop[2*xx+1] += g
					case 2:
						gbot[2*xx] += g
					default:
						gbot[2*xx+1] += g
					}
				}
			}
		})
	})
	return out
}

// poolArgmax returns the index (0..3) and value of the maximum of a 2 x 2
// window given in row-major order, with PyTorch's rule: a later value
// replaces the current maximum only if it is strictly larger or NaN.
func poolArgmax(v0, v1, v2, v3 float32) (int, float32) {
	k, m := 0, v0
	if v1 > m || poolIsNaN(v1) {
		k, m = 1, v1
	}
	if v2 > m || poolIsNaN(v2) {
		k, m = 2, v2
	}
	if v3 > m || poolIsNaN(v3) {
		k, m = 3, v3
	}
	return k, m
}

func poolIsNaN(v float32) bool { return v != v }
