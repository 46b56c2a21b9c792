package selfdeblur

import (
	"context"
	"testing"

	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// basisDecoder is a stand-in for a trained kernel decoder: softmax(z)
// mixes a fixed set of S x S kernels.
type basisDecoder struct {
	basis *tensor.Tensor // B x S*S
	s     int
}

func (d basisDecoder) LatentDim() int { return d.basis.Dim(0) }

func (d basisDecoder) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	mix := tensor.MatMul(tp, tensor.Softmax(tp, z), d.basis, false, false)
	return tensor.Reshape(tp, mix, 1, 1, d.s, d.s)
}

// newBasisDecoder embeds each kernel in the centre of an s x s frame.
// The decoder's output is used as a correlation kernel, so a convolution
// kernel k is reachable when k.Rot180() is in the basis.
func newBasisDecoder(s int, ks ...*plane.Plane) basisDecoder {
	b := tensor.New(len(ks), s*s)
	for i, k := range ks {
		ox, oy := (s-k.W)/2, (s-k.H)/2
		for y := range k.H {
			for x := range k.W {
				b.Data[i*s*s+(oy+y)*s+ox+x] = float32(k.At(x, y))
			}
		}
	}
	return basisDecoder{b, s}
}

// TestKernelPriorRecoversKernel: with a kernel decoder whose range holds
// the true kernel among distractors, SelfDeblur with the KernelPrior
// network must pick the true one. The basis holds the true kernel in the
// network's correlation orientation only, so a wrong orientation
// convention fails the test. (With the kernel's 180-degree rotation in the
// basis too, the early iterations can commit to either: measured, learning
// rate 0.01 picked the right one and 0.05 the wrong one — blind
// deconvolution's flip ambiguity.)
//
// A single fit commits to the true kernel for about half the seeds (seeds
// 1-8 measured: 5 of 8 with the C element-wise loops, 4 of 8 with the Go
// ones, different seeds: rounding decides), and then only; its final
// objective separates the two outcomes (<= 0.0046 vs >= 0.011). So the
// test runs four restarts and keeps the lowest objective, as the default
// preset does, rather than depending on one seed's luck.
func TestKernelPriorRecoversKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 300 iterations")
	}
	k := motionKernel9()
	sharp, blurry := syntheticCase(t, 64, k)
	box := plane.New(5, 5)
	for i := range box.Pix {
		box.Pix[i] = 1.0 / 25
	}
	line, vline := plane.New(9, 1), plane.New(1, 9)
	for i := range line.Pix {
		line.Pix[i], vline.Pix[i] = 1.0/9, 1.0/9
	}
	s := recoverySettings()
	s.KernelNet = KernelPrior
	s.KernelDecoder = newBasisDecoder(11, k.Rot180(), box, line, vline)
	s.Iterations = 300
	s.SSIMFrom = 75
	s.Milestones = []int{150, 225, 260}
	s.LRKernel = 0.05
	s.Restarts = 4
	res, err := Run(context.Background(), blurry, s)
	if err != nil {
		t.Fatal(err)
	}
	ke, err := metrics.KernelError(res.Kernel, k)
	if err != nil {
		t.Fatal(err)
	}
	p := metrics.Protocol{Border: 5, MaxShift: 4, Steps: 4}
	before, _ := metrics.Score(blurry, sharp, p)
	after, _ := metrics.Score(res.Image, sharp, p)
	t.Logf("kernel NCC %.3f; PSNR %.2f -> %.2f dB", ke.NCC, before.PSNR, after.PSNR)
	if ke.NCC < 0.95 {
		t.Errorf("kernel NCC %.3f < 0.95", ke.NCC)
	}
	if after.PSNR < before.PSNR+3 {
		t.Errorf("PSNR %.2f dB is not 3 dB above the blurry input's %.2f dB", after.PSNR, before.PSNR)
	}
}

func TestKernelPriorErrors(t *testing.T) {
	_, blurry := syntheticCase(t, 40, motionKernel9())
	s := recoverySettings()
	s.KernelNet = KernelPrior
	if _, err := Run(context.Background(), blurry, s); err == nil {
		t.Error("KernelPrior without a decoder accepted")
	}
	s.KernelDecoder = newBasisDecoder(7, plane.New(3, 3))
	if _, err := Run(context.Background(), blurry, s); err == nil {
		t.Error("a 7x7 decoder accepted for a 9x9 kernel")
	}
}
