package tensor

import (
	"fmt"

	"github.com/deblur/deblur/internal/vec"
)

// ConcatCrop concatenates N x C_i x H_i x W_i tensors along channels after
// centre-cropping each to the smallest H and W among them (offset
// (H_i - H) / 2 rounded down, as the deep-image-prior code does). All inputs
// must share N.
func ConcatCrop(tp *Tape, xs ...*Tensor) *Tensor {
	n, _, h, w := dims4("ConcatCrop", xs[0])
	ctot := 0
	for _, x := range xs {
		xn, xc, xh, xw := dims4("ConcatCrop", x)
		if xn != n {
			panic(fmt.Sprintf("tensor: ConcatCrop of batches %d and %d", n, xn))
		}
		h, w, ctot = min(h, xh), min(w, xw), ctot+xc
	}
	out := tp.result([]int{n, ctot, h, w}, xs...)
	concatRows(xs, n, ctot, h, w, func(k, si, di int) {
		copy(out.Data[di:di+w], xs[k].Data[si:si+w])
	})
	tp.record(out, func() {
		grads := make([][]float32, len(xs))
		write := make([]bool, len(xs)) // fresh and uncropped: copy, not add
		for k, x := range xs {
			if x.Dim(2) == h && x.Dim(3) == w {
				grads[k], write[k] = tp.freshGrad(x)
			} else {
				grads[k] = tp.grad(x)
			}
		}
		concatRows(xs, n, ctot, h, w, func(k, si, di int) {
			switch {
			case grads[k] == nil:
			case write[k]:
				copy(grads[k][si:si+w], out.Grad[di:di+w])
			default:
				vec.Accumulate(grads[k][si:si+w], out.Grad[di:di+w])
			}
		})
	})
	return out
}

// concatRows calls fn for every cropped row: k is the input, si the index of
// the row's first sample in that input, di in the output.
func concatRows(xs []*Tensor, n, ctot, h, w int, fn func(k, si, di int)) {
	for b := 0; b < n; b++ {
		c0 := 0
		for k, x := range xs {
			_, xc, xh, xw := dims4("ConcatCrop", x)
			oy, ox := (xh-h)/2, (xw-w)/2
			for ch := 0; ch < xc; ch++ {
				for y := 0; y < h; y++ {
					fn(k, ((b*xc+ch)*xh+oy+y)*xw+ox, ((b*ctot+c0+ch)*h+y)*w)
				}
			}
			c0 += xc
		}
	}
}
