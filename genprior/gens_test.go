package genprior

import (
	"math"
	"math/rand/v2"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// Test generators standing in for trained ones: small, fixed, with a known
// range.

// imageGen is sigmoid(A z + b) reshaped to N x C x H x W: a random
// low-dimensional family of high-frequency images in (0, 1).
type imageGen struct {
	a, b    *tensor.Tensor // (C*H*W) x D, C*H*W
	c, h, w int
}

func newImageGen(rng *rand.Rand, d, c, h, w int) *imageGen {
	g := &imageGen{a: tensor.New(c*h*w, d), b: tensor.New(c * h * w), c: c, h: h, w: w}
	nn.Normal(rng, g.a, 0, 1.5/math.Sqrt(float64(d)))
	nn.Normal(rng, g.b, 0, 0.3)
	return g
}

func (g *imageGen) LatentDim() int { return g.a.Dim(1) }

func (g *imageGen) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	x := tensor.Sigmoid(tp, tensor.Linear(tp, z, g.a, g.b))
	return tensor.Reshape(tp, x, z.Dim(0), g.c, g.h, g.w)
}

// kernelGen is B sigmoid(4 z): mixtures of eight basis strokes (the
// columns of B) in a 9x9 frame, with weights mostly near 0 or 1, so that
// kernels of different latents differ. Not normalised: each column sums to
// 1/2, so a kernel of two strokes (like the true ones of the tests) sums to
// about 1, as the outputs of a network trained on normalised kernels would.
type kernelGen struct {
	basis *tensor.Tensor // 81 x 8
	k     int
}

// strokes9 are the basis strokes: (x, y) taps in a 9x9 frame, weighted
// unevenly along each stroke.
var strokes9 = [][][2]int{
	{{1, 2}, {2, 2}, {3, 2}, {4, 2}, {5, 2}, {6, 2}},
	{{6, 2}, {6, 3}, {6, 4}, {6, 5}, {6, 6}, {6, 7}},
	{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}},
	{{7, 1}, {6, 2}, {5, 3}, {4, 4}, {3, 5}, {2, 6}},
	{{2, 6}, {3, 6}, {4, 6}, {5, 6}, {6, 6}, {7, 6}},
	{{2, 1}, {2, 2}, {2, 3}, {2, 4}, {2, 5}},
	{{3, 3}, {4, 3}, {5, 4}, {5, 5}, {4, 6}},
	{{4, 4}, {4, 5}, {5, 7}, {6, 7}},
}

func newKernelGen() *kernelGen {
	const k = 9
	d := len(strokes9)
	g := &kernelGen{basis: tensor.New(k*k, d), k: k}
	for j, s := range strokes9 {
		sum := 0
		for i := range s {
			sum += 1 + i%3
		}
		for i, p := range s {
			g.basis.Data[(p[1]*k+p[0])*d+j] += float32(1+i%3) / float32(2*sum)
		}
	}
	return g
}

func (g *kernelGen) LatentDim() int { return g.basis.Dim(1) }

func (g *kernelGen) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	k := tensor.Linear(tp, tensor.Sigmoid(tp, tensor.Scale(tp, z, 4)), g.basis, nil)
	return tensor.Reshape(tp, k, z.Dim(0), 1, g.k, g.k)
}

// kernelOf returns kernel n of a batch as a plane.
func kernelOf(k *tensor.Tensor, n int) *plane.Plane {
	kh, kw := k.Dim(2), k.Dim(3)
	p := plane.New(kw, kh)
	for i := range p.Pix {
		p.Pix[i] = float64(k.Data[n*kh*kw+i])
	}
	return p
}

// synthetic is a test case: a sharp image and kernel from the generators'
// ranges and the blurry image, blurred circularly with 1% noise and
// clipped to [0, 1] like the authors' test data.
type synthetic struct {
	sharp, blurry *imageio.Image
	kernel        *plane.Plane // normalised to sum 1
}

// makeCase returns a synthetic case: a random image of gi and a kernel of gk,
// blurred with the kernel normalised to sum 1. The true kernel uses two
// strokes, picked by the seed (latent +1 for them,
// -1 for the others), so that it differs from most kernels of the family.
func makeCase(seed uint64, gi *imageGen, gk *kernelGen) synthetic {
	rng := nn.NewRand(seed)
	zi, zk := tensor.New(1, gi.LatentDim()), tensor.New(1, gk.LatentDim())
	nn.Normal(rng, zi, 0, 1)
	for i := range zk.Data {
		zk.Data[i] = -1
	}
	for _, j := range rng.Perm(len(zk.Data))[:2] {
		zk.Data[j] = 1
	}
	x := gi.Forward(nil, zi)
	kp := kernelOf(gk.Forward(nil, zk), 0)
	if err := kp.Normalize(); err != nil {
		panic(err)
	}
	c := synthetic{sharp: &imageio.Image{}, blurry: &imageio.Image{}, kernel: kp}
	hw := gi.h * gi.w
	for ch := 0; ch < gi.c; ch++ {
		p := plane.New(gi.w, gi.h)
		for i := range p.Pix {
			p.Pix[i] = float64(x.Data[ch*hw+i])
		}
		b, err := blur.CircularConvolve(p, kp)
		if err != nil {
			panic(err)
		}
		for i, v := range b.Pix {
			b.Pix[i] = min(1, max(0, v+0.01*rng.NormFloat64()))
		}
		c.sharp.Channels = append(c.sharp.Channels, p)
		c.blurry.Channels = append(c.blurry.Channels, b)
	}
	return c
}

// circularPSNR is the PSNR (peak 1) of est against truth at the best
// circular shift of up to 3 pixels, all channels together: with circular
// convolution an image shifted one way and a kernel shifted the other
// explain the same blurry image.
func circularPSNR(est, truth *imageio.Image) float64 {
	best := math.Inf(-1)
	w, h := truth.W(), truth.H()
	for dy := -3; dy <= 3; dy++ {
		for dx := -3; dx <= 3; dx++ {
			s, n := 0.0, 0
			for ch, tp := range truth.Channels {
				ep := est.Channels[ch]
				for y := 0; y < h; y++ {
					for x := 0; x < w; x++ {
						d := ep.At((x+dx+w)%w, (y+dy+h)%h) - tp.At(x, y)
						s += d * d
						n++
					}
				}
			}
			best = max(best, -10*math.Log10(s/float64(n)))
		}
	}
	return best
}

// blank returns a zero image of the generator's shape.
func (g *imageGen) blank() *imageio.Image {
	im := &imageio.Image{}
	for range g.c {
		im.Channels = append(im.Channels, plane.New(g.w, g.h))
	}
	return im
}
