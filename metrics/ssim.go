package metrics

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/plane"
)

// SSIM constants of Wang et al. 2004 on the 8-bit scale.
const (
	ssimWindow = 11
	ssimSigma  = 1.5
	ssimK1     = 0.01
	ssimK2     = 0.03
	ssimL      = 255
)

// SSIM returns the mean structural similarity of a and b (same size, samples
// on the [0, 1] scale, multiplied by 255 here) exactly as the reference
// ssim.m of Wang et al. computes it: an 11x11 Gaussian window with sigma 1.5
// (normalised to sum 1), K1 = 0.01, K2 = 0.03, L = 255, 'valid' filtering,
// after downsampling by f = max(1, round(min(H, W)/256)) with an f x f box
// filter (symmetric boundary, MATLAB's centre for even f) and taking every
// f-th pixel from the first. It returns an error when the sizes differ or the
// downsampled images are smaller than the window.
func SSIM(a, b *plane.Plane) (float64, error) {
	if !a.SameSize(b) {
		return 0, fmt.Errorf("metrics: SSIM of %dx%d and %dx%d images", a.W, a.H, b.W, b.H)
	}
	f := max(1, int(math.Round(float64(min(a.W, a.H))/256)))
	x, y := scale255(a), scale255(b)
	if f > 1 {
		x, y = downsample(x, f), downsample(y, f)
	}
	if x.W < ssimWindow || x.H < ssimWindow {
		return 0, fmt.Errorf("metrics: SSIM needs at least %dx%d pixels after downsampling by %d, have %dx%d",
			ssimWindow, ssimWindow, f, x.W, x.H)
	}
	win := gaussian1D(ssimWindow, ssimSigma)
	xx, yy, xy := plane.New(x.W, x.H), plane.New(x.W, x.H), plane.New(x.W, x.H)
	for i, v := range x.Pix {
		u := y.Pix[i]
		xx.Pix[i], yy.Pix[i], xy.Pix[i] = v*v, u*u, v*u
	}
	mu1, mu2 := filterValid(x, win), filterValid(y, win)
	s11, s22, s12 := filterValid(xx, win), filterValid(yy, win), filterValid(xy, win)
	c1, c2 := (ssimK1*ssimL)*(ssimK1*ssimL), (ssimK2*ssimL)*(ssimK2*ssimL)
	sum := 0.0
	for i, m1 := range mu1.Pix {
		m2 := mu2.Pix[i]
		v1 := s11.Pix[i] - m1*m1
		v2 := s22.Pix[i] - m2*m2
		cv := s12.Pix[i] - m1*m2
		sum += (2*m1*m2 + c1) * (2*cv + c2) / ((m1*m1 + m2*m2 + c1) * (v1 + v2 + c2))
	}
	return sum / float64(len(mu1.Pix)), nil
}

func scale255(p *plane.Plane) *plane.Plane {
	q := plane.New(p.W, p.H)
	for i, v := range p.Pix {
		q.Pix[i] = 255 * v
	}
	return q
}

// gaussian1D returns the normalised 1-D Gaussian of n taps; its outer product
// with itself is MATLAB's fspecial('gaussian', n, sigma).
func gaussian1D(n int, sigma float64) []float64 {
	g := make([]float64, n)
	c := float64(n-1) / 2
	s := 0.0
	for i := range g {
		d := float64(i) - c
		g[i] = math.Exp(-d * d / (2 * sigma * sigma))
		s += g[i]
	}
	for i := range g {
		g[i] /= s
	}
	return g
}

// filterValid correlates p with the separable kernel k x k, keeping only
// outputs whose window lies inside p (MATLAB filter2(..., 'valid')).
func filterValid(p *plane.Plane, k []float64) *plane.Plane {
	n := len(k)
	ow, oh := p.W-n+1, p.H-n+1
	tmp := plane.New(ow, p.H)
	for y := 0; y < p.H; y++ {
		row := p.Pix[y*p.W : (y+1)*p.W]
		for x := 0; x < ow; x++ {
			s := 0.0
			for i, w := range k {
				s += w * row[x+i]
			}
			tmp.Pix[y*ow+x] = s
		}
	}
	out := plane.New(ow, oh)
	for y := 0; y < oh; y++ {
		o := out.Pix[y*ow : (y+1)*ow]
		for i, w := range k {
			r := tmp.Pix[(y+i)*ow : (y+i+1)*ow]
			for x := range o {
				o[x] += w * r[x]
			}
		}
	}
	return out
}

// downsample applies MATLAB's imfilter(img, ones(f)/f^2, 'symmetric',
// 'same') and keeps img(1:f:end, 1:f:end). imfilter centres an f-tap kernel
// on its tap floor((f-1)/2) (0-based), so output i averages inputs
// i-floor((f-1)/2) .. i-floor((f-1)/2)+f-1, mirrored at the edges.
func downsample(p *plane.Plane, f int) *plane.Plane {
	off := (f - 1) / 2
	ow, oh := (p.W+f-1)/f, (p.H+f-1)/f
	out := plane.New(ow, oh)
	norm := 1 / float64(f*f)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			s := 0.0
			for j := 0; j < f; j++ {
				y := plane.MirrorIndex(oy*f-off+j, p.H)
				for i := 0; i < f; i++ {
					s += p.Pix[y*p.W+plane.MirrorIndex(ox*f-off+i, p.W)]
				}
			}
			out.Pix[oy*ow+ox] = s * norm
		}
	}
	return out
}
