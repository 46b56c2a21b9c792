package tensor

import (
	"fmt"
	"math"
)

// BatchNorm2D normalises every channel of x (N x C x H x W) with the mean and
// biased variance of that channel over the batch and both spatial axes, then
// applies the learnable scale gamma and shift beta (C values each): PyTorch's
// BatchNorm2d in training mode. Running statistics are not kept: deblur's
// networks always normalise with the statistics of the current input.
func BatchNorm2D(tp *Tape, x, gamma, beta *Tensor, eps float32) *Tensor {
	return batchNormAct(tp, x, gamma, beta, eps, 1)
}

// BatchNormLeakyReLU is BatchNorm2D followed by LeakyReLU(slope), fused into
// two passes over the data forward and two backward.
func BatchNormLeakyReLU(tp *Tape, x, gamma, beta *Tensor, eps, slope float32) *Tensor {
	return batchNormAct(tp, x, gamma, beta, eps, slope)
}

// batchNormAct computes act(gamma * (x - mean) / sqrt(var + eps) + beta)
// where act is LeakyReLU(slope), the identity when slope is 1. Per channel
// the affine part is folded into y = a x + b with a = gamma/std.
func batchNormAct(tp *Tape, x, gamma, beta *Tensor, eps, slope float32) *Tensor {
	n, c, h, w := dims4("BatchNorm2D", x)
	if gamma.Len() != c || beta.Len() != c {
		panic(fmt.Sprintf("tensor: BatchNorm2D of %d channels with %d scales and %d shifts", c, gamma.Len(), beta.Len()))
	}
	hw, m := h*w, n*h*w
	out := tp.result(x.shape, x, gamma, beta)
	mean, invstd := make([]float32, c), make([]float32, c)
	parallelFor(c, 2*m, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var s, ss float64
			for b := 0; b < n; b++ {
				bs, bss := sumSquares(x.Data[(b*c+ch)*hw : (b*c+ch+1)*hw])
				s, ss = s+bs, ss+bss
			}
			mu := s / float64(m)
			variance := math.Max(ss/float64(m)-mu*mu, 0)
			mean[ch], invstd[ch] = float32(mu), float32(1/math.Sqrt(variance+float64(eps)))
			a := gamma.Data[ch] * invstd[ch]
			bb := beta.Data[ch] - float32(mu)*a
			for b := 0; b < n; b++ {
				src, dst := x.Data[(b*c+ch)*hw:(b*c+ch+1)*hw], out.Data[(b*c+ch)*hw:(b*c+ch+1)*hw]
				dst = dst[:len(src)]
				if slope == 1 {
					for i, v := range src {
						dst[i] = a*v + bb
					}
					continue
				}
				for i, v := range src {
					y := a*v + bb
					dst[i] = max(y, y*slope) // LeakyReLU for 0 <= slope < 1, branch-free
				}
			}
		}
	})
	tp.record(out, func() {
		gx, gg, gb := tp.grad(x), tp.grad(gamma), tp.grad(beta)
		parallelFor(c, 3*m, func(lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				mu, is := mean[ch], invstd[ch]
				a := gamma.Data[ch] * is
				// The gradient before the activation is g * f where f is
				// slope for negative outputs, else 1 (branch-free: the sign
				// bit of the output picks it).
				lf := 1 - slope
				var sd, sdx float64
				for b := 0; b < n; b++ {
					o := (b*c + ch) * hw
					bd, bdx := bnGradSums(x.Data[o:o+hw], out.Data[o:o+hw], out.Grad[o:o+hw], lf, mu)
					sd, sdx = sd+bd, sdx+bdx*float64(is)
				}
				if gg != nil {
					gg[ch] += float32(sdx)
				}
				if gb != nil {
					gb[ch] += float32(sd)
				}
				if gx == nil {
					continue
				}
				md, mdx := float32(sd/float64(m)), float32(sdx/float64(m))
				k := is * mdx
				for b := 0; b < n; b++ {
					o := (b*c + ch) * hw
					xs, ys, gs, dst := x.Data[o:o+hw], out.Data[o:o+hw], out.Grad[o:o+hw], gx[o:o+hw]
					for i, v := range xs {
						f := 1 - lf*float32(math.Float32bits(ys[i])>>31)
						dst[i] += a * (gs[i]*f - md - (v-mu)*k)
					}
				}
			}
		})
	})
	return out
}

// sumSquares returns the sum and the sum of squares of v, accumulated in
// float64 over four independent partial sums.
func sumSquares(v []float32) (s, ss float64) {
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

// bnGradSums returns sum(d) and sum(d * (x - mu)) over a plane, where
// d = g * (1 - lf * [y < 0]) is the gradient before the activation.
func bnGradSums(xs, ys, gs []float32, lf, mu float32) (sd, sdx float64) {
	ys, gs = ys[:len(xs)], gs[:len(xs)]
	var a0, a1, b0, b1 float64
	i := 0
	for ; i+2 <= len(xs); i += 2 {
		d0 := gs[i] * (1 - lf*float32(math.Float32bits(ys[i])>>31))
		d1 := gs[i+1] * (1 - lf*float32(math.Float32bits(ys[i+1])>>31))
		a0, a1 = a0+float64(d0), a1+float64(d1)
		b0, b1 = b0+float64(d0*(xs[i]-mu)), b1+float64(d1*(xs[i+1]-mu))
	}
	for ; i < len(xs); i++ {
		d := gs[i] * (1 - lf*float32(math.Float32bits(ys[i])>>31))
		a0, b0 = a0+float64(d), b0+float64(d*(xs[i]-mu))
	}
	return a0 + a1, b0 + b1
}
