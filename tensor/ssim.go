package tensor

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/internal/vec"
)

// SSIM constants of pytorch_ssim (as used by SelfDeblur): an 11-tap
// Gaussian window with sigma 1.5 and the stabilisers C1 = 0.01^2,
// C2 = 0.03^2 for images in [0, 1].
const (
	ssimTaps   = 11
	ssimRadius = ssimTaps / 2
	ssimC1     = 0.01 * 0.01
	ssimC2     = 0.03 * 0.03
)

// ssimWindow is pytorch_ssim's 1-D window: exp(-(i-5)^2 / (2 * 1.5^2)) for
// i = 0..10, rounded to float32 and divided by its float32 sum. The 2-D
// window is its outer product.
var ssimWindow = func() [ssimTaps]float32 {
	var g [ssimTaps]float32
	sum := float32(0)
	for i := range g {
		d := float64(i - ssimRadius)
		g[i] = float32(math.Exp(-d * d / (2 * 1.5 * 1.5)))
		sum += g[i]
	}
	for i := range g {
		g[i] /= sum
	}
	return g
}()

// SSIMLoss returns 1 - SSIM(a, b) as a one-element tensor, exactly as
// SelfDeblur's pytorch_ssim with size_average=True: a and b are
// N x C x H x W; every channel is filtered separately (groups = C) with the
// 11 x 11 Gaussian window (sigma 1.5, sum 1) under zero padding 5, giving
// same-size maps mu1 = G*a, mu2 = G*b, sigma1_sq = G*(a^2) - mu1^2,
// sigma2_sq = G*(b^2) - mu2^2, sigma12 = G*(a b) - mu1 mu2, and
//
//	ssim_map = (2 mu1 mu2 + C1)(2 sigma12 + C2) / ((mu1^2 + mu2^2 + C1)(sigma1_sq + sigma2_sq + C2))
//
// with C1 = 0.01^2, C2 = 0.03^2; the loss is 1 - mean(ssim_map) over all
// N*C*H*W positions. Gradients flow to both a and b.
//
// The window is separable, so the filtering runs as a horizontal and a
// vertical 11-tap pass over all five maps at once; the per-pixel
// derivatives needed by the backward are computed in the same sweep.
func SSIMLoss(tp *Tape, a, b *Tensor) *Tensor {
	n, c, h, w := dims4("SSIMLoss", a)
	if !sameShape(a.shape, b.shape) {
		panic(fmt.Sprintf("tensor: SSIMLoss of shapes %v and %v", a.shape, b.shape))
	}
	planes, hw := n*c, h*w
	total := planes * hw
	out := tp.result([]int{1}, a, b)
	if total == 0 {
		panic("tensor: SSIMLoss of an empty tensor")
	}
	needGrad := out.requiresGrad

	// Horizontal pass over a, b, a^2, b^2, ab.
	var tmp [5][]float32
	for m := range tmp {
		tmp[m] = tp.alloc(total)
	}
	parallelFor(planes*h, w*5*(ssimTaps+2), func(lo, hi int) {
		pad := make([]float32, 5*(w+2*ssimRadius))
		var rows [5][]float32
		for m := range rows {
			rows[m] = pad[m*(w+2*ssimRadius) : (m+1)*(w+2*ssimRadius)]
		}
		for r := lo; r < hi; r++ {
			ar, br := a.Data[r*w:(r+1)*w], b.Data[r*w:(r+1)*w]
			p0 := rows[0][ssimRadius : ssimRadius+w]
			p1 := rows[1][ssimRadius : ssimRadius+w]
			p2 := rows[2][ssimRadius : ssimRadius+w]
			p3 := rows[3][ssimRadius : ssimRadius+w]
			p4 := rows[4][ssimRadius : ssimRadius+w]
			for x, av := range ar {
				bv := br[x]
				p0[x], p1[x], p2[x], p3[x], p4[x] = av, bv, av*av, bv*bv, av*bv
			}
			for m := range rows {
				ssimHBlur(tmp[m][r*w:(r+1)*w], rows[m])
			}
		}
	})

	// Vertical pass, the SSIM map, its row sums and (when recording) the
	// derivatives of the loss with respect to mu1, mu2, E[a^2] (= that for
	// E[b^2]) and E[ab].
	var coef [4][]float32
	if needGrad {
		for m := range coef {
			coef[m] = tp.alloc(total)
		}
	}
	k := -1 / float64(total)
	rowSum := make([]float64, planes*h)
	parallelFor(planes*h, w*5*(ssimTaps+8), func(lo, hi int) {
		acc := make([]float32, 5*w)
		for r := lo; r < hi; r++ {
			p, y := r/h, r%h
			var rows [5][]float32
			for m := range rows {
				rows[m] = acc[m*w : (m+1)*w]
				ssimVBlur(rows[m], tmp[m][p*hw:(p+1)*hw], y, h, w)
			}
			mu1s, mu2s, e11s, e22s, e12s := rows[0], rows[1][:w], rows[2][:w], rows[3][:w], rows[4][:w]
			sum := 0.0
			for x := range mu1s {
				mu1, mu2 := float64(mu1s[x]), float64(mu2s[x])
				m11, m22, m12 := mu1*mu1, mu2*mu2, mu1*mu2
				a1 := 2*m12 + ssimC1
				a2 := 2*(float64(e12s[x])-m12) + ssimC2
				b1 := m11 + m22 + ssimC1
				b2 := float64(e11s[x]) - m11 + float64(e22s[x]) - m22 + ssimC2
				inv := 1 / (b1 * b2)
				s := a1 * a2 * inv
				sum += s
				if needGrad {
					i := r*w + x
					t := 2 * (a2 - a1) * inv
					u := 2 * s * (1/b2 - 1/b1)
					coef[0][i] = float32(k * (mu2*t + mu1*u))
					coef[1][i] = float32(k * (mu1*t + mu2*u))
					coef[2][i] = float32(k * (-s / b2))
					coef[3][i] = float32(k * 2 * a1 * inv)
				}
			}
			rowSum[r] = sum
		}
	})
	for m := range tmp {
		tp.release(tmp[m])
	}
	mean := 0.0
	for _, s := range rowSum {
		mean += s
	}
	out.Data[0] = float32(1 - mean/float64(total))

	tp.record(out, func() {
		ga, gb := tp.grad(a), tp.grad(b)
		g := out.Grad[0]
		// The zero-padded symmetric Gaussian filter is self-adjoint, so the
		// backward filters the coefficient maps with the same two passes.
		var ft [4][]float32
		for m := range ft {
			ft[m] = tp.alloc(total)
		}
		parallelFor(planes*h, w*4*(ssimTaps+2), func(lo, hi int) {
			pad := make([]float32, w+2*ssimRadius)
			for r := lo; r < hi; r++ {
				for m := range ft {
					copy(pad[ssimRadius:ssimRadius+w], coef[m][r*w:(r+1)*w])
					ssimHBlur(ft[m][r*w:(r+1)*w], pad)
				}
			}
		})
		parallelFor(planes*h, w*4*(ssimTaps+4), func(lo, hi int) {
			acc := make([]float32, 4*w)
			for r := lo; r < hi; r++ {
				p, y := r/h, r%h
				var rows [4][]float32
				for m := range rows {
					rows[m] = acc[m*w : (m+1)*w]
					ssimVBlur(rows[m], ft[m][p*hw:(p+1)*hw], y, h, w)
				}
				fmu1, fmu2, f2, f12 := rows[0], rows[1][:w], rows[2][:w], rows[3][:w]
				ar, br := a.Data[r*w:(r+1)*w], b.Data[r*w:(r+1)*w]
				if ga != nil {
					gr := ga[r*w : (r+1)*w]
					for x, v := range fmu1 {
						gr[x] += g * (v + 2*ar[x]*f2[x] + br[x]*f12[x])
					}
				}
				if gb != nil {
					gr := gb[r*w : (r+1)*w]
					for x, v := range fmu2[:len(fmu1)] {
						gr[x] += g * (v + 2*br[x]*f2[x] + ar[x]*f12[x])
					}
				}
			}
		})
		for m := range ft {
			tp.release(ft[m])
		}
	})
	return out
}

// ssimHBlur writes into dst (length W) the 11-tap window applied along the
// row held in pad[5:5+W]; pad[:5] and pad[5+W:] must be zero (zero
// padding). The window is symmetric, so mirrored taps share a product.
func ssimHBlur(dst, pad []float32) {
	vec.Sym11(dst, pad, 1, &ssimHalf)
}

// ssimHalf is the first half of ssimWindow, its centre included.
var ssimHalf = [6]float32(ssimWindow[:6])

// ssimVBlur writes into dst (length W) row y of the 11-tap window applied
// down the columns of plane (H x W), rows outside the plane counting as
// zero.
func ssimVBlur(dst, plane []float32, y, h, w int) {
	if y >= ssimRadius && y+ssimRadius < h {
		// Interior row: all 11 source rows exist; one pass over dst.
		vec.Sym11(dst, plane[(y-ssimRadius)*w:], w, &ssimHalf)
		return
	}
	clear(dst)
	for t := range ssimTaps {
		yy := y + t - ssimRadius
		if yy < 0 || yy >= h {
			continue
		}
		gt := ssimWindow[t]
		src := plane[yy*w : (yy+1)*w]
		src = src[:len(dst)]
		for x, v := range src {
			dst[x] += gt * v
		}
	}
}
