package selfdeblur

import (
	"fmt"
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// KernelNet selects the kernel generator Gk.
type KernelNet string

const (
	// KernelFCN is the paper's Gk: 200 -> 1000 -> K*K, softmax.
	KernelFCN KernelNet = "fcn"
	// KernelNoHidden is the "SelfDeblur_k-" ablation: 200 -> K*K, softmax.
	KernelNoHidden KernelNet = "fcn-no-hidden"
	// KernelExtraHidden is the "SelfDeblur_k+" ablation: 200 -> 1000 -> 1000 -> K*K.
	KernelExtraHidden KernelNet = "fcn-extra-hidden"
	// KernelDIP is the Double-DIP ablation: a second skip network (as many
	// levels as fit a K x K output, no non-local blocks) with a softmax
	// over its K*K outputs.
	KernelDIP KernelNet = "double-dip"
	// KernelPrior replaces Gk by a pretrained kernel generator
	// (Settings.KernelDecoder, e.g. the kernel VAE's decoder, frozen): the
	// kernel is the centre K x K window of its output, normalised to sum 1,
	// and only its latent input is optimised (at LRKernel).
	KernelPrior KernelNet = "prior"
)

// KernelNets lists the selectable kernel generators.
func KernelNets() []KernelNet {
	return []KernelNet{KernelFCN, KernelNoHidden, KernelExtraHidden, KernelDIP, KernelPrior}
}

// kernelGen generates the K x K kernel (1 x 1 x K x K, non-negative, sum 1)
// from its own fixed input.
type kernelGen interface {
	Forward(tp *tensor.Tape) *tensor.Tensor
	Params() []nn.Param
}

type fcnGen struct {
	net *FCN
	z   *tensor.Tensor
}

func (g fcnGen) Forward(tp *tensor.Tape) *tensor.Tensor { return g.net.Forward(tp, g.z) }
func (g fcnGen) Params() []nn.Param                     { return g.net.Params() }

type dipGen struct {
	net *Skip
	z   *tensor.Tensor
	k   int
}

func (g dipGen) Forward(tp *tensor.Tape) *tensor.Tensor {
	logits := tensor.Reshape(tp, g.net.Forward(tp, g.z), 1, g.k*g.k)
	return tensor.Reshape(tp, tensor.Softmax(tp, logits), 1, 1, g.k, g.k)
}
func (g dipGen) Params() []nn.Param { return g.net.Params() }

// newKernelGen draws the generator's input (U[0, 0.1), as the reference
// does) and weights from rng; KernelPrior uses dec instead.
func newKernelGen(rng *rand.Rand, kind KernelNet, k int, dec KernelDecoder) (kernelGen, error) {
	var hidden []int
	switch kind {
	case KernelPrior:
		return newPriorGen(dec, k)
	case KernelFCN, "":
		hidden = []int{1000}
	case KernelNoHidden:
	case KernelExtraHidden:
		hidden = []int{1000, 1000}
	case KernelDIP:
		levels := 0
		for s := k; s >= 4 && levels < 5; s = (s + 1) / 2 {
			levels++
		}
		cfg := UniformSkip(128, 16)
		cfg.Down, cfg.Up, cfg.Skip = cfg.Down[:max(levels, 1)], cfg.Up[:max(levels, 1)], cfg.Skip[:max(levels, 1)]
		cfg.NonLocalFrom, cfg.Logits = 99, true
		net, err := NewSkip(rng, cfg)
		if err != nil {
			return nil, err
		}
		z := tensor.New(1, cfg.InChannels, k, k)
		nn.Uniform(rng, z, 0, 0.1)
		return dipGen{net, z, k}, nil
	default:
		return nil, fmt.Errorf("selfdeblur: unknown kernel network %q", kind)
	}
	z := tensor.New(1, 200)
	nn.Uniform(rng, z, 0, 0.1)
	net, err := NewFCN(rng, 200, k, hidden...)
	if err != nil {
		return nil, err
	}
	return fcnGen{net, z}, nil
}
