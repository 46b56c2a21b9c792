package generator

import (
	"math"
	"testing"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

var (
	_ Generator = (*KernelVAE)(nil)
	_ Generator = (*DigitVAE)(nil)
	_ Generator = (*DCGAN)(nil)
	_ VAE       = (*KernelVAE)(nil)
	_ VAE       = (*DigitVAE)(nil)
	_ Model     = (*Discriminator)(nil)
)

// tinyDCGAN is a DCGAN small enough for quick tests.
func tinyDCGAN(channels int) DCGANConfig {
	return DCGANConfig{Latent: 6, Channels: channels, Widths: [4]int{8, 4, 4, 2}}
}

func randomLatent(seed uint64, n, dim int) *tensor.Tensor {
	z := tensor.New(n, dim)
	nn.Normal(nn.NewRand(seed), z, 0, 1)
	return z
}

func paramCount(m Model) int {
	n := 0
	for _, p := range m.Params() {
		n += p.T.Len()
	}
	return n
}

func TestModelShapesAndRanges(t *testing.T) {
	rng := nn.NewRand(1)
	kv, err := NewKernelVAE(DefaultKernelVAE(), rng)
	if err != nil {
		t.Fatal(err)
	}
	dv, err := NewDigitVAE(DefaultDigitVAE(), rng)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewDCGAN(tinyDCGAN(3), rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		g      Generator
		latent int
		shape  []int
		lo, hi float32
	}{
		{"kernel VAE", kv, 50, []int{3, 1, 28, 28}, 0, float32(math.Inf(1))},
		{"digit VAE", dv, 20, []int{3, 1, 28, 28}, 0, 1},
		{"DCGAN", g, 6, []int{3, 3, 64, 64}, 0, 1},
	} {
		if tc.g.LatentDim() != tc.latent {
			t.Errorf("%s: LatentDim %d, want %d", tc.name, tc.g.LatentDim(), tc.latent)
		}
		y := tc.g.Forward(nil, randomLatent(2, 3, tc.latent))
		if !equalShape(y.Shape(), tc.shape) {
			t.Fatalf("%s: output %v, want %v", tc.name, y.Shape(), tc.shape)
		}
		for _, v := range y.Data {
			if !(v >= tc.lo && v <= tc.hi) {
				t.Fatalf("%s: output value %v outside [%v, %v]", tc.name, v, tc.lo, tc.hi)
			}
		}
	}
	// The authors' kernel VAE and the shipped digit VAE's sizes.
	if n := paramCount(kv); n != 20*1*4+20+20*20*4+20+2*(720*50+50)+50*720+720+2*(20*20*4+20)+20*4+1 {
		t.Errorf("kernel VAE has %d parameters", n)
	}
	if n := paramCount(dv); n != 258025 {
		t.Errorf("digit VAE has %d parameters, the doc says 258,025", n)
	}
	mean, logVar := kv.Encode(nil, tensor.New(2, 1, 28, 28))
	if !equalShape(mean.Shape(), []int{2, 50}) || !equalShape(logVar.Shape(), []int{2, 50}) {
		t.Errorf("kernel VAE encoder: %v %v", mean.Shape(), logVar.Shape())
	}
	if _, err := NewDCGAN(DCGANConfig{Latent: 5, Channels: 2, Widths: [4]int{1, 1, 1, 1}}, rng); err == nil {
		t.Error("DCGAN with 2 channels accepted")
	}
	if _, err := NewKernelVAE(KernelVAEConfig{Latent: 0, Filters: 3}, rng); err == nil {
		t.Error("kernel VAE with latent 0 accepted")
	}
}

// TestForwardGradientToLatent checks what the latent-space solvers rely
// on: with frozen parameters, Forward's gradient reaches z and agrees with
// central finite differences of the loss along the gradient and along
// random directions (directional derivatives: single entries drown in the
// float32 forward's round-off; every op is checked entry by entry in
// package tensor).
func TestForwardGradientToLatent(t *testing.T) {
	rng := nn.NewRand(3)
	kv, _ := NewKernelVAE(KernelVAEConfig{Latent: 5, Filters: 4}, rng)
	dv, _ := NewDigitVAE(DigitVAEConfig{Latent: 5, Width1: 4, Width2: 6}, rng)
	g, _ := NewDCGAN(tinyDCGAN(1), rng)
	// Running statistics of a batch (momentum 1), so that the frozen
	// generator's activations are normalised and its gradients not tiny.
	for _, bn := range g.bn {
		bn.Momentum = 1
	}
	g.forward(nil, randomLatent(8, 16, 6), true)
	for _, m := range []Model{kv, dv, g} {
		SetTrainable(m, false)
	}
	for name, gen := range map[string]Generator{"kernel VAE": kv, "digit VAE": dv, "DCGAN": g} {
		z := randomLatent(4, 2, gen.LatentDim())
		w := gen.Forward(nil, z).Clone() // fixed weights of the scalar loss
		nn.Normal(nn.NewRand(5), w, 0, 1)
		// The loss sum(Forward(z) * w), in float64 for the differences.
		loss := func(dir []float64, t float64) float64 {
			zt := z.Clone()
			for i := range zt.Data {
				zt.Data[i] += float32(t * dir[i])
			}
			s := 0.0
			for i, v := range gen.Forward(nil, zt).Data {
				s += float64(v) * float64(w.Data[i])
			}
			return s
		}
		z.SetRequiresGrad(true)
		tp := tensor.NewTape()
		if err := tp.Backward(tensor.Sum(tp, tensor.Mul(tp, gen.Forward(tp, z), w))); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		norm := 0.0
		for _, v := range z.Grad {
			norm += float64(v) * float64(v)
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			t.Fatalf("%s: zero gradient", name)
		}
		drng := nn.NewRand(9)
		for k := range 4 {
			dir := make([]float64, z.Len())
			for i := range dir {
				if k == 0 {
					dir[i] = float64(z.Grad[i]) / norm
				} else {
					dir[i] = drng.NormFloat64() / math.Sqrt(float64(z.Len()))
				}
			}
			ana := 0.0
			for i, d := range dir {
				ana += d * float64(z.Grad[i])
			}
			const eps = 1e-3
			num := (loss(dir, eps) - loss(dir, -eps)) / (2 * eps)
			if math.Abs(num-ana) > 0.02*norm {
				t.Errorf("%s direction %d: analytic %.6g, numeric %.6g (|grad| %.3g)", name, k, ana, num, norm)
			}
		}
	}
}

// TestDCGANEvalIndependentOfBatch: Forward uses running statistics, so a
// sample decodes the same alone and in a batch, and training-mode passes
// move those statistics.
func TestDCGANEvalIndependentOfBatch(t *testing.T) {
	g, _ := NewDCGAN(tinyDCGAN(1), nn.NewRand(6))
	z := randomLatent(7, 4, 6)
	g.forward(nil, z, true) // one training pass updates the running statistics
	if g.bn[0].RunningMean.Data[0] == 0 || g.bn[0].RunningVar.Data[0] == 1 {
		t.Fatal("training pass left the running statistics untouched")
	}
	all := g.Forward(nil, z).Clone()
	one := g.Forward(nil, tensor.FromData(append([]float32(nil), z.Data[6:12]...), 1, 6))
	per := 64 * 64
	for i, v := range one.Data {
		if v != all.Data[per+i] {
			t.Fatalf("sample 1 alone %v, in the batch %v", v, all.Data[per+i])
		}
	}
}
