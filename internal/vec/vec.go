// Package vec holds the element-wise loops that dominate the non-GEMM part
// of a SelfDeblur iteration: the batch-norm statistics, the fused affine and
// LeakyReLU pass and the two passes of its gradient, bilinear upsampling and
// its adjoint, SSIM's 11-tap window, bias and gradient additions, and Adam.
//
// A cgo build runs them as C compiled for the host's widest vector unit
// (AVX-512, AVX2 or the baseline, chosen when the program starts); a pure-Go
// build (CGO_ENABLED=0 or the purego tag) runs the Go loops in generic.go.
// The two agree to float32 rounding, not bit for bit: the C loops add in a
// different order. Each is deterministic on a given machine.
//
// Every function panics if its slices are shorter than the first one.
package vec

// SumSquares returns the sum and the sum of squares of v, accumulated in
// float64.
func SumSquares(v []float32) (s, ss float64) { return sumSquares(v) }

// AffineLeaky sets dst[i] = act(a*src[i] + b) for i < len(src), where act is
// LeakyReLU with the given slope (0 <= slope <= 1; 1 is the identity).
func AffineLeaky(dst, src []float32, a, b, slope float32) {
	_ = dst[:len(src)]
	affineLeaky(dst, src, a, b, slope)
}

// LeakyGradSums returns sum(d) and sum(d * (x - mu)) over i < len(x), where
// d = g * (1 - lf * [y has its sign bit set]) is the gradient g of a
// LeakyReLU output y taken back through the activation (lf = 1 - slope).
func LeakyGradSums(x, y, g []float32, lf, mu float32) (sd, sdx float64) {
	_, _ = y[:len(x)], g[:len(x)]
	return leakyGradSums(x, y, g, lf, mu)
}

// LeakyGradApply adds a * (d - md - (x - mu) * k) to dst[i] for i < len(x),
// with d as in LeakyGradSums: the input gradient of batch normalisation
// followed by LeakyReLU, given the channel's means md and k = mdx / std.
func LeakyGradApply(dst, x, y, g []float32, a, lf, md, mu, k float32) {
	_, _, _ = dst[:len(x)], y[:len(x)], g[:len(x)]
	leakyGradApply(dst, x, y, g, a, lf, md, mu, k)
}

// LeakyGradSet is LeakyGradApply writing a * (d - md - (x - mu) * k) into
// dst[i] instead of adding it: for a gradient buffer not yet written.
func LeakyGradSet(dst, x, y, g []float32, a, lf, md, mu, k float32) {
	_, _, _ = dst[:len(x)], y[:len(x)], g[:len(x)]
	leakyGradSet(dst, x, y, g, a, lf, md, mu, k)
}

// Adam applies one Adam update to the parameters p with first and second
// moments m and v and gradient g, for i < len(p): m = b1 m + (1-b1) g,
// v = b2 v + (1-b2) g^2, p -= step m / (sqrt(v) inv + eps), every
// operation rounded to float32 (step and inv carry the learning rate and
// the bias corrections).
func Adam(p, m, v, g []float32, b1, b2, step, inv, eps float32) {
	_, _, _ = m[:len(p)], v[:len(p)], g[:len(p)]
	adam(p, m, v, g, b1, b2, step, inv, eps)
}

// AddBias adds b to every element of v.
func AddBias(v []float32, b float32) { addBias(v, b) }

// Accumulate adds src[i] to dst[i] for i < len(dst).
func Accumulate(dst, src []float32) {
	_ = src[:len(dst)]
	accumulate(dst, src)
}

// Sym11 applies a symmetric 11-tap filter across 11 sequences: dst[i] =
// g0 (s0[i] + s10[i]) + g1 (s1[i] + s9[i]) + ... + g4 (s4[i] + s6[i]) +
// g5 s5[i], summed in that order, where sequence t starts at src[t*stride].
// With stride 1 it filters along a row (dst[i] from src[i : i+11]); with
// the row length as stride, down the columns of 11 rows. The C and Go loops
// agree bit for bit.
func Sym11(dst, src []float32, stride int, g *[6]float32) {
	if len(dst) == 0 {
		return
	}
	_ = src[:len(dst)+10*stride]
	sym11(dst, src, stride, g)
}

// Upsample2x writes into dst (2h x 2w) the h x w plane src upsampled by two
// in each direction with bilinear weights (PyTorch's align_corners=false:
// outputs at 1/4 and 3/4 between inputs, edges repeated). rows (h x 2w) is
// scratch. The C and Go loops agree bit for bit.
func Upsample2x(dst, src, rows []float32, h, w int) {
	if h < 1 || w < 1 {
		return
	}
	_, _, _ = dst[:4*h*w], src[:h*w], rows[:2*h*w]
	upsample2x(dst, src, rows, h, w)
}

// Upsample2xAdjointAdd adds to dst (h x w) the adjoint of Upsample2x
// applied to g (2h x 2w): each input gathers the weights it gave. t (2w
// values) is scratch. The C and Go loops agree bit for bit.
func Upsample2xAdjointAdd(dst, g, t []float32, h, w int) {
	if h < 1 || w < 1 {
		return
	}
	_, _, _ = dst[:h*w], g[:4*h*w], t[:2*w]
	upsample2xAdjointAdd(dst, g, t, h, w)
}
