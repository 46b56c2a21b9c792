package selfdeblur

import (
	"fmt"
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// FCN is the kernel generator Gk: fully connected layers with ReLU6 between
// them and a softmax over all K*K outputs, so the kernel is non-negative and
// sums to 1.
type FCN struct {
	layers []*nn.Linear
	k      int
}

// NewFCN returns Gk for a k x k kernel with input size in and the given
// hidden layer sizes (the paper: one hidden layer of 1000; the ablations
// use none or two).
func NewFCN(rng *rand.Rand, in, k int, hidden ...int) (*FCN, error) {
	if in < 1 || k < 1 {
		return nil, fmt.Errorf("selfdeblur: kernel generator needs input size and kernel size >= 1 (got %d, %d)", in, k)
	}
	f := &FCN{k: k}
	sizes := append(append([]int{in}, hidden...), k*k)
	for i := 0; i+1 < len(sizes); i++ {
		f.layers = append(f.layers, nn.NewLinear(rng, sizes[i], sizes[i+1], true))
	}
	return f, nil
}

// Forward maps z (N x In) to N kernels of shape N x 1 x K x K.
func (f *FCN) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	h := z
	for i, l := range f.layers {
		h = l.Forward(tp, h)
		if i+1 < len(f.layers) {
			h = tensor.ReLU6(tp, h)
		}
	}
	return tensor.Reshape(tp, tensor.Softmax(tp, h), z.Dim(0), 1, f.k, f.k)
}

// Params returns the layers' parameters named k.fc1.weight, k.fc1.bias, ...
func (f *FCN) Params() []nn.Param {
	var ps []nn.Param
	for i, l := range f.layers {
		ps = append(ps, nn.Prefixed(fmt.Sprintf("k.fc%d", i+1), l.Params())...)
	}
	return ps
}
