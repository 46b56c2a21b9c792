package nn

import "github.com/deblur/deblur/tensor"

// Forward applies the layer to x (N x In), giving N x Out.
func (l *Linear) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	return tensor.Linear(tp, x, l.W, l.B)
}
