package selfdeblur

import (
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

func tensorUniform(rng *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	nn.Uniform(rng, t, 0, 0.1)
	return t
}

// backwardSum back-propagates the sum of out.
func backwardSum(tp *tensor.Tape, out *tensor.Tensor) {
	if err := tp.Backward(tensor.Sum(tp, out)); err != nil {
		panic(err)
	}
}
