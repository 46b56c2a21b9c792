// Package nn holds the layers and optimisers deblur's networks are built
// from: convolutions, batch normalisation and linear layers with PyTorch's
// default initialisation, Adam, and step learning-rate schedules.
//
// Layers own their parameters (tensors that require gradients) and expose
// them by name through Params so that weights can be saved, loaded and
// handed to an optimiser.
package nn

import (
	"math"
	"math/rand/v2"

	"github.com/deblur/deblur/tensor"
)

// NewRand returns the random source every seeded draw in deblur uses: a PCG
// generator, so the same seed gives the same numbers on every platform.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(NewPCG(seed))
}

// NewPCG returns the PCG source behind NewRand(seed). Keeping the source
// lets a caller save and restore the generator's position
// (PCG.MarshalBinary / UnmarshalBinary), e.g. in a training checkpoint; a
// *rand.Rand adds no state of its own on top of its source.
func NewPCG(seed uint64) *rand.PCG {
	return rand.NewPCG(seed, 0x9e3779b97f4a7c15)
}

// Uniform fills t with values drawn uniformly from [lo, hi).
func Uniform(rng *rand.Rand, t *tensor.Tensor, lo, hi float64) {
	for i := range t.Data {
		t.Data[i] = float32(lo + (hi-lo)*rng.Float64())
	}
}

// Normal fills t with values drawn from N(mean, std^2).
func Normal(rng *rand.Rand, t *tensor.Tensor, mean, std float64) {
	for i := range t.Data {
		t.Data[i] = float32(mean + std*rng.NormFloat64())
	}
}

// kaimingBound is PyTorch's default bound for conv and linear weights and
// biases: kaiming_uniform_(a = sqrt(5)) gives U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
func kaimingBound(fanIn int) float64 { return 1 / math.Sqrt(float64(fanIn)) }

// Param is a named parameter tensor.
type Param struct {
	Name string
	T    *tensor.Tensor
}

// prefixed returns ps with prefix + "." prepended to each name.
func prefixed(prefix string, ps []Param) []Param {
	out := make([]Param, len(ps))
	for i, p := range ps {
		out[i] = Param{prefix + "." + p.Name, p.T}
	}
	return out
}

// Prefixed returns ps with prefix + "." prepended to each name, for
// composing the Params of nested modules.
func Prefixed(prefix string, ps []Param) []Param { return prefixed(prefix, ps) }

// Tensors returns the tensors of ps in order.
func Tensors(ps []Param) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		out[i] = p.T
	}
	return out
}
