package nn

import (
	"math/rand/v2"

	"github.com/deblur/deblur/tensor"
)

// ConvTranspose2d is a 2-D transposed convolution (PyTorch's
// ConvTranspose2d, groups 1): an input of H x W becomes
// (H-1)*Stride - 2*Pad + K + OutPad per side.
type ConvTranspose2d struct {
	W, B                *tensor.Tensor // Cin x Cout x K x K; Cout (nil without bias)
	Stride, Pad, OutPad int
}

// NewConvTranspose2d returns a k x k transposed convolution initialised
// like PyTorch's default, whose fan-in for a transposed convolution is
// cout*k*k (the weight's second dimension times the kernel area).
func NewConvTranspose2d(rng *rand.Rand, cin, cout, k, stride, pad, outPad int, bias bool) *ConvTranspose2d {
	c := &ConvTranspose2d{W: tensor.NewParam(cin, cout, k, k), Stride: stride, Pad: pad, OutPad: outPad}
	bound := kaimingBound(cout * k * k)
	Uniform(rng, c.W, -bound, bound)
	if bias {
		c.B = tensor.NewParam(cout)
		Uniform(rng, c.B, -bound, bound)
	}
	return c
}

// Forward applies the transposed convolution to x (N x Cin x H x W).
func (c *ConvTranspose2d) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	return tensor.ConvTranspose2D(tp, x, c.W, c.B, c.Stride, c.Pad, c.OutPad)
}

// Params returns the weight and, if present, the bias.
func (c *ConvTranspose2d) Params() []Param {
	ps := []Param{{"weight", c.W}}
	if c.B != nil {
		ps = append(ps, Param{"bias", c.B})
	}
	return ps
}
