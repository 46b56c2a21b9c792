package tensor

// 2x bilinear upsampling with PyTorch's align_corners=false: output index o
// samples the input at (o + 0.5) / 2 - 0.5, clamped at the ends. Output 2j
// is 0.25 x[j-1] + 0.75 x[j] (x[0] for j = 0) and output 2j+1 is
// 0.75 x[j] + 0.25 x[j+1] (x[n-1] beyond the end). The filter is separable:
// rows are upsampled once, then output rows are blended from them.

// upsampleRow sets dst (2 len(src) values) to the upsampled src.
func upsampleRow(dst, src []float32) {
	n := len(src)
	dst = dst[:2*n]
	dst[0] = src[0]
	for j := 1; j < n; j++ {
		dst[2*j] = 0.25*src[j-1] + 0.75*src[j]
	}
	for j := 0; j < n-1; j++ {
		dst[2*j+1] = 0.75*src[j] + 0.25*src[j+1]
	}
	dst[2*n-1] = 0.75*src[n-1] + 0.25*src[n-1]
}

// blendRows sets dst[i] = wa a[i] + wb b[i].
func blendRows(dst, a, b []float32, wa, wb float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = wa*a[i] + wb*b[i]
	}
}

// upsampleRowAdjointAdd adds to dst (n values) the adjoint of upsampleRow
// applied to g (2n values): each input gathers the weights it was given.
func upsampleRowAdjointAdd(dst, g []float32) {
	n := len(dst)
	g = g[:2*n]
	if n == 1 {
		dst[0] += g[0] + g[1]
		return
	}
	dst[0] += g[0] + 0.75*g[1] + 0.25*g[2]
	for j := 1; j < n-1; j++ {
		dst[j] += 0.25*g[2*j-1] + 0.75*g[2*j] + 0.75*g[2*j+1] + 0.25*g[2*j+2]
	}
	dst[n-1] += 0.25*g[2*n-3] + 0.75*g[2*n-2] + g[2*n-1]
}

// upsampleRowsAdjoint sets t (one row of width w) to the adjoint of the
// vertical blend for input row r of h, gathering output rows of g (2h rows
// of width w).
func upsampleRowsAdjoint(t, g []float32, r, h, w int) {
	row := func(i int) []float32 { return g[i*w : (i+1)*w] }
	t = t[:w]
	switch {
	case h == 1:
		a, b := row(0), row(1)
		for i := range t {
			t[i] = a[i] + b[i]
		}
	case r == 0:
		a, b, c := row(0), row(1), row(2)
		for i := range t {
			t[i] = a[i] + 0.75*b[i] + 0.25*c[i]
		}
	case r == h-1:
		a, b, c := row(2*h-3), row(2*h-2), row(2*h-1)
		for i := range t {
			t[i] = 0.25*a[i] + 0.75*b[i] + c[i]
		}
	default:
		a, b, c, d := row(2*r-1), row(2*r), row(2*r+1), row(2*r+2)
		for i := range t {
			t[i] = 0.25*a[i] + 0.75*b[i] + 0.75*c[i] + 0.25*d[i]
		}
	}
}

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
			rows := all[p*h*wo : (p+1)*h*wo]
			src, dst := x.Data[p*h*w:(p+1)*h*w], out.Data[p*ho*wo:(p+1)*ho*wo]
			for r := range h {
				upsampleRow(rows[r*wo:(r+1)*wo], src[r*w:(r+1)*w])
			}
			row := func(r int) []float32 { return rows[r*wo : (r+1)*wo] }
			copy(dst[:wo], row(0))
			for j := 1; j < h; j++ {
				blendRows(dst[2*j*wo:(2*j+1)*wo], row(j-1), row(j), 0.25, 0.75)
			}
			for j := 0; j < h-1; j++ {
				blendRows(dst[(2*j+1)*wo:(2*j+2)*wo], row(j), row(j+1), 0.75, 0.25)
			}
			blendRows(dst[(ho-1)*wo:], row(h-1), row(h-1), 0.75, 0.25)
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
				g, dst := out.Grad[p*ho*wo:(p+1)*ho*wo], gx[p*h*w:(p+1)*h*w]
				for r := range h {
					upsampleRowsAdjoint(t, g, r, h, wo)
					upsampleRowAdjointAdd(dst[r*w:(r+1)*w], t)
				}
			}
		})
	})
	return out
}
