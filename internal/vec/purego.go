//go:build !cgo || purego

package vec

func sumSquares(v []float32) (s, ss float64) { return sumSquaresGo(v) }

func affineLeaky(dst, src []float32, a, b, slope float32) { affineLeakyGo(dst, src, a, b, slope) }

func leakyGradSums(x, y, g []float32, lf, mu float32) (sd, sdx float64) {
	return leakyGradSumsGo(x, y, g, lf, mu)
}

func leakyGradApply(dst, x, y, g []float32, a, lf, md, mu, k float32) {
	leakyGradApplyGo(dst, x, y, g, a, lf, md, mu, k)
}

func leakyGradSet(dst, x, y, g []float32, a, lf, md, mu, k float32) {
	leakyGradSetGo(dst, x, y, g, a, lf, md, mu, k)
}

func adam(p, m, v, g []float32, b1, b2, step, inv, eps float32) {
	adamGo(p, m, v, g, b1, b2, step, inv, eps)
}

func upsample2x(dst, src, rows []float32, h, w int) { upsample2xGo(dst, src, rows, h, w) }

func upsample2xAdjointAdd(dst, g, t []float32, h, w int) { upsample2xAdjointAddGo(dst, g, t, h, w) }

func addBias(v []float32, b float32) { addBiasGo(v, b) }

func accumulate(dst, src []float32) { accumulateGo(dst, src) }

func sym11(dst, src []float32, stride int, g *[6]float32) { sym11Go(dst, src, stride, g) }

// Backend names the implementation: "go".
func Backend() string { return "go" }
