package l0

import (
	"context"

	"github.com/deblur/deblur/internal/fft2"
	"github.com/deblur/deblur/plane"
)

// The continuation of the half-quadratic splitting: the weights of the
// intensity and gradient couplings start at twice their L0 weights and
// double until these maxima (Pan et al.'s values).
const (
	betaMax = 2e3
	muMax   = 1e5
)

// latent returns the sharp image x that minimises
//
//	||k ⊛ x - y||² + wi ||x||₀ + wg ||∇x||₀
//
// (||.||₀ counts non-zero entries; for the gradient, pixels whose gradient
// is not zero) by half-quadratic splitting: auxiliary u for x and g for ∇x,
// each a hard threshold of the current x, and x a closed-form solve in the
// Fourier domain, while the coupling weights grow. y is laid on a periodic
// grid larger by the kernel with smooth ramps across the gap
// (plane.SmoothExtend), so the circular model does not ring at the borders;
// x comes back at y's size. wi = 0 drops the intensity term.
func latent(ctx context.Context, y, k *plane.Plane, wi, wg float64) (*plane.Plane, error) {
	gw, gh := fft2.GoodEvenSize(y.W+k.W-1), fft2.GoodSize(y.H+k.H-1)
	g, err := newGrid(gw, gh)
	if err != nil {
		return nil, err
	}
	ext := plane.SmoothExtend(y, gw, gh, 0, 0)
	kf := g.otf(k)
	yf := g.fft(ext.Pix)
	n := len(kf)
	num1 := make([]complex128, n) // conj(K) Y
	denK := make([]float64, n)    // |K|²
	for i, c := range kf {
		num1[i] = complexConj(c) * yf[i]
		denK[i] = real(c)*real(c) + imag(c)*imag(c)
	}
	denD := diffPower(g)
	s := append([]float64(nil), ext.Pix...)
	u := make([]float64, len(s))
	div := make([]float64, len(s))
	fs := make([]complex128, n)
	// One continuation: beta (intensity) and mu (gradient) double
	// together from twice their weights, beta held at betaMax once there,
	// until mu reaches muMax.
	beta, mu := 2*wi, 2*wg
	for ; mu < muMax; mu *= 2 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var uf []complex128
		if wi > 0 {
			for i, v := range s {
				u[i] = v
				if v*v < wi/beta {
					u[i] = 0
				}
			}
			uf = g.fft(u)
		}
		gradientStep(s, div, gw, gh, wg/mu)
		df := g.fft(div)
		for i := range fs {
			num := num1[i] + complex(mu, 0)*df[i]
			den := denK[i] + mu*denD[i]
			if uf != nil {
				num += complex(beta, 0) * uf[i]
				den += beta
			}
			fs[i] = num / complex(den, 0)
		}
		g.ifft(s, fs)
		beta = min(2*beta, betaMax)
	}
	out := plane.New(y.W, y.H)
	for r := range y.H {
		copy(out.Pix[r*y.W:(r+1)*y.W], s[r*gw:r*gw+y.W])
	}
	return out, nil
}

// gradientStep writes into div the adjoint of the forward differences
// (Dxᵀ h + Dyᵀ v) applied to the gradient of s thresholded by L0: h, v are
// s's wrapped forward differences, zeroed where h² + v² < t.
func gradientStep(s, div []float64, w, h int, t float64) {
	dx, dy := forwardDiffs(s, w, h)
	for i := range dx {
		if dx[i]*dx[i]+dy[i]*dy[i] < t {
			dx[i], dy[i] = 0, 0
		}
	}
	for y := range h {
		prev := ((y-1)%h + h) % h
		for x := range w {
			i := y*w + x
			left := y*w + (x-1+w)%w
			div[i] = dx[left] - dx[i] + dy[prev*w+x] - dy[i]
		}
	}
}

// diffPower returns |Fx|² + |Fy|², the spectrum of Dxᵀ Dx + Dyᵀ Dy on g.
func diffPower(g *grid) []float64 {
	fx := plane.New(2, 1) // x(i+1) - x(i) as a convolution: centre tap at 0
	fx.Pix[0], fx.Pix[1] = -1, 1
	fy := plane.New(1, 2)
	fy.Pix[0], fy.Pix[1] = -1, 1
	ax, ay := g.otf(fx), g.otf(fy)
	out := make([]float64, len(ax))
	for i := range ax {
		out[i] = real(ax[i])*real(ax[i]) + imag(ax[i])*imag(ax[i]) + real(ay[i])*real(ay[i]) + imag(ay[i])*imag(ay[i])
	}
	return out
}

func complexConj(c complex128) complex128 { return complex(real(c), -imag(c)) }
