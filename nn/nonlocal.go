package nn

import (
	"math/rand/v2"

	"github.com/deblur/deblur/tensor"
)

// NonLocal is the embedded dot-product non-local block SelfDeblur places in
// the deeper levels of its image generator: theta, phi and g are 1x1
// convolutions to Inner channels, phi and g are 2x2 max-pooled, the
// attention f = theta^T phi is divided by the number of pooled positions
// (no softmax), and the result, taken back to C channels by a 1x1
// convolution and a batch norm, is added to the input. The batch norm's
// scale and shift start at zero, so a new block is the identity.
type NonLocal struct {
	Theta, Phi, G *Conv2d
	WConv         *Conv2d
	WBN           *BatchNorm2d
}

// NewNonLocal returns a block for c channels with inner channels inner.
func NewNonLocal(rng *rand.Rand, c, inner int) *NonLocal {
	b := &NonLocal{
		G:     NewConv2d(rng, c, inner, 1, 1, true, ZeroPad),
		Theta: NewConv2d(rng, c, inner, 1, 1, true, ZeroPad),
		Phi:   NewConv2d(rng, c, inner, 1, 1, true, ZeroPad),
		WConv: NewConv2d(rng, inner, c, 1, 1, true, ZeroPad),
		WBN:   NewBatchNorm2d(c),
	}
	clear(b.WBN.Gamma.Data)
	return b
}

// Forward applies the block to x (N x C x H x W); H and W must be at least 2.
func (b *NonLocal) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	n, h, w := x.Dim(0), x.Dim(2), x.Dim(3)
	inner := b.Theta.W.Dim(0)
	theta := tensor.Reshape(tp, b.Theta.Forward(tp, x), n, inner, h*w)
	phi := tensor.MaxPool2D(tp, b.Phi.Forward(tp, x))
	g := tensor.MaxPool2D(tp, b.G.Forward(tp, x))
	np := phi.Dim(2) * phi.Dim(3)
	phi = tensor.Reshape(tp, phi, n, inner, np)
	g = tensor.Reshape(tp, g, n, inner, np)
	// attention a[j][i] = sum_c phi[c][j] theta[c][i]; y[c][i] = sum_j g[c][j] a[j][i] / np
	a := tensor.BatchedMatMul(tp, phi, theta, true, false)
	y := tensor.Scale(tp, tensor.BatchedMatMul(tp, g, a, false, false), 1/float32(np))
	y = tensor.Reshape(tp, y, n, inner, h, w)
	return tensor.Add(tp, b.WBN.Forward(tp, b.WConv.Forward(tp, y)), x)
}

// Params returns the block's parameters under PyTorch-like names.
func (b *NonLocal) Params() []Param {
	var ps []Param
	ps = append(ps, prefixed("theta", b.Theta.Params())...)
	ps = append(ps, prefixed("phi", b.Phi.Params())...)
	ps = append(ps, prefixed("g", b.G.Params())...)
	ps = append(ps, prefixed("W.conv", b.WConv.Params())...)
	ps = append(ps, prefixed("W.bn", b.WBN.Params())...)
	return ps
}
