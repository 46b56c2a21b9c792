package tensor

import (
	"fmt"
	"math"
)

// Softmax is PyTorch's softmax(x, dim=-1): every row along the last
// dimension of x (any rank >= 1) is mapped to exp(x - max) / sum(exp(x -
// max)); the result has x's shape. Subtracting the row maximum keeps exp
// from overflowing. A row of all -Inf gives NaN, as in PyTorch.
func Softmax(tp *Tape, x *Tensor) *Tensor {
	if len(x.shape) == 0 {
		panic("tensor: Softmax of a 0-D tensor")
	}
	d := x.shape[len(x.shape)-1]
	if d == 0 {
		panic(fmt.Sprintf("tensor: Softmax over an empty last dimension (%v)", x.shape))
	}
	rows := x.Len() / d
	out := tp.result(x.shape, x)
	parallelFor(rows, 20*d, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			src, dst := x.Data[r*d:(r+1)*d], out.Data[r*d:(r+1)*d]
			m := src[0]
			for _, v := range src[1:] {
				if v > m || v != v {
					m = v
				}
			}
			s := 0.0
			for i, v := range src {
				e := math.Exp(float64(v - m))
				dst[i] = float32(e)
				s += e
			}
			inv := float32(1 / s)
			for i := range dst {
				dst[i] *= inv
			}
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		// dx = y * (g - sum(g * y)) per row.
		parallelFor(rows, 4*d, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				y, g, dst := out.Data[r*d:(r+1)*d], out.Grad[r*d:(r+1)*d], gx[r*d:(r+1)*d]
				dot := 0.0
				for i, v := range y {
					dot += float64(v * g[i])
				}
				dt := float32(dot)
				for i, v := range y {
					dst[i] += v * (g[i] - dt)
				}
			}
		})
	})
	return out
}
