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
				for _, v := range x.Data[(b*c+ch)*hw : (b*c+ch+1)*hw] {
					s += float64(v)
					ss += float64(v) * float64(v)
				}
			}
			mu := s / float64(m)
			variance := math.Max(ss/float64(m)-mu*mu, 0)
			mean[ch], invstd[ch] = float32(mu), float32(1/math.Sqrt(variance+float64(eps)))
			a := gamma.Data[ch] * invstd[ch]
			bb := beta.Data[ch] - float32(mu)*a
			for b := 0; b < n; b++ {
				src, dst := x.Data[(b*c+ch)*hw:(b*c+ch+1)*hw], out.Data[(b*c+ch)*hw:(b*c+ch+1)*hw]
				if slope == 1 {
					for i, v := range src {
						dst[i] = a*v + bb
					}
					continue
				}
				for i, v := range src {
					y := a*v + bb
					if y < 0 {
						y *= slope
					}
					dst[i] = y
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
				bb := beta.Data[ch] - mu*a
				// dpre is the gradient before the activation.
				dpre := func(v, g float32) float32 {
					if slope != 1 && a*v+bb <= 0 {
						return g * slope
					}
					return g
				}
				var sd, sdx float64
				for b := 0; b < n; b++ {
					xs, gs := x.Data[(b*c+ch)*hw:(b*c+ch+1)*hw], out.Grad[(b*c+ch)*hw:(b*c+ch+1)*hw]
					for i, v := range xs {
						d := dpre(v, gs[i])
						sd += float64(d)
						sdx += float64(d) * float64((v-mu)*is)
					}
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
				for b := 0; b < n; b++ {
					xs, gs := x.Data[(b*c+ch)*hw:(b*c+ch+1)*hw], out.Grad[(b*c+ch)*hw:(b*c+ch+1)*hw]
					dst := gx[(b*c+ch)*hw : (b*c+ch+1)*hw]
					for i, v := range xs {
						dst[i] += a * (dpre(v, gs[i]) - md - (v-mu)*is*mdx)
					}
				}
			}
		})
	})
	return out
}
