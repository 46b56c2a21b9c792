package selfdeblur

import (
	"fmt"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// KernelDecoder is a pretrained, frozen kernel generator, such as the
// decoder of the kernel VAE of package generator: Forward maps a
// 1 x LatentDim() latent to a 1 x 1 x S x S non-negative kernel (not
// necessarily summing to 1). Its weights are never updated.
type KernelDecoder interface {
	Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor
	LatentDim() int
}

// priorGen is the KernelPrior generator: the kernel is the centre K x K
// window of decoder(z), normalised to sum 1, and only z is optimised. z
// starts at 0, the mean of the decoder's latent prior.
type priorGen struct {
	dec KernelDecoder
	z   *tensor.Tensor
	k   int
}

func newPriorGen(dec KernelDecoder, k int) (kernelGen, error) {
	if dec == nil {
		return nil, fmt.Errorf("selfdeblur: kernel network %q needs Settings.KernelDecoder", KernelPrior)
	}
	d := dec.LatentDim()
	if d < 1 {
		return nil, fmt.Errorf("selfdeblur: kernel decoder latent dimension %d", d)
	}
	g := priorGen{dec: dec, z: tensor.NewParam(1, d), k: k}
	out := dec.Forward(nil, g.z)
	if sh := out.Shape(); len(sh) != 4 || sh[0] != 1 || sh[1] != 1 || sh[2] < k || sh[3] < k {
		return nil, fmt.Errorf("selfdeblur: kernel decoder output %v cannot hold a %dx%d kernel", sh, k, k)
	}
	return g, nil
}

func (g priorGen) Forward(tp *tensor.Tape) *tensor.Tensor {
	out := g.dec.Forward(tp, g.z)
	h, w := out.Dim(2), out.Dim(3)
	if h != g.k || w != g.k {
		out = tensor.Crop2D(tp, out, (h-g.k)/2, (w-g.k)/2, g.k, g.k)
	}
	return tensor.NormalizeSum(tp, out, 1e-8)
}

func (g priorGen) Params() []nn.Param { return []nn.Param{{Name: "z", T: g.z}} }
