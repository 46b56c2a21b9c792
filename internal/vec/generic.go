package vec

import "math"

// The Go loops: the implementation in a pure-Go build, and the reference
// the C loops are tested against.

func sumSquaresGo(v []float32) (s, ss float64) {
	var s0, s1, s2, s3, q0, q1, q2, q3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		a, b, c, d := float64(v[i]), float64(v[i+1]), float64(v[i+2]), float64(v[i+3])
		s0, s1, s2, s3 = s0+a, s1+b, s2+c, s3+d
		q0, q1, q2, q3 = q0+a*a, q1+b*b, q2+c*c, q3+d*d
	}
	for ; i < len(v); i++ {
		a := float64(v[i])
		s0, q0 = s0+a, q0+a*a
	}
	return s0 + s1 + s2 + s3, q0 + q1 + q2 + q3
}

func affineLeakyGo(dst, src []float32, a, b, slope float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		y := a*v + b
		dst[i] = max(y, y*slope) // LeakyReLU for 0 <= slope <= 1
	}
}

// signFactor is 1 - lf for a value with its sign bit set, else 1.
func signFactor(y, lf float32) float32 {
	return 1 - lf*float32(math.Float32bits(y)>>31)
}

func leakyGradSumsGo(xs, ys, gs []float32, lf, mu float32) (sd, sdx float64) {
	ys, gs = ys[:len(xs)], gs[:len(xs)]
	var a0, a1, b0, b1 float64
	i := 0
	for ; i+2 <= len(xs); i += 2 {
		d0 := gs[i] * signFactor(ys[i], lf)
		d1 := gs[i+1] * signFactor(ys[i+1], lf)
		a0, a1 = a0+float64(d0), a1+float64(d1)
		b0, b1 = b0+float64(d0*(xs[i]-mu)), b1+float64(d1*(xs[i+1]-mu))
	}
	for ; i < len(xs); i++ {
		d := gs[i] * signFactor(ys[i], lf)
		a0, b0 = a0+float64(d), b0+float64(d*(xs[i]-mu))
	}
	return a0 + a1, b0 + b1
}

func leakyGradApplyGo(dst, xs, ys, gs []float32, a, lf, md, mu, k float32) {
	dst, ys, gs = dst[:len(xs)], ys[:len(xs)], gs[:len(xs)]
	for i, v := range xs {
		dst[i] += a * (gs[i]*signFactor(ys[i], lf) - md - (v-mu)*k)
	}
}

func leakyGradSetGo(dst, xs, ys, gs []float32, a, lf, md, mu, k float32) {
	dst, ys, gs = dst[:len(xs)], ys[:len(xs)], gs[:len(xs)]
	for i, v := range xs {
		dst[i] = a * (gs[i]*signFactor(ys[i], lf) - md - (v-mu)*k)
	}
}

func adamGo(p, m, v, g []float32, b1, b2, step, inv, eps float32) {
	m, v, g = m[:len(p)], v[:len(p)], g[:len(p)]
	c1, c2 := 1-b1, 1-b2
	for i, gi := range g {
		mi := b1*m[i] + c1*gi
		vi := b2*v[i] + c2*gi*gi
		m[i], v[i] = mi, vi
		p[i] -= step * mi / (float32(math.Sqrt(float64(vi)))*inv + eps)
	}
}
