package tensor

import "github.com/deblur/deblur/internal/vec"

// 2x bilinear upsampling with PyTorch's align_corners=false: output index o
// samples the input at (o + 0.5) / 2 - 0.5, clamped at the ends. Output 2j
// is 0.25 x[j-1] + 0.75 x[j] (x[0] for j = 0) and output 2j+1 is
// 0.75 x[j] + 0.25 x[j+1] (x[n-1] beyond the end). The filter is separable:
// rows are upsampled once, then output rows are blended from them
// (internal/vec's loops).

// UpsampleBilinear2x doubles H and W of x (N x C x H x W) by bilinear
// interpolation with PyTorch's align_corners=false semantics.
func UpsampleBilinear2x(tp *Tape, x *Tensor) *Tensor {
	n, c, h, w := dims4("UpsampleBilinear2x", x)
	ho, wo := 2*h, 2*w
	out := tp.result([]int{n, c, ho, wo}, x)
	all := tp.alloc(n * c * h * wo) // input rows upsampled along x, per plane
	defer tp.release(all)
	parallelFor(n*c, ho*wo*2, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			vec.Upsample2x(out.Data[p*ho*wo:(p+1)*ho*wo], x.Data[p*h*w:(p+1)*h*w], all[p*h*wo:(p+1)*h*wo], h, w)
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		parallelFor(n*c, ho*wo*2, func(lo, hi int) {
			t := make([]float32, wo)
			for p := lo; p < hi; p++ {
				vec.Upsample2xAdjointAdd(gx[p*h*w:(p+1)*h*w], out.Grad[p*ho*wo:(p+1)*ho*wo], t, h, w)
			}
		})
	})
	return out
}
