package vec

// The Go loops of the bilinear 2x upsampling (PyTorch's align_corners=false)
// and its adjoint, the bias addition and the symmetric 11-tap filter; the C
// loops compute the same float32 operations in the same order, so the two
// agree bit for bit.

func upsample2xGo(dst, src, rows []float32, h, w int) {
	wo := 2 * w
	for r := range h {
		upsampleRowGo(rows[r*wo:(r+1)*wo], src[r*w:(r+1)*w])
	}
	row := func(r int) []float32 { return rows[r*wo : (r+1)*wo] }
	ho := 2 * h
	copy(dst[:wo], row(0))
	for j := 1; j < h; j++ {
		blendGo(dst[2*j*wo:(2*j+1)*wo], row(j-1), row(j), 0.25, 0.75)
	}
	for j := 0; j < h-1; j++ {
		blendGo(dst[(2*j+1)*wo:(2*j+2)*wo], row(j), row(j+1), 0.75, 0.25)
	}
	blendGo(dst[(ho-1)*wo:ho*wo], row(h-1), row(h-1), 0.75, 0.25)
}

// upsampleRowGo writes the 2n samples of src (n values) upsampled.
func upsampleRowGo(dst, src []float32) {
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

// blendGo sets dst[i] = wa a[i] + wb b[i].
func blendGo(dst, a, b []float32, wa, wb float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = wa*a[i] + wb*b[i]
	}
}

func upsample2xAdjointAddGo(dst, g, t []float32, h, w int) {
	wo := 2 * w
	t = t[:wo]
	row := func(i int) []float32 { return g[i*wo : (i+1)*wo] }
	for r := range h {
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
		upsampleRowAdjointAddGo(dst[r*w:(r+1)*w], t)
	}
}

// upsampleRowAdjointAddGo adds to dst (n values) the adjoint of
// upsampleRowGo applied to g (2n values).
func upsampleRowAdjointAddGo(dst, g []float32) {
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

func addBiasGo(v []float32, b float32) {
	for i := range v {
		v[i] += b
	}
}

func sym11Go(dst, src []float32, stride int, g *[6]float32) {
	for i := range dst {
		dst[i] = g[0]*(src[i]+src[i+10*stride]) + g[1]*(src[i+stride]+src[i+9*stride]) +
			g[2]*(src[i+2*stride]+src[i+8*stride]) + g[3]*(src[i+3*stride]+src[i+7*stride]) +
			g[4]*(src[i+4*stride]+src[i+6*stride]) + g[5]*src[i+5*stride]
	}
}

func accumulateGo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
