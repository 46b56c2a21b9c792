package tensor

// bilinearAxis holds, for each output index along one axis, the two source
// indices and the weight of the second, for 2x upsampling with PyTorch's
// align_corners=false: source = (o + 0.5) / 2 - 0.5, clamped at 0.
type bilinearAxis struct {
	i0, i1 []int
	l1     []float32
}

func newBilinearAxis(n int) bilinearAxis {
	a := bilinearAxis{make([]int, 2*n), make([]int, 2*n), make([]float32, 2*n)}
	for o := range a.i0 {
		src := max((float64(o)+0.5)/2-0.5, 0)
		i0 := int(src)
		a.i0[o] = i0
		a.i1[o] = min(i0+1, n-1)
		a.l1[o] = float32(src - float64(i0))
	}
	return a
}

// UpsampleBilinear2x doubles H and W of x (N x C x H x W) by bilinear
// interpolation with PyTorch's align_corners=false semantics.
func UpsampleBilinear2x(tp *Tape, x *Tensor) *Tensor {
	n, c, h, w := dims4("UpsampleBilinear2x", x)
	ho, wo := 2*h, 2*w
	ay, ax := newBilinearAxis(h), newBilinearAxis(w)
	out := tp.result([]int{n, c, ho, wo}, x)
	parallelFor(n*c, ho*wo*4, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src, dst := x.Data[p*h*w:(p+1)*h*w], out.Data[p*ho*wo:(p+1)*ho*wo]
			for y := 0; y < ho; y++ {
				r0, r1, ly := src[ay.i0[y]*w:(ay.i0[y]+1)*w], src[ay.i1[y]*w:(ay.i1[y]+1)*w], ay.l1[y]
				row := dst[y*wo : (y+1)*wo]
				for xx := range row {
					i0, i1, lx := ax.i0[xx], ax.i1[xx], ax.l1[xx]
					top := (1-lx)*r0[i0] + lx*r0[i1]
					bot := (1-lx)*r1[i0] + lx*r1[i1]
					row[xx] = (1-ly)*top + ly*bot
				}
			}
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		parallelFor(n*c, ho*wo*4, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				g, dst := out.Grad[p*ho*wo:(p+1)*ho*wo], gx[p*h*w:(p+1)*h*w]
				for y := 0; y < ho; y++ {
					r0, r1, ly := dst[ay.i0[y]*w:(ay.i0[y]+1)*w], dst[ay.i1[y]*w:(ay.i1[y]+1)*w], ay.l1[y]
					for xx, v := range g[y*wo : (y+1)*wo] {
						i0, i1, lx := ax.i0[xx], ax.i1[xx], ax.l1[xx]
						top, bot := (1-ly)*v, ly*v
						r0[i0] += (1 - lx) * top
						r0[i1] += lx * top
						r1[i0] += (1 - lx) * bot
						r1[i1] += lx * bot
					}
				}
			}
		})
	})
	return out
}
