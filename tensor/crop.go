package tensor

import "fmt"

// Crop2D returns the h x w window of x (N x C x H x W) whose top-left
// sample is (top, left); the window must lie inside x.
func Crop2D(tp *Tape, x *Tensor, top, left, h, w int) *Tensor {
	n, c, xh, xw := dims4("Crop2D", x)
	if top < 0 || left < 0 || h < 1 || w < 1 || top+h > xh || left+w > xw {
		panic(fmt.Sprintf("tensor: Crop2D window %dx%d at (%d, %d) outside %dx%d", h, w, top, left, xh, xw))
	}
	out := tp.result([]int{n, c, h, w}, x)
	for p := range n * c {
		src, dst := x.Data[p*xh*xw:(p+1)*xh*xw], out.Data[p*h*w:(p+1)*h*w]
		for y := range h {
			copy(dst[y*w:(y+1)*w], src[(top+y)*xw+left:])
		}
	}
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		for p := range n * c {
			g, dst := out.Grad[p*h*w:(p+1)*h*w], gx[p*xh*xw:(p+1)*xh*xw]
			for y := range h {
				row := dst[(top+y)*xw+left : (top+y)*xw+left+w]
				for i, v := range g[y*w : (y+1)*w] {
					row[i] += v
				}
			}
		}
	})
	return out
}
