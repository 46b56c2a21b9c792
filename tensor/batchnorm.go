package tensor

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/internal/vec"
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
				bs, bss := vec.SumSquares(x.Data[(b*c+ch)*hw : (b*c+ch+1)*hw])
				s, ss = s+bs, ss+bss
			}
			mu := s / float64(m)
			variance := math.Max(ss/float64(m)-mu*mu, 0)
			mean[ch], invstd[ch] = float32(mu), float32(1/math.Sqrt(variance+float64(eps)))
			a := gamma.Data[ch] * invstd[ch]
			bb := beta.Data[ch] - float32(mu)*a
			for b := 0; b < n; b++ {
				o := (b*c + ch) * hw
				vec.AffineLeaky(out.Data[o:o+hw], x.Data[o:o+hw], a, bb, slope)
			}
		}
	})
	tp.record(out, func() {
		gg, gb := tp.grad(gamma), tp.grad(beta)
		gx, fresh := tp.freshGrad(x)
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
					bd, bdx := vec.LeakyGradSums(x.Data[o:o+hw], out.Data[o:o+hw], out.Grad[o:o+hw], lf, mu)
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
					if fresh {
						vec.LeakyGradSet(gx[o:o+hw], x.Data[o:o+hw], out.Data[o:o+hw], out.Grad[o:o+hw], a, lf, md, mu, k)
					} else {
						vec.LeakyGradApply(gx[o:o+hw], x.Data[o:o+hw], out.Data[o:o+hw], out.Grad[o:o+hw], a, lf, md, mu, k)
					}
				}
			}
		})
	})
	return out
}
