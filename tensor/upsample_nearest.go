package tensor

// UpsampleNearest2x is PyTorch's interpolate(x, scale_factor=2,
// mode='nearest') (nn.Upsample(scale_factor=2)): x is N x C x H x W, the
// result is N x C x 2H x 2W with out[.., y, x] = x[.., y/2, x/2]. The
// gradient of each input is the sum over its 2 x 2 copies.
func UpsampleNearest2x(tp *Tape, x *Tensor) *Tensor {
	n, c, h, w := dims4("UpsampleNearest2x", x)
	ho, wo := 2*h, 2*w
	out := tp.result([]int{n, c, ho, wo}, x)
	parallelFor(n*c*h, 4*w, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			src := x.Data[r*w : (r+1)*w]
			d0 := out.Data[2*r*wo : (2*r+1)*wo]
			for xx, v := range src {
				d0[2*xx], d0[2*xx+1] = v, v
			}
			copy(out.Data[(2*r+1)*wo:(2*r+2)*wo], d0)
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		parallelFor(n*c*h, 4*w, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				g0 := out.Grad[2*r*wo : (2*r+1)*wo]
				g1 := out.Grad[(2*r+1)*wo : (2*r+2)*wo]
				dst := gx[r*w : (r+1)*w]
				for xx := range dst {
					dst[xx] += g0[2*xx] + g0[2*xx+1] + g1[2*xx] + g1[2*xx+1]
				}
			}
		})
	})
	return out
}
