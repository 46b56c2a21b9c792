package nn

import (
	"math"
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

// BatchNorm2d normalises with the statistics of the current batch and
// applies a learnable per-channel scale and shift. By default it keeps no
// running statistics (SelfDeblur's networks are never switched to
// evaluation mode); after TrackRunningStats, every Forward also updates
// running estimates of each channel's mean and variance, which Eval uses.
type BatchNorm2d struct {
	Gamma, Beta *tensor.Tensor
	Eps         float32
	// RunningMean and RunningVar (C values each) are nil unless running
	// statistics are tracked. They are buffers, not parameters: no
	// gradient, not in Params.
	RunningMean, RunningVar *tensor.Tensor
	// Momentum is the weight of the current batch in the running update,
	// running = (1 - Momentum) running + Momentum batch (PyTorch's 0.1).
	Momentum float64
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

// TrackRunningStats starts PyTorch's running statistics: mean 0, variance
// 1, momentum 0.1. From then on Forward and ForwardLeakyReLU also update
// them with the batch mean and the unbiased batch variance
// (m / (m - 1) times the biased one, m = N*H*W values per channel).
func (bn *BatchNorm2d) TrackRunningStats() {
	c := bn.Gamma.Len()
	bn.RunningMean, bn.RunningVar = tensor.New(c), tensor.New(c)
	for i := range bn.RunningVar.Data {
		bn.RunningVar.Data[i] = 1
	}
	bn.Momentum = 0.1
}

// Forward normalises x (N x C x H x W) with its own statistics (training
// mode), updating the running statistics if they are tracked.
func (bn *BatchNorm2d) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	bn.updateRunning(x)
	return tensor.BatchNorm2D(tp, x, bn.Gamma, bn.Beta, bn.Eps)
}

// ForwardLeakyReLU normalises x and applies LeakyReLU(slope), fused
// (training mode, updating the running statistics if they are tracked).
func (bn *BatchNorm2d) ForwardLeakyReLU(tp *tensor.Tape, x *tensor.Tensor, slope float32) *tensor.Tensor {
	bn.updateRunning(x)
	return tensor.BatchNormLeakyReLU(tp, x, bn.Gamma, bn.Beta, bn.Eps, slope)
}

// Eval is PyTorch's evaluation mode: each channel c of x becomes
// gamma (x - RunningMean) / sqrt(RunningVar + Eps) + beta, a fixed affine
// map, so a sample's output does not depend on the rest of its batch.
// Gradients flow to x only (the layer is frozen). It panics if running
// statistics are not tracked.
func (bn *BatchNorm2d) Eval(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	if bn.RunningMean == nil {
		panic("nn: BatchNorm2d.Eval without running statistics")
	}
	c := bn.Gamma.Len()
	a, b := tensor.New(c), tensor.New(c)
	for i := range c {
		s := float64(bn.Gamma.Data[i]) / math.Sqrt(float64(bn.RunningVar.Data[i])+float64(bn.Eps))
		a.Data[i] = float32(s)
		b.Data[i] = float32(float64(bn.Beta.Data[i]) - float64(bn.RunningMean.Data[i])*s)
	}
	return tensor.Add(tp, tensor.Mul(tp, x, a), b)
}

// updateRunning folds the per-channel mean and unbiased variance of x into
// the running statistics, if they are tracked.
func (bn *BatchNorm2d) updateRunning(x *tensor.Tensor) {
	if bn.RunningMean == nil || len(x.Shape()) != 4 {
		return // the op itself reports a wrong shape
	}
	n, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	m := n * h * w
	mom := bn.Momentum
	for ch := range c {
		var s, ss float64
		for b := range n {
			for _, v := range x.Data[(b*c+ch)*h*w : (b*c+ch+1)*h*w] {
				s += float64(v)
				ss += float64(v) * float64(v)
			}
		}
		mu := s / float64(m)
		variance := math.Max(ss/float64(m)-mu*mu, 0)
		if m > 1 {
			variance *= float64(m) / float64(m-1)
		}
		bn.RunningMean.Data[ch] = float32((1-mom)*float64(bn.RunningMean.Data[ch]) + mom*mu)
		bn.RunningVar.Data[ch] = float32((1-mom)*float64(bn.RunningVar.Data[ch]) + mom*variance)
	}
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
