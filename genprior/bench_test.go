package genprior

import (
	"context"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// mlpGen is a stand-in of realistic cost for the trained 28x28 generators:
// latent -> 1000 -> ReLU -> 784, then sigmoid (images) or ReLU (kernels).
type mlpGen struct {
	l1, l2 *nn.Linear
	kernel bool
}

func newMLPGen(seed uint64, latent int, kernel, frozen bool) *mlpGen {
	rng := nn.NewRand(seed)
	g := &mlpGen{l1: nn.NewLinear(rng, latent, 1000, true), l2: nn.NewLinear(rng, 1000, 784, true), kernel: kernel}
	if kernel { // keep most kernels non-zero
		for i := range g.l2.B.Data {
			g.l2.B.Data[i] += 0.05
		}
	}
	for _, p := range append(g.l1.Params(), g.l2.Params()...) {
		p.T.SetRequiresGrad(!frozen)
	}
	return g
}

func (g *mlpGen) LatentDim() int { return g.l1.W.Dim(1) }

func (g *mlpGen) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	x := g.l2.Forward(tp, tensor.ReLU(tp, g.l1.Forward(tp, z)))
	if g.kernel {
		x = tensor.ReLU(tp, x)
	} else {
		x = tensor.Sigmoid(tp, x)
	}
	return tensor.Reshape(tp, x, z.Dim(0), 1, 28, 28)
}

// BenchmarkStep28 measures one iteration of each algorithm with 10
// restarts on 28x28 gray images and 28x28 kernels, with frozen generators
// and, for comparison, generators whose weights require gradients.
func BenchmarkStep28(b *testing.B) {
	y := &imageio.Image{Channels: []*plane.Plane{plane.New(28, 28)}}
	for i := range y.Channels[0].Pix {
		y.Channels[0].Pix[i] = float64(i%7) / 7
	}
	const steps = 20
	for _, frozen := range []bool{true, false} {
		name := "frozen"
		if !frozen {
			name = "weights-require-grad"
		}
		gi, gk := newMLPGen(1, 50, false, frozen), newMLPGen(2, 50, true, frozen)
		b.Run("alg1/"+name, func(b *testing.B) {
			s := Alg1Defaults()
			s.Steps = steps
			for b.Loop() {
				if _, err := Deblur(context.Background(), y, gi, gk, s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*steps), "ms/step")
		})
		b.Run("alg2/"+name, func(b *testing.B) {
			s := Alg2Defaults()
			s.Steps = steps
			for b.Loop() {
				if _, err := DeblurSlack(context.Background(), y, gi, gk, s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*steps), "ms/step")
		})
	}
}
