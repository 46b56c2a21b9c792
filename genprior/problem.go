package genprior

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// kernelEps keeps the normalisation of an all-zero kernel finite.
const kernelEps = 1e-8

// problem is what both algorithms share: the generators, the blurry image
// repeated once per restart, and the sizes.
type problem struct {
	gi, gk     Generator
	r, c, h, w int
	kh, kw     int
	y          *tensor.Tensor // R x C x H x W
	normalize  bool
}

// newProblem checks y against the generators' output shapes (found by
// running each once on a zero latent) and repeats y for r restarts.
func newProblem(y *imageio.Image, gi, gk Generator, r int, normalize bool) (*problem, error) {
	if y == nil || len(y.Channels) == 0 {
		return nil, fmt.Errorf("genprior: empty blurry image")
	}
	if gi == nil || gk == nil {
		return nil, fmt.Errorf("genprior: missing generator")
	}
	if gi.LatentDim() < 1 || gk.LatentDim() < 1 {
		return nil, fmt.Errorf("genprior: latent dimensions %d (image) and %d (kernel) must be positive", gi.LatentDim(), gk.LatentDim())
	}
	is := gi.Forward(nil, tensor.New(1, gi.LatentDim())).Shape()
	ks := gk.Forward(nil, tensor.New(1, gk.LatentDim())).Shape()
	if len(is) != 4 || is[0] != 1 {
		return nil, fmt.Errorf("genprior: image generator gives shape %v for one latent, want 1 x C x H x W", is)
	}
	if len(ks) != 4 || ks[0] != 1 || ks[1] != 1 {
		return nil, fmt.Errorf("genprior: kernel generator gives shape %v for one latent, want 1 x 1 x Kh x Kw", ks)
	}
	p := &problem{gi: gi, gk: gk, r: r, c: is[1], h: is[2], w: is[3], kh: ks[2], kw: ks[3], normalize: normalize}
	if len(y.Channels) != p.c {
		return nil, fmt.Errorf("genprior: %w: blurry image has %d channels, the image generator makes %d", blind.ErrImageSize, len(y.Channels), p.c)
	}
	if p.kh > p.h || p.kw > p.w {
		return nil, fmt.Errorf("genprior: %dx%d kernels are larger than the generator's %dx%d images", p.kw, p.kh, p.w, p.h)
	}
	p.y = tensor.New(r, p.c, p.h, p.w)
	hw := p.h * p.w
	for ch, pl := range y.Channels {
		if pl == nil || pl.W != p.w || pl.H != p.h || len(pl.Pix) != hw {
			return nil, fmt.Errorf("genprior: %w: blurry image channel %d is %dx%d, not %dx%d, the image generator's size", blind.ErrImageSize, ch, pl.W, pl.H, p.w, p.h)
		}
		for i, v := range pl.Pix {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("genprior: blurry image channel %d has a non-finite sample", ch)
			}
			for n := 0; n < r; n++ {
				p.y.Data[(n*p.c+ch)*hw+i] = float32(v)
			}
		}
	}
	return p, nil
}

// kernel returns k(z_k): G_K(z_k), normalised to sum 1 per restart when
// the settings say so.
func (p *problem) kernel(tp *tensor.Tape, zk *tensor.Tensor) *tensor.Tensor {
	k := p.gk.Forward(tp, zk)
	if p.normalize {
		k = tensor.NormalizeSum(tp, k, kernelEps)
	}
	return k
}

// sumSq returns ||a - b||^2 summed over every element, recorded on tp.
func sumSq(tp *tensor.Tape, a, b *tensor.Tensor) *tensor.Tensor {
	return tensor.Scale(tp, tensor.MSE(tp, a, b), float32(a.Len()))
}

// residuals returns ||y - x ⊛ k||^2 per restart (x: R x C x H x W, k: the
// model's kernels), in float64.
func (p *problem) residuals(x, k *tensor.Tensor) []float64 {
	yhat := tensor.CircularConv2D(nil, x, k)
	m := p.c * p.h * p.w
	out := make([]float64, p.r)
	for n := range out {
		s := 0.0
		for i, v := range yhat.Data[n*m : (n+1)*m] {
			d := float64(v) - float64(p.y.Data[n*m+i])
			s += d * d
		}
		out[n] = s
	}
	return out
}

// argmin returns the index of the smallest value, NaN counting as largest.
func argmin(v []float64) int {
	best := 0
	for i, x := range v {
		if x < v[best] || math.IsNaN(v[best]) && !math.IsNaN(x) {
			best = i
		}
	}
	return best
}

// imageOf returns restart n of x (R x C x H x W) as planes clipped to [0, 1].
func (p *problem) imageOf(x *tensor.Tensor, n int) *imageio.Image {
	im := &imageio.Image{}
	hw := p.h * p.w
	for ch := 0; ch < p.c; ch++ {
		pl := plane.New(p.w, p.h)
		for i, v := range x.Data[(n*p.c+ch)*hw : (n*p.c+ch+1)*hw] {
			pl.Pix[i] = float64(v)
		}
		im.Channels = append(im.Channels, pl.Clamp(0, 1))
	}
	return im
}

// finish fills in the outputs from the final state: x the restarts'
// output images, xg their G_I(z_i), and the kernel latents zk. The
// residuals use x clipped to [0, 1] when clip is set.
func (p *problem) finish(res *Result, x, xg, zk *tensor.Tensor, clip bool) {
	k := p.kernel(nil, zk)
	xr := x
	if clip {
		xr = x.Clone()
		for i, v := range xr.Data {
			xr.Data[i] = min(1, max(0, v))
		}
	}
	res.Residuals = p.residuals(xr, k)
	res.Best = argmin(res.Residuals)
	res.Image = p.imageOf(x, res.Best)
	res.Range = p.imageOf(xg, res.Best)
	raw := p.gk.Forward(nil, zk)
	kk := p.kh * p.kw
	res.Kernel = plane.New(p.kw, p.kh)
	for i, v := range raw.Data[res.Best*kk : (res.Best+1)*kk] {
		res.Kernel.Pix[i] = float64(v)
	}
	res.KernelSum = res.Kernel.Sum()
	if res.Kernel.Normalize() != nil {
		clear(res.Kernel.Pix)
	}
}

// snapshot holds copies of the optimisation variables of the last
// iteration whose objective was finite.
type snapshot struct {
	ts   []*tensor.Tensor
	data [][]float32
}

func newSnapshot(ts ...*tensor.Tensor) *snapshot {
	s := &snapshot{ts: ts}
	for _, t := range ts {
		s.data = append(s.data, append([]float32(nil), t.Data...))
	}
	return s
}

func (s *snapshot) save() {
	for i, t := range s.ts {
		copy(s.data[i], t.Data)
	}
}

func (s *snapshot) restore() {
	for i, t := range s.ts {
		copy(t.Data, s.data[i])
	}
}

// finite reports whether v and every value of ts are finite.
func finite(v float64, ts ...*tensor.Tensor) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	for _, t := range ts {
		if t.HasNaN() {
			return false
		}
	}
	return true
}
