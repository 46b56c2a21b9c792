package nn

import (
	"math/rand/v2"

	"github.com/deblur/deblur/tensor"
)

// Padding says how a convolution pads its input to keep "same" size.
type Padding int

const (
	// ZeroPad pads with zeros (PyTorch's padding argument).
	ZeroPad Padding = iota
	// ReflectPad pads with the mirror image (ReflectionPad2d before the conv),
	// as the deep-image-prior networks do.
	ReflectPad
)

// Conv2d is a 2-D convolution with an optional bias. Its input is padded by
// (K-1)/2 on every side, so stride 1 keeps the size and stride 2 halves it
// (rounding up).
type Conv2d struct {
	W, B    *tensor.Tensor // Cout x Cin x K x K; Cout (nil without bias)
	Stride  int
	Padding Padding
}

// NewConv2d returns a k x k convolution initialised like PyTorch's default.
func NewConv2d(rng *rand.Rand, cin, cout, k, stride int, bias bool, pad Padding) *Conv2d {
	c := &Conv2d{W: tensor.NewParam(cout, cin, k, k), Stride: stride, Padding: pad}
	bound := kaimingBound(cin * k * k)
	Uniform(rng, c.W, -bound, bound)
	if bias {
		c.B = tensor.NewParam(cout)
		Uniform(rng, c.B, -bound, bound)
	}
	return c
}

// Forward applies the convolution to x (N x Cin x H x W).
func (c *Conv2d) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	p := (c.W.Dim(2) - 1) / 2
	if p > 0 && c.Padding == ReflectPad {
		return tensor.Conv2D(tp, tensor.ReflectPad2D(tp, x, p), c.W, c.B, c.Stride, 0)
	}
	return tensor.Conv2D(tp, x, c.W, c.B, c.Stride, p)
}

// Params returns the weight and, if present, the bias.
func (c *Conv2d) Params() []Param {
	ps := []Param{{"weight", c.W}}
	if c.B != nil {
		ps = append(ps, Param{"bias", c.B})
	}
	return ps
}

// BatchNorm2d normalises with the statistics of the current batch (the
// networks here are never switched to evaluation mode) and applies a
// learnable per-channel scale and shift.
type BatchNorm2d struct {
	Gamma, Beta *tensor.Tensor
	Eps         float32
}

// NewBatchNorm2d returns a batch norm of c channels with scale 1, shift 0
// and eps 1e-5, like PyTorch.
func NewBatchNorm2d(c int) *BatchNorm2d {
	bn := &BatchNorm2d{Gamma: tensor.NewParam(c), Beta: tensor.NewParam(c), Eps: 1e-5}
	for i := range bn.Gamma.Data {
		bn.Gamma.Data[i] = 1
	}
	return bn
}

// Forward normalises x (N x C x H x W).
func (bn *BatchNorm2d) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	return tensor.BatchNorm2D(tp, x, bn.Gamma, bn.Beta, bn.Eps)
}

// ForwardLeakyReLU normalises x and applies LeakyReLU(slope), fused.
func (bn *BatchNorm2d) ForwardLeakyReLU(tp *tensor.Tape, x *tensor.Tensor, slope float32) *tensor.Tensor {
	return tensor.BatchNormLeakyReLU(tp, x, bn.Gamma, bn.Beta, bn.Eps, slope)
}

// Params returns the scale ("weight") and shift ("bias"), PyTorch's names.
func (bn *BatchNorm2d) Params() []Param {
	return []Param{{"weight", bn.Gamma}, {"bias", bn.Beta}}
}

// Linear is a fully connected layer y = x W^T + b on N x In inputs.
type Linear struct {
	W, B *tensor.Tensor // Out x In; Out (nil without bias)
}

// NewLinear returns a linear layer initialised like PyTorch's default.
func NewLinear(rng *rand.Rand, in, out int, bias bool) *Linear {
	l := &Linear{W: tensor.NewParam(out, in)}
	bound := kaimingBound(in)
	Uniform(rng, l.W, -bound, bound)
	if bias {
		l.B = tensor.NewParam(out)
		Uniform(rng, l.B, -bound, bound)
	}
	return l
}

// Params returns the weight and, if present, the bias.
func (l *Linear) Params() []Param {
	ps := []Param{{"weight", l.W}}
	if l.B != nil {
		ps = append(ps, Param{"bias", l.B})
	}
	return ps
}
